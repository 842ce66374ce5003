"""A labelled synthetic dataset: talking actors playing each emotion (``ned_core.synthetic.emotions``)."""

from __future__ import annotations

import numpy as np

from ned_core.face3d.channels import EMOTIONS
from ned_core.manipulation.space import EMBEDDED_SPACE
from ned_core.synthetic.emotions import emotion_sequence
from ned_core.training.dataset import ExpressionDataset, concat_clips


def synthetic_dataset(actors: int, clips_per_emotion: int, frames: int, seed: int = 0, first_actor: int = 0,
                      intensity: tuple[float, float] = (0.7, 1.2), fps: float = 25.0) -> ExpressionDataset:
    """Embedded-tier clips of ``actors`` synthetic actors, each playing every emotion while talking.

    Every clip has speech-like jaw motion, blinks and the actor's own version of the emotion's
    action-unit pattern (per-actor gains; see :func:`ned_core.synthetic.emotions.emotion_sequence`)
    at an intensity drawn from ``intensity``; every frame is labelled with the clip's emotion.

    Args:
        actors: number of actors (actor ids ``first_actor ..``, named ``synth_a{id:03d}``).
        clips_per_emotion: clips per actor and emotion. frames: frames per clip.
        seed: clip randomness (syllables, blinks, drift, intensities).
        first_actor: id of the first actor (use disjoint ranges for train and test actors).
        intensity: range of the emotion's intensity per clip. fps: frame rate.

    Returns:
        ``actors * 7 * clips_per_emotion`` clips in the embedded space.
    """
    rng = np.random.default_rng([seed, 0xDA7A])
    clips = []
    for actor in range(first_actor, first_actor + actors):
        for label, emotion in enumerate(EMOTIONS):
            for k in range(clips_per_emotion):
                clip_seed = int(rng.integers(0, 2**31))
                level = float(rng.uniform(*intensity))
                expr = emotion_sequence(emotion, frames, fps=fps, seed=clip_seed, actor_seed=actor, intensity=level)
                source = f"synthetic:{emotion}:actor={actor}:clip={k}:seed={clip_seed}:intensity={level:.3f}"
                clips.append((expr, np.full(frames, label), np.ones(frames, bool), f"synth_a{actor:03d}", source))
    info = {"layout": "synthetic", "actors": actors, "clips_per_emotion": clips_per_emotion, "frames": frames,
            "seed": seed, "first_actor": first_actor, "intensity": list(intensity), "fps": fps}
    return concat_clips(EMBEDDED_SPACE, clips, info)
