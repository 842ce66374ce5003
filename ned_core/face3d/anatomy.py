"""Anatomical landmarks, curves and regions of a template-space face, derived from MediaPipe's index sets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.analysis.regions import (
    FACE_OVAL,
    LEFT_BROW,
    LEFT_EYE,
    LIPS_INNER,
    LIPS_OUTER,
    RIGHT_BROW,
    RIGHT_EYE,
)

SIDES = {"L": 1.0, "R": -1.0}  # sign of template x on the subject's left / right
_LIP_TOL = 0.01  # IOD: contour points count as inside the lips


@dataclass(frozen=True)
class Curve:
    """An open contour as a function of x: ``y(x)``, ``z(x)`` by linear interpolation.

    Attributes:
        points: ``(n, 3) float64`` template-space positions of its mesh vertices, by increasing x.
    """

    points: np.ndarray

    def at(self, x: np.ndarray) -> np.ndarray:
        """``(len(x), 3)`` the curve's points above/below each x (clamped to the ends)."""
        p = self.points
        return np.stack([x, np.interp(x, p[:, 0], p[:, 1]), np.interp(x, p[:, 0], p[:, 2])], axis=-1)

    def span(self, x: np.ndarray) -> np.ndarray:
        """``(len(x),)`` 1 - ((x - mid) / half)^2 clipped at 0: 1 mid-curve, 0 at and beyond its ends."""
        lo, hi = self.points[0, 0], self.points[-1, 0]
        u = (x - 0.5 * (lo + hi)) / (0.5 * (hi - lo))
        return np.clip(1.0 - u * u, 0.0, None)


def _split_loop(points: np.ndarray, loop: tuple[int, ...]) -> tuple[Curve, Curve, tuple[int, int]]:
    """Split a closed contour at its extreme-x vertices: (upper curve, lower curve, (min-x, max-x) vertex)."""
    idx = np.asarray(loop)
    left_most, right_most = int(np.argmin(points[idx, 0])), int(np.argmax(points[idx, 0]))
    a, b = sorted((left_most, right_most))
    arcs = [idx[a : b + 1], np.concatenate([idx[b:], idx[: a + 1]])]
    arcs.sort(key=lambda arc: points[arc, 1].mean())  # smaller y = higher on the face
    curves = []
    for arc in arcs:
        arc = arc[np.argsort(points[arc, 0])]
        curves.append(Curve(points[arc]))
    return curves[0], curves[1], (int(idx[left_most]), int(idx[right_most]))


@dataclass(frozen=True)
class Eye:
    """One eye: lid margins and the centre of its contour (template space)."""

    upper_lid: Curve
    lower_lid: Curve
    centre: np.ndarray


@dataclass(frozen=True)
class Brow:
    """One brow: its inner and outer ends (means of the quarter of its outline nearest / furthest from the midline)."""

    inner_end: np.ndarray
    outer_end: np.ndarray


@dataclass(frozen=True)
class FaceAnatomy:
    """Everything the action units are defined from.

    Attributes:
        template: ``(468, 3) float64`` the template-space face.
        eyes, brows: per side ("L", "R").
        lips_outer_upper, lips_outer_lower, lips_inner_upper, lips_inner_lower: lip contours.
        mouth_corners: per side, ``(3,)`` outer lip corner.
        mouth_centre: ``(3,)`` mean of the inner lip contour.
        chin: ``(3,)`` lowest face-oval vertex.
        jaw_pivot: ``(3,)`` on the midline; the jaw turns about the x axis through it, an
            approximation of both temporomandibular joints: 0.35 IOD below the eye line (the
            level of the zygomatic arch) and 0.35 IOD behind the widest face-oval vertex (just
            in front of the ear; MediaPipe's mesh ends at the cheek's silhouette).
        upper_lip, lower_lip: ``(468,) bool`` vertices inside the lip outline above / below the
            mouth slit (corners excluded).
    """

    template: np.ndarray
    eyes: dict[str, Eye]
    brows: dict[str, Brow]
    lips_outer_upper: Curve
    lips_outer_lower: Curve
    lips_inner_upper: Curve
    lips_inner_lower: Curve
    mouth_corners: dict[str, np.ndarray]
    mouth_centre: np.ndarray
    chin: np.ndarray
    jaw_pivot: np.ndarray
    upper_lip: np.ndarray
    lower_lip: np.ndarray

    @property
    def x(self) -> np.ndarray:
        return self.template[:, 0]

    @property
    def y(self) -> np.ndarray:
        return self.template[:, 1]

    def slit_y(self, x: np.ndarray) -> np.ndarray:
        """``y`` of the mouth slit (midway between the inner lip contours) at each x."""
        return 0.5 * (self.lips_inner_upper.at(x)[:, 1] + self.lips_inner_lower.at(x)[:, 1])


def _eye(points: np.ndarray, loop: tuple[int, ...]) -> Eye:
    upper, lower, _ = _split_loop(points, loop)
    return Eye(upper, lower, points[list(loop)].mean(axis=0))


def _brow(points: np.ndarray, outline: tuple[int, ...]) -> Brow:
    idx = np.asarray(outline)
    ax = np.abs(points[idx, 0])
    inner = points[idx[ax <= np.quantile(ax, 0.25)]].mean(axis=0)
    outer = points[idx[ax >= np.quantile(ax, 0.75)]].mean(axis=0)
    return Brow(inner, outer)


def build_anatomy(template: np.ndarray) -> FaceAnatomy:
    """Derive the anatomy of a symmetric template-space face (see ``template.py``)."""
    t = np.asarray(template, np.float64)
    outer_up, outer_lo, (c_r, c_l) = _split_loop(t, LIPS_OUTER)
    inner_up, inner_lo, _ = _split_loop(t, LIPS_INNER)
    oval = t[list(FACE_OVAL)]
    widest = oval[np.argmax(np.abs(oval[:, 0]))]
    x, y = t[:, 0], t[:, 1]
    slit = 0.5 * (inner_up.at(x)[:, 1] + inner_lo.at(x)[:, 1])  # as FaceAnatomy.slit_y
    inside = (
        (x > t[c_r, 0] + _LIP_TOL)
        & (x < t[c_l, 0] - _LIP_TOL)
        & (y >= outer_up.at(x)[:, 1] - _LIP_TOL)
        & (y <= outer_lo.at(x)[:, 1] + _LIP_TOL)
    )
    return FaceAnatomy(
        template=t,
        eyes={"L": _eye(t, LEFT_EYE), "R": _eye(t, RIGHT_EYE)},
        brows={"L": _brow(t, LEFT_BROW), "R": _brow(t, RIGHT_BROW)},
        lips_outer_upper=outer_up,
        lips_outer_lower=outer_lo,
        lips_inner_upper=inner_up,
        lips_inner_lower=inner_lo,
        mouth_corners={"L": t[c_l], "R": t[c_r]},
        mouth_centre=t[list(LIPS_INNER)].mean(axis=0),
        chin=oval[np.argmax(oval[:, 1])],
        jaw_pivot=np.array([0.0, 0.35, widest[2] + 0.35]),
        upper_lip=inside & (y <= slit),
        lower_lip=inside & (y > slit),
    )
