"""Lower-face action units (jaw, lips, mouth corners, chin): displacement fields in template space.

Conventions as in ``units_upper.py``: ``(468, 3) float64`` offsets at activation 1, in IOD,
x = subject's left, y = down, z = away from the camera; ``side`` is "L" or "R".
"""

from __future__ import annotations

import numpy as np

from ned_core.face3d.anatomy import SIDES, FaceAnatomy
from ned_core.face3d.falloff import bump, side_gate, smoothstep
from ned_core.face3d.units_upper import surface_point

JAW_ANGLE = 0.25  # radians of jaw rotation at activation 1: ~0.3 IOD (~20 mm) lip gap mid-mouth


def _field(weight: np.ndarray, vector: tuple[float, float, float]) -> np.ndarray:
    return weight[:, None] * np.asarray(vector, np.float64)[None, :]


def _corner_x(anat: FaceAnatomy) -> float:
    return float(anat.mouth_corners["L"][0])


def _lips(anat: FaceAnatomy) -> np.ndarray:
    """``(468,) bool`` the lip vertices, corners included."""
    corners = np.zeros(len(anat.template), bool)
    for c in anat.mouth_corners.values():
        corners |= np.all(anat.template == c, axis=1)
    return anat.upper_lip | anat.lower_lip | corners


def mandible_weight(anat: FaceAnatomy) -> np.ndarray:
    """``(468,)`` how rigidly each vertex follows the mandible (0..1).

    Lower lip 1 mid-mouth, falling to 0.5 at the corners; upper lip 0 mid-mouth, rising to 0.5 at
    the corners; other vertices by their height under the "jaw line": the mouth slit between the
    corners, and beyond them straight lines from each corner to the side of the face 0.25 IOD below
    the jaw pivot (C1 ramp 0.05 above to 0.10 below the line).
    """
    x, y = anat.x, anat.y
    cx = _corner_x(anat)
    ax = np.abs(x)
    side_x = float(np.max(ax))
    side_y = anat.jaw_pivot[1] + 0.25
    corner_y = anat.mouth_corners["L"][1]
    beyond = (ax - cx) / (side_x - cx)
    line = np.where(ax <= cx, anat.slit_y(x), corner_y + beyond * (side_y - corner_y))
    weight = smoothstep(-0.05, 0.10, y - line)
    u = np.clip(ax / cx, 0.0, 1.0)
    weight = np.where(anat.lower_lip, 1.0 - 0.5 * u * u, weight)
    weight = np.where(anat.upper_lip, 0.5 * smoothstep(0.6, 1.0, u), weight)
    return np.where(_lips(anat) & ~anat.upper_lip & ~anat.lower_lip, 0.5, weight)


def jaw_open(anat: FaceAnatomy) -> np.ndarray:
    """AU26/27: the mandible turns 0.25 rad (14 deg) about the x axis through the jaw pivot.

    Each vertex moves by ``mandible_weight * (Rot(0.25) (p - pivot) + pivot - p)``: lower lip,
    chin and jaw line swing down and back (mid lower lip about 0.3 IOD down), the upper lip stays.
    """
    rel = anat.template - anat.jaw_pivot
    c, s = np.cos(JAW_ANGLE), np.sin(JAW_ANGLE)
    turned = rel.copy()
    turned[:, 1] = c * rel[:, 1] - s * rel[:, 2]
    turned[:, 2] = s * rel[:, 1] + c * rel[:, 2]
    return mandible_weight(anat)[:, None] * (turned - rel)


def _above_slit(anat: FaceAnatomy) -> np.ndarray:
    """1 above the mouth slit, 0 on the lower lip and below (C1 ramp over 0.05 IOD)."""
    w = 1.0 - smoothstep(-0.05, 0.0, anat.y - anat.slit_y(anat.x))
    return np.where(anat.lower_lip, 0.0, np.where(anat.upper_lip, 1.0, w))


def _below_slit(anat: FaceAnatomy) -> np.ndarray:
    """1 below the mouth slit, 0 on the upper lip and above (C1 ramp over 0.05 IOD)."""
    w = smoothstep(0.0, 0.05, anat.y - anat.slit_y(anat.x))
    return np.where(anat.upper_lip, 0.0, np.where(anat.lower_lip, 1.0, w))


def upper_lip_raise(anat: FaceAnatomy) -> np.ndarray:
    """AU10, levator labii superioris: the upper lip and the skin above it rise 0.08 IOD (less at the corners)."""
    centre = anat.lips_outer_upper.at(np.zeros(1))[0]
    weight = bump(anat.template, centre, np.array([0.6, 0.28, 0.6])) * _above_slit(anat)
    return _field(weight, (0.0, -0.08, -0.015))


def lip_corner_pull(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU12, zygomaticus major: the mouth corner moves along the muscle, up 0.09, out 0.10 and back
    0.04 IOD, the lips and skin around it following; the cheek above rises 0.025 IOD."""
    s = SIDES[side]
    t = anat.template
    gate = side_gate(anat.x, s)
    corner = bump(t, anat.mouth_corners[side], np.array([0.42, 0.40, 0.6])) * gate
    cheek = bump(t, surface_point(anat, s * 0.55, 0.6), 0.3) * gate
    return _field(corner, (s * 0.10, -0.09, 0.04)) + _field(cheek, (0.0, -0.025, -0.01))


def lip_corner_depress(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU15, depressor anguli oris: the mouth corner and the lower lip beside it drop 0.11 IOD."""
    s = SIDES[side]
    centre = anat.mouth_corners[side] + np.array([0.0, 0.08, 0.0])
    weight = bump(anat.template, centre, 0.38) * side_gate(anat.x, s)
    return _field(weight, (s * 0.02, 0.11, 0.0))


def lip_stretch(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU20, risorius/platysma: the mouth corner is pulled sideways 0.12 IOD (slightly down and back)."""
    s = SIDES[side]
    weight = bump(anat.template, anat.mouth_corners[side], np.array([0.40, 0.30, 0.6])) * side_gate(anat.x, s)
    return _field(weight, (s * 0.12, 0.015, 0.03))


def chin_raise(anat: FaceAnatomy) -> np.ndarray:
    """AU17, mentalis: the chin boss rises 0.06 IOD and pushes forward; the lower lip is pushed up 0.04 and out."""
    outer_lower = anat.lips_outer_lower.at(np.zeros(1))[0]
    centre = surface_point(anat, 0.0, 0.5 * (outer_lower[1] + anat.chin[1]))
    chin = bump(anat.template, centre, np.array([0.45, 0.35, 0.6])) * _below_slit(anat)
    u = anat.x / _corner_x(anat)
    lip = anat.lower_lip * np.clip(1.0 - u * u, 0.0, None)
    return _field(chin, (0.0, -0.06, -0.02)) + _field(lip, (0.0, -0.04, -0.03))


def lip_tighten(anat: FaceAnatomy) -> np.ndarray:
    """AU23, orbicularis oris: the red of the lips narrows (each lip vertex moves 35 % of the way
    to the mouth slit) and the corners draw in 0.04 IOD."""
    lips = _lips(anat)
    offset = np.zeros_like(anat.template)
    offset[:, 0] = -0.08 * anat.x
    offset[:, 1] = -0.35 * (anat.y - anat.slit_y(anat.x))
    return lips[:, None] * offset


def lip_press(anat: FaceAnatomy) -> np.ndarray:
    """AU24, orbicularis oris: the lips press together, each moving 0.03 IOD towards the slit with the
    skin around the mouth, thinning (15 % towards the slit) and pressing back 0.015 IOD."""
    rel = anat.y - anat.slit_y(anat.x)
    around = bump(anat.template, anat.mouth_centre, np.array([0.62, 0.40, 0.6]))
    lips = _lips(anat)
    offset = np.zeros_like(anat.template)
    offset[:, 1] = -0.03 * np.tanh(rel / 0.03) * around - 0.15 * rel * lips
    offset[:, 2] = 0.015 * lips
    return offset


def lips_part(anat: FaceAnatomy) -> np.ndarray:
    """AU25: the lips part without the jaw: mid-mouth the upper lip rises 0.05 IOD and the lower lip
    drops 0.07 (their outer edges 60 % of that), tapering to 0 at the corners."""
    u = anat.x / _corner_x(anat)
    along = np.clip(1.0 - u * u, 0.0, None)
    rel = anat.y - anat.slit_y(anat.x)
    thick_up = np.maximum(anat.slit_y(anat.x) - anat.lips_outer_upper.at(anat.x)[:, 1], 1e-3)
    thick_lo = np.maximum(anat.lips_outer_lower.at(anat.x)[:, 1] - anat.slit_y(anat.x), 1e-3)
    up = anat.upper_lip * (1.0 - 0.4 * np.clip(-rel / thick_up, 0.0, 1.0))
    lo = anat.lower_lip * (1.0 - 0.4 * np.clip(rel / thick_lo, 0.0, 1.0))
    return (along * (-0.05 * up + 0.07 * lo))[:, None] * np.array([0.0, 1.0, 0.0])
