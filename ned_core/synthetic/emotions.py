"""Seeded expression-vector sequences per emotion, with per-actor variation (no images).

For tests and benchmarks of the direction stage: what a given actor's face channels might do over
a clip played with one emotion while talking. The emotion's unit pattern is the director's EMFACS
prototype (``ned_core.direct.prototypes``), shaped by an :class:`ActorStyle`; on top come speech
(jaw opening, some lip parting) and blinks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.direct.labels import canonical_emotion
from ned_core.direct.prototypes import prototype
from ned_core.face3d.channels import CHANNEL_INDEX, CHANNELS, NUM_CHANNELS
from ned_core.synthetic.signals import blinks, speech_jaw, wander

MAX_ACTIVATION = 1.5


@dataclass(frozen=True)
class ActorStyle:
    """How one actor plays emotions; derived from a seed, so the same actor is the same in every clip.

    Attributes:
        gains: ``(K,) float64`` per-channel gain on the prototype (log-normal, sigma 0.25; the two
            sides of a bilateral unit share it up to a +-10 % asymmetry).
        expressivity: overall intensity scale, 0.7..1.2.
        blink_rate: blinks per minute, 8..25.
        speech_rate: syllable-rate range in Hz (3-6 Hz shifted by up to +-0.5 Hz).
        speech_gain: peak jaw opening while talking, 0.5..0.9.
    """

    gains: np.ndarray
    expressivity: float
    blink_rate: float
    speech_rate: tuple[float, float]
    speech_gain: float


def actor_style(actor_seed: int) -> ActorStyle:
    """The :class:`ActorStyle` of actor number ``actor_seed``."""
    rng = np.random.default_rng([actor_seed, 0x5EED])
    base = {c.bilateral_group or c.name: float(np.exp(rng.normal(0.0, 0.25))) for c in CHANNELS}
    gains = np.array([base[c.bilateral_group or c.name] * rng.uniform(0.9, 1.1) for c in CHANNELS])
    shift = rng.uniform(-0.5, 0.5)
    return ActorStyle(
        gains=gains,
        expressivity=float(rng.uniform(0.7, 1.2)),
        blink_rate=float(rng.uniform(8.0, 25.0)),
        speech_rate=(3.0 + shift, 6.0 + shift),
        speech_gain=float(rng.uniform(0.5, 0.9)),
    )


def emotion_sequence(
    emotion: str,
    num_frames: int,
    *,
    fps: float = 25.0,
    seed: int = 0,
    actor_seed: int = 0,
    intensity: float = 1.0,
    speech: bool = True,
) -> np.ndarray:
    """One clip's expression vectors for an actor playing ``emotion``.

    Per frame: the emotion's prototype times the actor's gains and expressivity and ``intensity``,
    each channel drifting slowly (+-15 %, 0.2-0.7 Hz); plus, if ``speech``, the actor's talking jaw
    (and 30 % of it as lip parting); plus blinks at the actor's rate. Clipped to 0..1.5.

    Args:
        emotion: one of ``EMOTIONS`` (aliases such as "surprise" accepted).
        num_frames: ``T``. fps: frame rate of the clip.
        seed: the clip (timing of syllables, blinks, drifts).
        actor_seed: the actor (see :func:`actor_style`).
        intensity: emotion strength, 1 = the prototype.
        speech: add talking.

    Returns:
        ``(T, K) float32`` activations, channels in ``CHANNEL_NAMES`` order.

    Raises:
        UnknownEmotionError: ``emotion`` is not an emotion label.
    """
    label = canonical_emotion(emotion, "emotion_sequence")
    style = actor_style(actor_seed)
    rng = np.random.default_rng([seed, actor_seed])
    amount = prototype(label) * style.gains * style.expressivity * intensity
    drift = np.stack([wander(num_frames, fps, rng, 0.15) for _ in range(NUM_CHANNELS)], axis=1)
    out = amount[None, :] * (1.0 + drift)
    if speech:
        jaw = style.speech_gain * speech_jaw(num_frames, fps, rng, style.speech_rate)
        out[:, CHANNEL_INDEX["jaw_open"]] += jaw
        out[:, CHANNEL_INDEX["lips_part"]] += 0.3 * jaw
    closure = blinks(num_frames, fps, rng, style.blink_rate)
    out[:, CHANNEL_INDEX["blink_L"]] += closure
    out[:, CHANNEL_INDEX["blink_R"]] += closure
    return np.clip(out, 0.0, MAX_ACTIVATION).astype(np.float32)
