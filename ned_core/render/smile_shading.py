"""A smile's shading the warp cannot make, where the target raises the mouth corners against the source: the
deepened nasolabial fold, the raised cheek apple's highlight, the lower lid's bulge and faint crow's feet.

A warp moves the corners and the cheeks but cannot fold the skin, and a smile is read as much from that texture as
from the mouth (Ekman & Friesen, *FACS* 1978, appearance changes): AU12 (lip corner puller) deepens the nasolabial
furrow from the nose wing down and out past the mouth corner and raises the infraorbital triangle (the cheek apple
bulges and catches the light above the fold); AU6 (cheek raiser, the Duchenne smile's eyes) bags the skin below
the lower lid and fans crow's feet out from the outer eye corners. Where they sit (IOD units, 1 IOD ~ 63 mm on an
adult; places are this module's choice from those descriptions, on the target landmarks): the fold from just
outside the nose wing's outer edge (129/358) bowed out toward the cheek, passing :data:`FOLD_OUT_IOD` outside the
mouth corner (61/291) and ending :data:`FOLD_BELOW_IOD` below it (the fold's lower end lies beside and below the
corner on smiling faces: Pessa & Brown, "Independent effect of various facial mimetic muscles on the nasolabial
fold", *Aesth. Plast. Surg.* 16, 1992); the apple's highlight centred above the fold's upper half, below the eye;
the lid bulge's lower edge (the infraorbital furrow) :data:`LID_FURROW_IOD` below the lower lid's margin; the
crow's feet three short lines fanning out from :data:`CROW_START_IOD` beyond the outer corner.

Each fold is a groove (``shading.py``: a dark band inside a broader shadow, a highlight on its lit side, a
multiplicative log-gain on the skin's own colour, its light and texture kept), the apple a soft, compact
brightening. The strength (:func:`smile_weight`) is smooth in the corners' raise against the source (IOD,
pose-normalised: :func:`corner_rise`), counts only the part that goes past the rest
face's corners, and fades where the source already smiles (its folds are there: no second fold). It follows the
landmarks frame to frame (temporally as smooth as they are). Only the skin gets it: inside the face oval, off the
eyes, brows and lips, off spectacle rims and hair.

Measured (benchmarks/bench_expressions.py --quick, happy): by eye the folds on Grace Hopper deepen from the nose
wings round the mouth corners and the cheeks above them catch more light; fer's reading does not follow (speaking
warm-dark: recognised 29 -> 25 %, one frame of 24, p(happy) 0.34 -> 0.34; held-out dark: 29 -> 29 %, 0.36 ->
0.37; on the probe frames even a fold twice as deep or an apple twice as bright moved p(happy) by <= 0.04): at
fer's 48 px a face's IOD is ~15 px, the fold a fraction of a pixel, and Hopper is read from her closed mouth.
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.regions import (FACE_OVAL, LEFT_BROW, LEFT_EYE, LIPS_OUTER, RIGHT_BROW, RIGHT_EYE,
                                       interocular_distance)
from ned_core.face3d.falloff import bump, smoothstep
from ned_core.render.shading import Crease, GrooveProfile, Rims, axes, creases_gain, shade, skin, taper
from ned_core.analysis import crop
from ned_core.render.mouth_index import template_from_image
from ned_core.render.smile_relax import (CHEEKS, CORNERS, LIP_MIDDLE, NOSE_WINGS, SUBNASALE, corner_height,
                                         rest_corner_height)

# per side (subject's right, then left): the lower lid's middle (its margin, outer to inner) and the outer corner
LOWER_LIDS = ((163, 144, 145, 153, 154), (390, 373, 374, 380, 381))
OUTER_CORNERS = (33, 263)
START_IOD, FULL_IOD = 0.01, 0.04  # corners raised against the source: the shading starts / is full
# the target's corners above the rest face's: none at or below this / full from this (a sad mouth brought back to
# rest gets no smile's folds; Grace Hopper made neutral: -0.033, happy while speaking: 0.023-0.073)
REST_START_IOD, REST_FULL_IOD = 0.0, 0.025
# the source's own smile (its corners above the rest face's): the shading fades out between these (its folds are
# there). Speech moves this reading (the lips' middle drops as the jaw opens): Grace Hopper speaking with no smile
# reads -0.065 to 0.016, the astronaut's broad smile 0.046 (still) to 0.084 (speaking)
OWN_SMILE_START, OWN_SMILE_FULL = 0.02, 0.04
FOLD_OUT_IOD, FOLD_BELOW_IOD = 0.07, 0.08  # the fold passes this far outside the mouth corner, ends this far below
FOLD_BOW_IOD = 0.03  # its middle bows out toward the cheek by this much
FOLD_DEPTH = 0.3  # the fold's log-gain at full (the astronaut's own fold: ~0.3-0.4 log darker than the cheek above)
# the fold: a wider groove than a brow crease (the cheek's mass overhangs it), its highlight on the cheek side
FOLD = GrooveProfile(0.015, 0.04, 0.6, 0.5)
# the apple's highlight: log-gain at its centre, the radius of its compact bump (~ a Gaussian of sigma 0.09 IOD)
APPLE_LIGHT, APPLE_RADIUS_IOD = 0.1, 0.22
LID_FURROW_IOD, LID_DEPTH = 0.08, 0.1  # the lid bulge's lower edge below the lid margin, its depth
CROW_START_IOD, CROW_LENGTH_IOD, CROW_DEPTH = 0.06, 0.08, 0.08  # crow's feet: start, length, depth
CROW_ANGLES = (-30.0, 0.0, 25.0)  # degrees from the eyes' line, outward (negative: upward)
FINE = GrooveProfile(0.01, 0.025, 0.5, 0.3)  # the lid furrow and the crow's feet: fine creases
HOLES = (RIGHT_BROW, LEFT_BROW, RIGHT_EYE, LEFT_EYE, LIPS_OUTER)  # no shading over the brows, eyes and lips
# hair is told from skin by its darkness at this scale: the fold's own shadow, ~0.05 IOD wide, is skin
HAIR_SIGMA_IOD = 0.08


def smile_weight(src: np.ndarray, dst: np.ndarray, to_template: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """0..1: how far the target raises the mouth corners into a smile the source does not show.

    The product of smoothsteps (IOD, pose-normalised): in the corners' raise against the source (:func:`corner_rise`,
    :data:`START_IOD` to :data:`FULL_IOD`), in the target's corners above the rest face's
    (:data:`REST_START_IOD` to :data:`REST_FULL_IOD`), and 1 minus one in the source's own smile
    (:data:`OWN_SMILE_START` to :data:`OWN_SMILE_FULL`).

    ``to_template``: both frames' :func:`~ned_core.render.mouth_index.template_from_image` when already computed.
    """
    m_src, m_dst = (None, None) if to_template is None else to_template
    rest = rest_corner_height()
    # the target's curve is read against the lips' middle, half of which an upper lip lifted off the teeth moves:
    # that half is given back (a smile whose lips part from above, render/smile_part.py, is no less of a smile)
    lifted = 0.5 * upper_lip_rise(src, dst, to_template)
    raised = smoothstep(START_IOD, FULL_IOD, corner_rise(src, dst, to_template))
    smiling = smoothstep(REST_START_IOD, REST_FULL_IOD, corner_height(dst, m_dst) + lifted - rest)
    own = smoothstep(OWN_SMILE_START, OWN_SMILE_FULL, corner_height(src, m_src) - rest)
    return float(raised * smiling * (1.0 - own))


def corner_rise(src: np.ndarray, dst: np.ndarray, to_template: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """How far (IOD, pose-normalised on the head's rigid points; < 0: lowered) the target raises the mouth corners
    against the source, mean of both. Not against the lips' middle: a jaw the target drops (surprise, fear) pulls the
    corners down less than the middle, which read there as a raise (surprised on Grace Hopper speaking got up to
    0.21 of the smile's shading, 0.78 with the lip's lift given back); in speech the jaw is the source's."""
    m_src, m_dst = (None, None) if to_template is None else to_template
    heights = []
    for landmarks, m in ((src, m_src), (dst, m_dst)):
        m = template_from_image(landmarks) if m is None else m
        heights.append(float(crop.apply_affine(m, np.asarray(landmarks, np.float64)[list(CORNERS), :2])[:, 1].mean()))
    return heights[0] - heights[1]


def upper_lip_rise(src: np.ndarray, dst: np.ndarray, to_template: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> float:
    """How far (IOD, pose-normalised, >= 0) the target raises the upper lip's inner middle (13) toward the nose
    (below it, 2) against the source: a lift off the teeth (AU10), which the jaw does not move."""
    m_src, m_dst = (None, None) if to_template is None else to_template
    heights = []
    for landmarks, m in ((src, m_src), (dst, m_dst)):
        m = template_from_image(landmarks) if m is None else m
        pts = crop.apply_affine(m, np.asarray(landmarks, np.float64)[[LIP_MIDDLE[0], SUBNASALE], :2])
        heights.append(float(pts[0, 1] - pts[1, 1]))  # the lip's middle below the nose
    return max(heights[0] - heights[1], 0.0)


def _bezier(points: np.ndarray, count: int) -> np.ndarray:
    """``(count, 2)`` along the quadratic Bezier curve through ``points (3, 2)``'s ends, pulled toward the middle."""
    t = np.linspace(0.0, 1.0, count)[:, None]
    return (1 - t) ** 2 * points[0] + 2 * t * (1 - t) * points[1] + t**2 * points[2]


def folds(dst: np.ndarray, weight: float) -> list[Crease]:
    """The nasolabial folds on ``dst (>= 468, 2)`` frame pixels, one per side, lit on the cheek's side."""
    across, up, iod = axes(dst)
    out = []
    for side, (wing, corner) in enumerate(zip(NOSE_WINGS, CORNERS)):
        outward = across * (1.0 if side else -1.0)
        end = dst[corner] + iod * (FOLD_OUT_IOD * outward - FOLD_BELOW_IOD * up)
        start = dst[wing] + 0.01 * iod * (outward + up)
        mid = 0.5 * (start + end) + iod * FOLD_BOW_IOD * outward + 0.02 * iod * up
        points = _bezier(np.array([start, 2.0 * mid - 0.5 * (start + end), end]), 13)
        out.append(Crease(points, FOLD_DEPTH * weight * taper(len(points), 0.4), outward + 0.5 * up))
    return out


def eye_creases(dst: np.ndarray, weight: float) -> list[Crease]:
    """The lower lids' furrows (lit above: the bulge) and the crow's feet at the outer corners, ``dst`` frame px."""
    across, up, iod = axes(dst)
    out = []
    for side, (lid, corner) in enumerate(zip(LOWER_LIDS, OUTER_CORNERS)):
        points = dst[list(lid)] - LID_FURROW_IOD * iod * up
        out.append(Crease(points, LID_DEPTH * weight * taper(len(points)), up))
        outward = across * (1.0 if side else -1.0)
        for angle in np.radians(CROW_ANGLES):
            direction = np.cos(angle) * outward - np.sin(angle) * up
            t = np.linspace(CROW_START_IOD, CROW_START_IOD + CROW_LENGTH_IOD, 5)[:, None]
            out.append(Crease(dst[corner] + iod * t * direction, CROW_DEPTH * weight * taper(len(t), 0.35), up))
    return out


def _apples(shape: tuple[int, int], dst: np.ndarray, iod: float, weight: float) -> np.ndarray:
    """``(h, w) float32`` the cheek apples' highlight (log-gain, a compact bump each), centred between each cheek
    landmark (50/280) and the nose wing, pushed out toward the cheek."""
    across, _, _ = axes(dst)
    radius = APPLE_RADIUS_IOD * iod
    gain = np.zeros(shape, np.float32)
    for side, (cheek, wing) in enumerate(zip(CHEEKS, NOSE_WINGS)):
        centre = 0.5 * (dst[cheek] + dst[wing]) + 0.08 * iod * across * (1.0 if side else -1.0)
        x0, y0 = max(int(centre[0] - radius), 0), max(int(centre[1] - radius), 0)
        x1, y1 = min(int(centre[0] + radius) + 2, shape[1]), min(int(centre[1] + radius) + 2, shape[0])
        if x1 > x0 and y1 > y0:  # the bump's square (it is 0 beyond its radius)
            yy, xx = np.mgrid[y0:y1, x0:x1]
            grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float64)
            gain[y0:y1, x0:x1] += bump(grid, centre, radius).reshape(y1 - y0, x1 - x0)
    return APPLE_LIGHT * weight * gain


def _gain(rgb: np.ndarray, dst: np.ndarray, iod: float, weight: float, rims: np.ndarray | None) -> np.ndarray:
    """``(h, w) float32`` the smile's log-gain over the window ``rgb (h, w, 3)`` (``dst`` in its pixels, ``iod``
    its IOD), zero off the skin."""
    shape = rgb.shape[:2]
    gain = creases_gain(shape, folds(dst, weight), iod, FOLD) + creases_gain(shape, eye_creases(dst, weight), iod,
                                                                            FINE)
    return (gain + _apples(shape, dst, iod, weight)) * skin(rgb, dst, iod, HOLES, rims, HAIR_SIGMA_IOD)


def shade_smile(rgb: np.ndarray, box: tuple[int, int, int, int], dst: np.ndarray, weight: float,
                rims: Rims | None = None) -> np.ndarray:
    """Shade a smile's folds into ``rgb (h, w, 3) float32`` (scene-linear) over ``box`` at ``weight``.

    Args:
        rgb: the warped face over ``box (x0, y0, x1, y1)`` frame pixels.
        dst: ``(>= 468, 2)`` target landmarks, frame pixels (where the folds sit).
        weight: :func:`smile_weight`.
        rims: spectacle rims in frame pixels (:func:`~ned_core.render.glasses.rim_mask`'s form), or None.

    Returns:
        A new array, or ``rgb`` itself at weight 0. Nothing outside the face oval changes.
    """
    if weight <= 0.0:
        return rgb
    dst = np.asarray(dst, np.float64)[:, :2]
    iod = float(interocular_distance(dst))
    oval = dst[list(FACE_OVAL)]  # across the whole face, from above the eyes down to the chin
    top = dst[list(RIGHT_EYE + LEFT_EYE), 1].min() - 0.3 * iod
    window = (int(oval[:, 0].min()) - 1, int(top), int(oval[:, 0].max()) + 2, int(oval[:, 1].max()) + 2)
    return shade(rgb, box, window, dst, lambda sub, lm, scale_iod, mask: _gain(sub, lm, scale_iod, weight, mask), rims)
