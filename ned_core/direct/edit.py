"""Replace the emotion a performance shows by target offsets, keeping its dynamics and its speech.

``out = x - strength * tonic + target`` per channel, where ``tonic`` is what the face holds (the
slow, low percentile of each channel, see :mod:`ned_core.direct.baseline`): the held expression
is undone as a whole — a smiling actor made sad stops smiling: corners, cheeks, raised upper lip — except,
on channels the target leaves alone, a small floor (``config.held_floor``: tracking noise or the actor's
own face, not expression),
not only the part an emotion prototype explains. Everything above the tonic level — blinks,
brow emphasis, speech — rides on unchanged, so dynamics are moved to the new level rather than
deleted. Emotion channels are kept at or above ``min(0, lowest source
value)``. The speech channels (jaw_open, lips_part) are never reshaped: their tonic level is the slow
component of the opening (in a still or a silent stretch, the whole opening), which is
expression and is undone like any held channel; where the change asks for more opening it is,
while the actor talks, a slow gain on the opening (the words' time course kept, closures closed) and,
in silence, a slow offset; where it asks for less, the channel's tonic level is lowered first
(closures stay closed), and what remains scales the channel's motion by a slow gain of at least
``config.min_speech_gain``.

A target on a channel the source already holds in the same direction (both positive) is stacked on the
part of the held level it accounts for, ``kept = min(tonic, target)``, not put in its place:
``level = kept + target * (1 - kept / config.unit_range)``, a saturating add (the target in full on a rest
face, less the nearer the kept level is to the end of the unit's range, never past ``unit_range`` = the
strongest target on a rest face); a held level beyond the target is undone like any held expression. So
asking for an emotion moves its units towards it whatever the rest face reads as. The held level cannot
say whether it is expression or anatomy: a still is read against the mean face, so Grace Hopper's
naturally down-turned corners read as a held lip_corner_depress 0.35-0.4 (chin_raise 0.26); replaced by
sad's 0.8 they moved by 0.4-0.45 (the model's corners 0.050 IOD lower), stacked by 0.59-0.61 (0.067 IOD; the
re-analysed result's lip_corner_depress +0.25/+0.38 -> +0.27/+0.44). The astronaut's held smile
(lip_corner_pull 0.7) made happy gains 0.5 instead of 0.25 (with happy's AU12 at 1.2: 0.64, and 1.66 at intensity 1.5,
under a rest face's 1.8).
A held smile lifts the upper lip too: a strong AU12 raises the infraorbital triangle and the upper lip and
deepens the nasolabial furrow, the appearance changes AU10 and AU9 are scored by (FACS, Ekman, Friesen and
Hager 2002, AU12's and AU10's appearance changes and the 6+12 / 10 distinction), and the fit, which has a unit
for them, reads them there: the astronaut's smile (lip_corner_pull 0.75 / 0.65) holds nose_wrinkle 0.53 and
upper_lip_raise 0.46. That lift is the smile's, not a sneer's: the kept part of AU9 / AU10 is reduced by the
held smile the target takes away (:func:`undone_smile`, both corners' mean), so only a lift stronger than the
undone smile (a sneer held over the smile) is stacked on. Stacked as a sneer, her smile made disgusted
raised them to 1.18 / 1.01 (a snarl over a reduced grin, fer p(happy) 0.53); now to the target's 1.0 / 0.8,
p(happy) 0.32 (reads neutral). A target that keeps the smile (happy plus a lift by unit override, which sets
its level anyway) or a source without one is unchanged. Hopper's speaking clips,
whose rest shape is estimated from the shot, hold lip_corner_depress 0.0-0.14: there sad asks its full 0.8
either way.
Only the kept part stacks, so the change is continuous in the target: a target easing out (a keyed change
from sad to happy on a sad actor) hands the held level back to the undo smoothly, and a channel the target
leaves at 0 is undone as before (a smile made sad, angry or neutral stops smiling; neutral, which raises
nothing, is unchanged). Speech channels keep their own rule (above); unit overrides set their level
(``fixed``), they do not stack.

A mouth-width unit the target holds up (a smile's lip_corner_pull, a lip stretch) is near the end of its
range: what rises on it above the held level (the actor's own passing smiles, the mouth widening with speech)
is compressed by ``1 - target / WIDTH_SATURATION`` (half at intensity 1), a smile on a smile is not twice a
smile. Stacked in full, a happy target on Grace Hopper's speaking clip (two passing smiles of her own)
reached lip_corner_pull 1.7, and the re-analysed mouth, stretched past any posed smile, read her closed lips
as parted by 0.05 IOD: mouth-opening PCC 0.86 (now 0.93).

Where the target drops the jaw (surprise's AU26), the floor is taken off the smile and its lift (``JAW_FULL``): the
held smile is undone in full. On a mouth held open the floor's leftover smile is not the actor's face but the
smile's width and its upper teeth: the speaking astronaut's surprise kept lip_corner_pull 0.14 and upper_lip_raise
0.12 over the words, the corners 0.039 IOD in of ~0.05 asked, and read happy on 9 of 24 frames (fer's own crop,
p(happy) 0.42); undone in full, 0.053 IOD in, 4 of 24 (0.36), surprised 62 -> 83 % (held-out warm twin 33 -> 38 %,
0.032 -> 0.049 IOD in). On closed or pressed lips the floor stays: taken off for every emotion, angry and disgusted
fell 62 -> 42 % and 38 -> 21 % (read fear and angry).

Where the target takes a held smile away, the smiles that pass over it go with it: what rises on a smile channel
above its held level is taken away by the share of the held level undone (a smile made sad stops smiling, the
broad moments too), and so is what rises on the upper-lip lift they co-activate (by both corners' mean share).
Kept as dynamics, the speaking astronaut's passing smiles (lip_corner_pull 0.3-0.97 over a held 0.44) left her
sad, angry or neutral at lip_corner_pull 0.31, nose_wrinkle 0.23, upper_lip_raise 0.21 on average (0.10 each on
the still) and the corners 0.05-0.07 IOD higher: fer p(happy) neutral 0.80, sad 0.63, angry 0.57; now 0.14,
0.07, 0.12, and 0.63, 0.50, 0.47.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ned_core.direct.baseline import tonic_level
from ned_core.direct.config import DirectConfig
from ned_core.direct.prototypes import DYNAMIC_CHANNELS, SPEECH_CHANNELS, channel_indices

#: mean opening (activation above the tonic level) below which a speech channel is taken as silent.
SILENT_LEVEL = 0.02
#: largest offset (activation) a speech channel is held open by while the actor talks: more would keep the
#: b/p/m closures apart (the actor test's jaw PCC fell from 0.95 to 0.88 with surprise's 0.6 jaw drop held as an
#: offset in speech); what the change asks for beyond it shows in stills and silent stretches.
SPEECH_OFFSET_CAP = 0.4
#: mouth-width channels whose motion on top of a raised target is compressed (module docstring).
WIDTH_CHANNELS: tuple[str, ...] = ("lip_corner_pull_L", "lip_corner_pull_R", "lip_stretch_L", "lip_stretch_R")
#: activation (units) at which a width channel has no range left for motion on top of the target.
WIDTH_SATURATION = 2.0
#: smile channels (AU12) and the upper-lip units a held smile co-activates in the fit (AU9, AU10; module docstring).
SMILE_CHANNELS: tuple[str, ...] = ("lip_corner_pull_L", "lip_corner_pull_R")
SMILE_LIFT_CHANNELS: tuple[str, ...] = ("nose_wrinkle", "upper_lip_raise")
#: jaw_open target offset (activation) from which a held smile is undone past the floor (module docstring).
JAW_FULL = 0.5


def speech_activity(motion: np.ndarray, sigma: float) -> tuple[np.ndarray, float]:
    """How much the mouth is talking per frame, and its typical opening while talking.

    Args:
        motion: ``(T,)`` a speech channel above its tonic level.
        sigma: smoothing of the envelope, frames.

    Returns:
        ``(activity (T,) in 0..1, level)``: 1 inside speech (closures between syllables included), 0 in
        a still or a silent stretch; ``level`` is the mean opening above the tonic level (0: no speech).
    """
    opening = np.maximum(motion, 0.0)
    level = float(opening.mean())
    if level < SILENT_LEVEL or len(motion) < 2:
        return np.zeros_like(motion), level
    envelope = gaussian_filter1d(opening, sigma, mode="nearest")
    return np.clip(envelope / (0.5 * level), 0.0, 1.0), level


def _speech_channel(x: np.ndarray, tonic: np.ndarray, delta: np.ndarray, config: DirectConfig) -> np.ndarray:
    """One speech channel ``(T,)`` moved by the slow change ``delta`` ``(T,)`` without reshaping it.

    More opening: in speech a slow gain on the motion (closures stay closed, the opening's time course is
    kept), up to ``config.max_speech_gain``; in a still or silent stretch (and beyond the gain's cap) an
    offset, at most ``SPEECH_OFFSET_CAP`` while talking. Less opening: the tonic level is lowered first, then a
    slow gain of at least ``config.min_speech_gain``.
    """
    motion = x - tonic
    activity, level = speech_activity(motion, max(config.baseline_window / 8.0, 1.0))
    level = max(level, 1e-6)
    lift = np.maximum(delta, 0.0)
    lower = np.minimum(delta, 0.0)
    shift = np.maximum(lower, -np.maximum(tonic, 0.0))  # lower the tonic level, at most to 0
    remainder = lower - shift  # what the tonic level could not absorb (<= 0)
    up = np.minimum(lift * activity / level, config.max_speech_gain - 1.0)  # extra gain while talking
    offset = lift - up * level  # the rest of the lift: all of it in silence, capped while talking
    offset = offset - activity * np.maximum(offset - SPEECH_OFFSET_CAP, 0.0)
    gain = np.clip(1.0 + remainder / level, config.min_speech_gain, 1.0) + up
    return x + offset + shift + (gain - 1.0) * motion


def undone_smile(tonic: np.ndarray, target: np.ndarray) -> np.ndarray:
    """How much held smile the target takes away: ``(T,)`` the mean over both corners of ``max(tonic - target, 0)``.

    Args:
        tonic: ``(T, K)`` the source's held levels.
        target: ``(T, K)`` the target offsets.
    """
    smile = channel_indices(SMILE_CHANNELS)
    return np.maximum(tonic[:, smile] - target[:, smile], 0.0).mean(axis=1)


def dropped_share(target: np.ndarray) -> np.ndarray:
    """How far the target drops the jaw, ``(T,)`` in 0..1: its jaw_open offset over :data:`JAW_FULL` (surprise 1,
    the other prototypes 0)."""
    return np.clip(target[:, channel_indices(("jaw_open",))[0]] / JAW_FULL, 0.0, 1.0)


def redirect(expr: np.ndarray, target: np.ndarray, strength: np.ndarray, config: DirectConfig,
             fixed: np.ndarray | None = None) -> np.ndarray:
    """Remove ``strength`` of the source's held expression and add ``target`` (stacked where it holds the same way).

    Args:
        expr: ``(T, K)`` float64 source expression sequence (finite).
        target: ``(T, K)`` float64 target emotional offset per frame (e.g. amounts @ prototypes).
        strength: ``(T,)`` float64 share of the source's held expression to undo, in 0..1, or
            ``(T, K)`` per channel (unit overrides undo their channels in full).
        config: baseline settings, ``unit_range`` and ``min_speech_gain``.
        fixed: ``(T, K)`` in 0..1, the share of each channel's target that sets its level instead of
            stacking on a held level of the same direction (unit overrides); None: no channel.

    Returns:
        ``(T, K)`` float64. Equal to ``expr`` exactly where ``target`` and ``strength`` are 0.
    """
    tonic = tonic_level(expr, config)
    # where the target leaves a channel alone, a held level within the floor is tracking noise or the
    # actor's own face, not expression (a smile under a dropped jaw has none); channels the target sets, and speech,
    # are taken whole
    floor = np.full(tonic.shape, config.held_floor)
    floor[:, channel_indices(SMILE_CHANNELS + SMILE_LIFT_CHANNELS)] *= 1.0 - dropped_share(target)[:, None]
    level = np.where(target == 0.0, np.maximum(tonic - floor, np.minimum(tonic, 0.0)), tonic)
    level[:, channel_indices(SPEECH_CHANNELS)] = tonic[:, channel_indices(SPEECH_CHANNELS)]
    # the part of a held level the target accounts for is kept and the target stacked on it (module docstring)
    smile, lift = channel_indices(SMILE_CHANNELS), channel_indices(SMILE_LIFT_CHANNELS)
    kept = np.where((target > 0.0) & (tonic > 0.0), np.minimum(tonic, target), 0.0)
    kept[:, lift] -= np.minimum(kept[:, lift], undone_smile(tonic, target)[:, None])
    if fixed is not None:
        kept *= 1.0 - fixed
    kept[:, channel_indices(SPEECH_CHANNELS)] = 0.0
    held = (strength if strength.ndim == 2 else strength[:, None]) * (level - kept)
    held[:, channel_indices(DYNAMIC_CHANNELS)] = 0.0  # blinks are dynamics, never a held expression
    delta = target * (1.0 - kept / config.unit_range) - held
    floor = np.minimum(expr.min(axis=0), 0.0)
    out = np.maximum(expr + delta, floor)
    width = channel_indices(WIDTH_CHANNELS)
    raised = np.clip(target[:, width] / WIDTH_SATURATION, 0.0, 1.0)  # share of the motion taken away
    out[:, width] -= raised * np.maximum(expr[:, width] - tonic[:, width], 0.0)
    gone = np.clip(held[:, smile] / np.maximum(tonic[:, smile], 1e-6), 0.0, 1.0)  # share of the held smile undone
    out[:, smile] -= gone * np.maximum(expr[:, smile] - tonic[:, smile], 0.0)  # and of the smiles that pass over it
    # and of the upper-lip lift they co-activate
    out[:, lift] -= gone.mean(axis=1, keepdims=True) * np.maximum(expr[:, lift] - tonic[:, lift], 0.0)
    for col in channel_indices(SPEECH_CHANNELS):
        out[:, col] = _speech_channel(expr[:, col], tonic[:, col], delta[:, col], config)
    return out
