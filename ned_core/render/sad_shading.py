"""A sad mouth's shading the warp cannot make, where the target turns the mouth corners down against the source:
the depressor's folds below the corners and the chin's mentolabial furrow deepened above the raised chin boss.

A warp lowers the corners and lifts the lower lip but cannot bunch the skin, and a sad mouth is read as much from
that texture as from the lip line (Ekman & Friesen, *FACS* 1978, appearance changes): AU15 (depressor anguli oris)
pulls the corners down and bags or wrinkles the skin below and beside them; AU17 (mentalis) pushes the chin boss
up, which deepens the furrow between it and the lower lip and may wrinkle the chin ("orange peel"). Where they sit
(IOD units, 1 IOD ~ 63 mm on an adult; places are this module's choice from those descriptions, on the target
landmarks): each depressor fold a short line from just outside the mouth corner (61/291) down and a little out,
:data:`FOLD_LENGTH_IOD` long; the furrow a line across the chin :data:`FURROW_BELOW_IOD` below the lower lip's
middle (17), between the corners' verticals, lit from below (the bulging chin boss catches the light).

Each is a groove (``shading.py``), at a strength (:func:`frown_weight`) smooth in how far the target's corners lie
below the middle of the lips (IOD, pose-normalised: :func:`~ned_core.render.smile_relax.corner_height`), counting
only the part the source does not show and only where the target lowers the corners against the source. Only the
skin gets it: inside the face oval, off the lips, off spectacle rims and hair.
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.regions import FACE_OVAL, LIPS_OUTER
from ned_core.face3d.falloff import smoothstep
from ned_core.render.shading import Crease, GrooveProfile, Rims, axes, creases_gain, shade, skin, taper
from ned_core.render.smile_relax import CORNERS, NOSE_WINGS, corner_drop, corner_height
from ned_core.render.smile_shading import FOLD as NASOLABIAL
from ned_core.render.smile_shading import folds as nasolabial_folds

LOWER_LIP_BOTTOM, CHIN = 17, 152  # the lower lip's outer middle, the chin's lowest point (MediaPipe indices)
START_IOD, FULL_IOD = 0.01, 0.05  # target corners below the lips' middle (beyond the source's): none / full
DROP_START_IOD, DROP_FULL_IOD = 0.0, 0.02  # the target lowers the corners against the source: none / full
FOLD_LENGTH_IOD, FOLD_OUT_IOD = 0.16, 0.03  # a depressor fold's length, how far out its lower end lies
FOLD_DEPTH = 0.3  # its log-gain at full (the astronaut's own nasolabial fold: ~0.3-0.4 log darker than the cheek)
FURROW_BELOW_IOD, FURROW_DEPTH = 0.09, 0.3  # the chin furrow below the lower lip, its log-gain at full
FOLD = GrooveProfile(0.012, 0.035, 0.6, 0.4)  # a fold of bunched skin, its highlight on the cheek's side
FURROW = GrooveProfile(0.015, 0.05, 0.6, 0.8)  # the furrow: broad, its highlight on the chin boss below it
# the nasolabial folds deepened (AU11, in sadness's 1+4+11+15: Ekman & Friesen, EMFACS), as a smile's fold shape
# (``smile_shading.py``) at this share of its depth
NASOLABIAL_SHARE = 0.6
HOLES = (LIPS_OUTER,)
HAIR_SIGMA_IOD = 0.08  # hair told from skin at this scale (a fold's thin shadow is skin), as the smile's shading


def frown_weight(src: np.ndarray, dst: np.ndarray, to_template: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """0..1: how far the target turns the mouth corners down below the lips' middle beyond what the source shows.

    The product of smoothsteps (IOD, pose-normalised): in the target's corners below the lips' middle beyond the
    source's (:data:`START_IOD` to :data:`FULL_IOD`; a source already frowning gets none for what it shows) and in
    the corners' drop against the source (:data:`DROP_START_IOD` to :data:`DROP_FULL_IOD`).
    """
    m_src, m_dst = (None, None) if to_template is None else to_template
    below_src, below_dst = -corner_height(src, m_src), -corner_height(dst, m_dst)
    frown = smoothstep(START_IOD, FULL_IOD, below_dst - max(below_src, 0.0))
    return float(frown * smoothstep(DROP_START_IOD, DROP_FULL_IOD, corner_drop(src, dst, to_template)))


def folds(dst: np.ndarray, weight: float) -> list[Crease]:
    """The depressor folds below the corners of ``dst (>= 468, 2)`` frame pixels, one per side."""
    across, up, iod = axes(dst)
    out = []
    for side, corner in enumerate(CORNERS):
        outward = across * (1.0 if side else -1.0)
        t = np.linspace(0.0, 1.0, 9)[:, None]
        points = dst[corner] + iod * (0.015 * outward + t * (FOLD_OUT_IOD * outward - FOLD_LENGTH_IOD * up))
        out.append(Crease(points, FOLD_DEPTH * weight * taper(len(points), 0.3), outward))
    return out


def furrow(dst: np.ndarray, weight: float) -> Crease:
    """The chin's furrow below the lower lip of ``dst (>= 468, 2)`` frame pixels, corner to corner, lit below."""
    across, up, iod = axes(dst)
    half = 0.5 * abs(float((dst[CORNERS[1]] - dst[CORNERS[0]]) @ across))
    t = np.linspace(-1.0, 1.0, 9)[:, None]
    points = dst[LOWER_LIP_BOTTOM] + t * half * across - FURROW_BELOW_IOD * iod * up
    return Crease(points, FURROW_DEPTH * weight * taper(len(points)), -up)


def _gain(rgb: np.ndarray, dst: np.ndarray, iod: float, weight: float, rims: np.ndarray | None) -> np.ndarray:
    shape = rgb.shape[:2]
    gain = (creases_gain(shape, folds(dst, weight), iod, FOLD) + creases_gain(shape, [furrow(dst, weight)], iod, FURROW)
            + creases_gain(shape, nasolabial_folds(dst, NASOLABIAL_SHARE * weight), iod, NASOLABIAL))
    return gain * skin(rgb, dst, iod, HOLES, rims, HAIR_SIGMA_IOD)


def shade_frown(rgb: np.ndarray, box: tuple[int, int, int, int], dst: np.ndarray, weight: float,
                rims: Rims | None = None) -> np.ndarray:
    """Shade a sad mouth's folds into ``rgb (h, w, 3) float32`` (scene-linear) over ``box`` at ``weight``.

    Args:
        rgb: the warped face over ``box (x0, y0, x1, y1)`` frame pixels.
        dst: ``(>= 468, 2)`` target landmarks, frame pixels.
        weight: :func:`frown_weight`.
        rims: spectacle rims in frame pixels, or None.

    Returns:
        A new array, or ``rgb`` itself at weight 0. Nothing outside the face oval changes.
    """
    if weight <= 0.0:
        return rgb
    dst = np.asarray(dst, np.float64)[:, :2]
    oval = dst[list(FACE_OVAL)]  # from the nose wings down to the chin, across the face
    top = min(dst[list(CORNERS), 1].min() - 0.2 * axes(dst)[2], dst[list(NOSE_WINGS), 1].min() - 0.1 * axes(dst)[2])
    window = (int(oval[:, 0].min()) - 1, int(top),
              int(oval[:, 0].max()) + 2, int(oval[:, 1].max()) + 2)
    return shade(rgb, box, window, dst, lambda sub, lm, scale_iod, mask: _gain(sub, lm, scale_iod, weight, mask), rims)
