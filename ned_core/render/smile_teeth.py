"""The upper teeth a smile uncovers when it lifts closed lips apart: the shot's own teeth, at their own size.

Where the target lifts the upper lip off closed lips in a smile (``smile_part.py``), the gap shows the upper
teeth, which sit on the skull: they keep their size and hang from the upper lip, and the lower lip covers the rest.
The mouth fill (``mouth_fill.py``) maps a stored interior onto the target's inner-lip outline, which squeezes a
wide-open mouth's two rows of teeth and cavity into the thin gap (a pale, featureless band, fer p(happy) 0.08-0.13
on Grace Hopper's closed frames). Here the stored mouth whose lips part widest (the most teeth; one for the whole
shot, so the teeth never switch from frame to frame) is placed by a similarity (no squeeze) that takes its upper
inner lip and corners onto the target's, colour-matched by a per-channel gain from its skin ring to the current
frame's (as the fill does), and shown inside the target's inner lips with a soft edge.

Its weight is the product of smoothsteps: the corners raised against the source (a smile; ``smile_shading.py``'s
measure), the upper lip lifted against the source (:data:`RISE_IOD`), both slow (the director's offsets), and the
source's own lips not open for a syllable (its inner-lip area below :data:`OPEN_SHARE` x ``RenderConfig.mouth_open``:
there the warp carries the words' own teeth and cavity). Only the stored mouth's upper teeth are shown, down to where
its interior turns dark (:func:`teeth_depths`, in the stored patch, so at their own size): between closed lips they
fill the gap, in a mouth parted a little the words' own interior shows below them. The gate was 0.5-1 x
``mouth_open``, the lips' small partings between syllables, and there it flipped from frame to frame between a pale
band of stored teeth and the warped own interior (Grace Hopper speaking 1080p, happy:0.8: weights 0 -> 0.96 -> 0 on
consecutive frames; frame pairs whose mouth interior changes beyond 1.5 x the source's + 3 codes 13 of 239 -> 8).
Without a gate (the teeth over every syllable) 3, but the teeth then covered the open mouths' dark gap (a grey mouth
guard; quick table held-out happy PCCpx 0.95 -> 0.86). The weight still steps 0 -> 1 where a syllable's parting
closes (1 -> 0 where one opens), and once the retrieved interior below kept its cavity (``mouth_fill.py``'s band)
the overlay switched between a pale band and teeth over a dark gap (HELD Hopper speaking dark, happy: 3 frame
pairs beyond the source's change, 5.4 codes): so the weight moves at most :data:`FADE_STEP` a frame
(:func:`faded_weight`; 1 pair, 0.7 codes).
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.face3d.falloff import smoothstep
from ned_core.render.config import RenderConfig
from ned_core.render.luma import luma
from ned_core.render.mouth_fill import EDGE_FEATHER_IOD, inner_lip_window
from ned_core.render.mouth_index import MouthIndex, colour_gain
from ned_core.render.smile_shading import FULL_IOD, START_IOD, corner_rise, upper_lip_rise
from ned_core.render.warp import remap

TEETH_EDGE = 0.25  # the stored upper teeth end where the luminance falls below this share between cavity and teeth
# (0.5, and a band ending a pixel earlier, left a dark strip under closed lips: gap luma over cheek 0.65-0.70, 0.67-0.72
# here 0.70-0.75; main 0.72-0.79, test_render_parted_smile.py)
OPEN_SHARE = (1.0, 2.0)  # of ``mouth_open``: a source opening from which the words' own interior takes over / fully
RISE_IOD = (0.01, 0.03)  # the upper lip lifted against the source (IOD): the teeth start / are fully shown
# positions in LIPS_INNER: the corners (78, 308) and the upper lip's nine inner points (191 .. 415), and the nine
# lower ones facing them
FADE_STEP = 0.34  # the most the weight moves from one frame to the next: on or off over three frames (0.5: HELD
# Hopper happy 1 pair, 1.6 codes; 0.34: 0.7)
UPPER = [0, *range(11, 20), 10]
LOWER = list(range(9, 0, -1))


def teeth_weight(src: np.ndarray, dst: np.ndarray, src_opening: float, config: RenderConfig,
                 to_template: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """0..1: how far the smile's lifted upper lip shows the stored upper teeth (module docstring).

    Args:
        src, dst: ``(>= 468, 2)`` source and target landmarks, frame pixels.
        src_opening: the source's inner-lip area (IOD^2, :func:`~ned_core.render.mouth_index.mouth_shape`).
        config: ``mouth_open``.
        to_template: both frames' :func:`~ned_core.render.mouth_index.template_from_image`, or None.
    """
    raised = smoothstep(START_IOD, FULL_IOD, corner_rise(src, dst, to_template))
    lifted = smoothstep(RISE_IOD[0], RISE_IOD[1], upper_lip_rise(src, dst, to_template))
    shut = 1.0 - smoothstep(OPEN_SHARE[0] * config.mouth_open, OPEN_SHARE[1] * config.mouth_open, src_opening)
    return float(raised * lifted * shut)


def faded_weight(weight: float, previous: float | None) -> float:
    """``weight`` moved at most :data:`FADE_STEP` from the previous frame's (None: the shot's first frame)."""
    return weight if previous is None else float(np.clip(weight, previous - FADE_STEP, previous + FADE_STEP))


def teeth_depths(patch: np.ndarray, inner_lips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where a stored mouth's upper teeth end: ``(xs (9,), depths (9,))`` patch pixels, sorted by x: at each of its nine
    upper inner-lip points, how far below it (straight down, towards the facing lower point) the interior's luminance
    first falls below :data:`TEETH_EDGE` of the way from the teeth (the brightest above) to the cavity (the darkest).

    Args:
        patch: ``(ph, pw, 3) float32`` the stored mouth patch.
        inner_lips: ``(20, 2)`` its inner-lip points, patch pixels.
    """
    upper, lower = inner_lips[UPPER[1:-1]], inner_lips[LOWER]
    shares = np.linspace(0.0, 1.0, 33)
    pts = upper[None] + shares[:, None, None] * (lower - upper)[None]
    lum = np.ascontiguousarray(luma(patch))
    lum = remap(lum, pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32))  # (33, 9)
    bright = np.maximum.accumulate(lum, axis=0)
    dark = lum.min(axis=0)
    below = lum < dark + TEETH_EDGE * (bright - dark)
    below[-1] = True
    first = shares[np.argmax(below, axis=0)]
    depths = first * (lower[:, 1] - upper[:, 1])
    order = np.argsort(upper[:, 0])
    return upper[order, 0], np.maximum(depths[order], 0.0)


def teeth_slot(index: MouthIndex | None) -> int | None:
    """The stored mouth whose lips part widest (None without one): the same for every frame of the shot."""
    return None if index is None or index.empty else int(np.argmax(index.openings))


def show_teeth(rgb: np.ndarray, box: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray,
               dst: np.ndarray, index: MouthIndex | None, config: RenderConfig, weight: float) -> np.ndarray:
    """Show the stored upper teeth in the target's inner lips over ``rgb (h, w, 3) float32`` (over ``box``).

    Args:
        frame: ``(H, W, 3) float32`` the source frame (the colour match's skin ring).
        src, dst: ``(>= 468, 2) float64`` landmarks, frame pixels.
        index: the shot's mouth index (nothing is shown without a stored mouth).
        weight: :func:`teeth_weight`.

    Returns:
        A new array, or ``rgb`` itself where nothing is shown.
    """
    slot = teeth_slot(index)
    if weight <= 0.0 or slot is None:
        return rgb
    target = dst[list(LIPS_INNER)]
    bx0, by0 = box[:2]
    window = inner_lip_window(dst, box)
    if window is None:
        return rgb
    x0, y0, x1, y1 = window
    # frame pixels -> the stored patch: its upper inner lip and corners onto the target's, no squeeze
    sim = similarity_transform(target[UPPER], index.inner_lips[slot][UPPER])
    xs, ys = np.meshgrid(np.arange(x0, x1, dtype=np.float64), np.arange(y0, y1, dtype=np.float64))
    map_x = (sim[0, 0] * xs + sim[0, 1] * ys + sim[0, 2]).astype(np.float32)
    map_y = (sim[1, 0] * xs + sim[1, 1] * ys + sim[1, 2]).astype(np.float32)
    teeth = remap(index.patches[slot], map_x, map_y)
    xs_up, depths = teeth_depths(index.patches[slot], index.inner_lips[slot])
    upper = index.inner_lips[slot][UPPER]
    order = np.argsort(upper[:, 0])
    below_lip = map_y - np.interp(map_x, upper[order, 0], upper[order, 1])
    band = 1.0 - smoothstep(0.0, 2.0, below_lip - np.interp(map_x, xs_up, depths))  # the upper teeth only
    gain = colour_gain(frame, src, slot, index, config)
    feather = max(1.0, EDGE_FEATHER_IOD * float(interocular_distance(dst)))
    soft = polygon_mask(target - (x0, y0), (y1 - y0, x1 - x0), feather).full((y1 - y0, x1 - x0))
    alpha = (weight * soft * band)[:, :, None]
    out = rgb.copy()
    sub = out[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    sub += alpha * (np.maximum(teeth * gain, 0.0) - sub)
    return out
