"""A lip stretch flattens the mouth: corners brought down toward the middle of the lips' opening (fear's mouth).

A lip stretch (FACS AU20, the mouth of fear) pulls the corners back and flattens the lips into a tense,
horizontal slot (Ekman & Friesen, *Unmasking the Face* 1975: in fear "the lips may be stretched and tense,
with the corners drawn back"). The face model's unit moves the corners sideways only, so on a smiling face
the open mouth keeps the smile's U -- corners at the upper teeth, the opening hanging below them -- and reads
as a grin. Where the directed expression stretches the lips beyond the source's, each corner is brought down
toward the height of the middle of the lips' opening (between the inner lips' middle points), in proportion
to the stretch added, with a smooth falloff over the skin around it; a corner already at or below that height
is left alone. On closed lips the middle of the opening is the lip line: a smile's upturned corners come down
to it. The height is the slow part of the opening's middle (Gaussian over ``SLOW_FRAMES``): while the actor
talks the corners do not bob with every syllable, and the inner lips' middle points, which the falloff moves
a little, move alike from frame to frame (the opening's time course is kept).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ned_core.analysis.types import NUM_MESH
from ned_core.render.mouth_index import template_from_image
from ned_core.render.mouth_level import CORNERS, corner_falloff

LIP_MIDDLE = (13, 14)  # inner lips' middle, upper and lower
FULL_STRETCH = 0.8  # lip_stretch units added (mean of both sides) for the whole way (fear's prototype adds 1.0)
SLOW_FRAMES = 12.0  # sigma (frames) of the slow part of the opening's middle the corners come down to


def stretch_corners(dst: np.ndarray, stretched: np.ndarray, lift: np.ndarray | None = None,
                    depressed: np.ndarray | None = None) -> np.ndarray:
    """``dst`` with the mouth corners of each frame lowered toward the middle of the lips' opening (module
    docstring).

    Args:
        dst: ``(T, N >= 468, 3)`` target landmarks, frame pixels.
        stretched: ``(T,)`` lip stretch the edit adds (target minus source lip_stretch, mean of both sides);
            <= 0 leaves the frame unchanged, ``FULL_STRETCH`` or more lowers the corners the whole way.
        lift: ``(T,)`` how far (template IOD, >= 0) the target raises the upper lip's middle off the lips' line
            (AU9/AU10: the centre rises, the corners do not), None: 0; the corners come down to the middle of the
            opening the lips would have without it (``lift / 2`` below the opening's middle).
        depressed: ``(T,)`` how far (template IOD, >= 0) the target itself puts the corners below the lips' line
            (AU15/AU17 of a sad target), None: 0; the corners come down that much further (a smile made sad ends
            with its corners below the closed lips' line, not on it).

    Returns:
        ``(T, N, 3) float32``: only the first 468 points move, in the image plane; both inner lips' middle
        points move alike, so the opening (and speech's time course) is kept.

    Raises:
        ValueError: shapes do not match.
    """
    out = np.array(dst, np.float64)
    weight = np.clip(np.asarray(stretched, np.float64) / FULL_STRETCH, 0.0, 1.0)
    below = np.zeros(len(out)) if lift is None else 0.5 * np.maximum(np.asarray(lift, np.float64), 0.0)
    extra = np.zeros(len(out)) if depressed is None else np.maximum(np.asarray(depressed, np.float64), 0.0)
    if out.ndim != 3 or out.shape[1] < NUM_MESH or weight.shape != (len(out),) or below.shape != (len(out),) \
            or extra.shape != (len(out),):
        raise ValueError(f"stretch_corners: dst {out.shape} must be (T, N >= {NUM_MESH}, 3), "
                         f"stretched {weight.shape}, lift {below.shape} and depressed {extra.shape} (T,)")
    if not (weight > 0).any():
        return out.astype(np.float32)
    to_template = [template_from_image(frame[:NUM_MESH, :2]) for frame in out]
    pts = np.stack([frame[:NUM_MESH, :2] @ m[:, :2].T + m[:, 2] for frame, m in zip(out, to_template)])
    # (T, 2) how far each corner sits above the middle of the opening, slow (template IOD, > 0 = above)
    middle = pts[:, list(LIP_MIDDLE), 1].mean(axis=1) + below + extra
    above = gaussian_filter1d(middle[:, None] - pts[:, list(CORNERS), 1], SLOW_FRAMES, axis=0, mode="nearest")
    for t in np.flatnonzero(weight > 0):
        move = (weight[t] * np.maximum(above[t], 0.0)) @ corner_falloff(pts[t])  # same falloff as the levelling
        shift = np.stack([np.zeros(NUM_MESH), move], axis=1)
        out[t, :NUM_MESH, :2] += shift @ np.linalg.inv(to_template[t][:, :2]).T
    return out.astype(np.float32)
