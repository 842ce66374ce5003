"""Upper-face action units (brows, lids, cheeks, nose): displacement fields in template space.

Every function returns the ``(468, 3) float64`` offsets of one unit at activation 1 ("a full,
typical activation"), in inter-ocular distances (IOD; 1 IOD is about 63 mm on an adult), axes
x = subject's left, y = down, z = away from the camera. ``side`` is "L" or "R" (subject's side).
Unit fields leave the eye openings to the lid units: brow units are gated to vertices at least a
few hundredths of an IOD above the upper-lid margin.

Amplitudes (what "a full, typical activation" moves) are set to the order of the displacements that
3D motion-capture studies of posed facial movements in healthy adults report, of the order of a
centimetre for a brow raise and for the mouth corner in a smile, a few millimetres for lids and for
the depressed mouth corner: S. E. Coulson, G. R. Croxson and W. L. Gilleard, "Quantification of the
three-dimensional displacement of normal facial movement", Ann. Otol. Rhinol. Laryngol. 109(5),
2000; C. Sforza et al., "A three-dimensional study of facial mimicry in healthy young adults",
J. Cranio-Maxillofac. Surg. 38, 2010; B. G. Frey et al., "Three-dimensional video-analysis of facial
movements in healthy volunteers", Br. J. Plast. Surg. 56(7), 2003. The exact figures are this
project's choice inside those ranges (1 IOD ~ 63 mm): brow raise 0.14-0.15 IOD (~9 mm), brow lowering
0.10 (~6 mm), lid raise 0.06 (~4 mm), mouth-corner depression 0.11 (~7 mm, ``units_lower``).
"""

from __future__ import annotations

import numpy as np

from ned_core.face3d.anatomy import SIDES, FaceAnatomy
from ned_core.face3d.falloff import band_below, bump, side_gate, smoothstep


def surface_point(anat: FaceAnatomy, x: float, y: float) -> np.ndarray:
    """``(3,)`` the point (x, y) on the face: z taken from the template vertex nearest in x, y."""
    nearest = np.argmin((anat.x - x) ** 2 + (anat.y - y) ** 2)
    return np.array([x, y, anat.template[nearest, 2]])


def height_above_upper_lid(anat: FaceAnatomy, side: str) -> np.ndarray:
    """``(468,)`` how far each vertex lies above the upper-lid margin of ``side`` at its x (IOD)."""
    return anat.eyes[side].upper_lid.at(anat.x)[:, 1] - anat.y


def depth_below_lower_lid(anat: FaceAnatomy, side: str) -> np.ndarray:
    """``(468,)`` how far each vertex lies below the lower-lid margin of ``side`` at its x (IOD)."""
    return anat.y - anat.eyes[side].lower_lid.at(anat.x)[:, 1]


def _lid_clear(anat: FaceAnatomy, side: str) -> np.ndarray:
    """1 from 0.10 IOD above the upper-lid margin of ``side`` up, 0 at and below it (C1 ramp over the lid fold)."""
    return smoothstep(0.02, 0.10, height_above_upper_lid(anat, side))


def _brow_gate(anat: FaceAnatomy, side: str) -> np.ndarray:
    """The ``side`` half of the face, clear of that eye's lids."""
    return _lid_clear(anat, side) * side_gate(anat.x, SIDES[side])


def _field(weight: np.ndarray, vector: tuple[float, float, float]) -> np.ndarray:
    return weight[:, None] * np.asarray(vector, np.float64)[None, :]


def brow_inner_up(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU1, frontalis pars medialis: the inner third of the brow and the forehead above it rise 0.15 IOD."""
    brow = anat.brows[side]
    weight = bump(anat.template, brow.inner_end, np.array([0.35, 0.42, 0.6])) * _brow_gate(anat, side)
    return _field(weight, (0.0, -0.15, 0.0))


def brow_outer_up(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU2, frontalis pars lateralis: the outer brow and the forehead above it rise 0.14 IOD."""
    brow = anat.brows[side]
    weight = bump(anat.template, brow.outer_end, np.array([0.40, 0.42, 0.6])) * _brow_gate(anat, side)
    return _field(weight, (0.0, -0.14, 0.0))


def brow_lower(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU4, corrugator/depressor supercilii: the brow, mostly its inner half, drops 0.10 and moves 0.05 IOD medially."""
    brow = anat.brows[side]
    centre = 0.7 * brow.inner_end + 0.3 * brow.outer_end
    weight = bump(anat.template, centre, np.array([0.45, 0.35, 0.6])) * _brow_gate(anat, side)
    return _field(weight, (-SIDES[side] * 0.05, 0.10, 0.0))


def upper_lid_raise(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU5, levator palpebrae: the upper-lid margin rises 0.06 IOD mid-lid (0 at the corners), the fold above less."""
    above = height_above_upper_lid(anat, side)
    along = anat.eyes[side].upper_lid.span(anat.x)
    weight = along * smoothstep(-0.02, 0.0, above) * band_below(above, 0.0, 0.12)
    return _field(weight, (0.0, -0.06, 0.0))


def blink(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU45: the upper lid closes 85 % of the way onto the lower lid, which rises 10 % to meet it.

    Each vertex on or above the upper-lid margin moves by 0.85 times the lid gap at its x (the gap
    is the 3D offset from the upper to the lower margin, zero at the corners), fading to 0 over
    0.15 IOD above the margin; each vertex on or below the lower margin moves by -0.10 times the
    gap, fading over 0.10 IOD below it.
    """
    eye = anat.eyes[side]
    gap = eye.lower_lid.at(anat.x) - eye.upper_lid.at(anat.x)
    gap[:, 0] = 0.0
    above = height_above_upper_lid(anat, side)
    below = depth_below_lower_lid(anat, side)
    upper = smoothstep(-0.02, 0.0, above) * band_below(above, 0.0, 0.15)
    lower = smoothstep(-0.02, 0.0, below) * band_below(below, 0.0, 0.10)
    return (0.85 * upper - 0.10 * lower)[:, None] * gap


def lid_tighten(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU7, orbicularis oculi pars palpebralis: the lower lid rises 0.045 IOD and straightens, the upper lid
    drops 0.012."""
    eye = anat.eyes[side]
    above = height_above_upper_lid(anat, side)
    below = depth_below_lower_lid(anat, side)
    lower = eye.lower_lid.span(anat.x) * smoothstep(-0.02, 0.0, below) * band_below(below, 0.0, 0.12)
    upper = eye.upper_lid.span(anat.x) * smoothstep(-0.02, 0.0, above) * band_below(above, 0.0, 0.06)
    return _field(lower, (0.0, -0.045, 0.0)) + _field(upper, (0.0, 0.012, 0.0))


def cheek_raise(anat: FaceAnatomy, side: str) -> np.ndarray:
    """AU6, orbicularis oculi pars orbitalis: the infra-orbital cheek rises 0.06 IOD and bulges forward;
    the lower lid is pushed up 0.025 IOD."""
    s = SIDES[side]
    centre = surface_point(anat, s * 0.55, 0.42)
    cheek = bump(anat.template, centre, np.array([0.38, 0.32, 0.6])) * side_gate(anat.x, s)
    below = depth_below_lower_lid(anat, side)
    lid = anat.eyes[side].lower_lid.span(anat.x) * smoothstep(-0.02, 0.0, below) * band_below(below, 0.0, 0.10)
    return _field(cheek, (s * 0.01, -0.06, -0.015)) + _field(lid, (0.0, -0.025, 0.0))


def nose_wrinkle(anat: FaceAnatomy) -> np.ndarray:
    """AU9, levator labii superioris alaeque nasi: the nose sides and alae rise 0.05 IOD, the
    glabella (between the inner brows) drops 0.03, the upper lip rises 0.025."""
    t = anat.template
    nose = bump(t, surface_point(anat, 0.0, 0.45), np.array([0.30, 0.25, 0.6]))
    glabella = bump(t, surface_point(anat, 0.0, -0.2), np.array([0.35, 0.2, 0.6]))
    glabella *= np.minimum(_lid_clear(anat, "L"), _lid_clear(anat, "R"))
    lip = anat.upper_lip * np.clip(1.0 - (anat.x / anat.mouth_corners["L"][0]) ** 2, 0.0, None)
    return _field(nose, (0.0, -0.05, 0.0)) + _field(glabella, (0.0, 0.03, 0.0)) + _field(lip, (0.0, -0.025, 0.0))
