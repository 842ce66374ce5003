"""What tells fear from surprise in the prototypes (see ``prototypes.py``), on a rest face.

FACS's prototype table gives fear as 1+2+4+5+20+25 (the lips parted and stretched sideways, no jaw drop) and surprise
as 1+2+5+26: fer read fear's old jaw drop (0.3, held over the words as an offset) as surprise on every clip where
the actor talks. Fear keeps the chin where it is, stretches the mouth wider, and draws the brow heads together under
the same raise.
"""

from __future__ import annotations

import numpy as np

from ned_core.direct.prototypes import prototype

CHIN = 152  # MediaPipe: the chin's lowest point
LOWER_LIP_MIDDLE = 17  # the lower lip's outer edge on the midline
MOUTH_CORNERS = (61, 291)  # subject's right, left
BROW_HEADS = (55, 285)


def _moves(face_model, emotion: str) -> np.ndarray:
    """``(468, 3)`` how far (IOD) each vertex of the rest face moves under ``emotion``'s prototype."""
    return np.einsum("k,kvc->vc", prototype(emotion), face_model.basis.displacements)


def _outward(moves: np.ndarray, face_model, points: tuple[int, int]) -> np.ndarray:
    """``(2,)`` the move of ``points`` away from the midline (IOD), the template's x being the subject's left."""
    side = np.sign(face_model.basis.template[list(points), 0])
    return moves[list(points), 0] * side


def test_fear_keeps_the_jaw_that_surprise_drops(face_model):
    """Fear's chin stays within 0.01 IOD and its lower lip parts by at most 0.03 (the jaw at 0.3 dropped them 0.063
    / 0.111), surprise's drop >= 0.1 (0.126 / 0.202)."""
    fear, surprised = _moves(face_model, "fear"), _moves(face_model, "surprised")
    assert abs(fear[CHIN, 1]) <= 0.01 and 0.0 <= fear[LOWER_LIP_MIDDLE, 1] <= 0.03
    assert np.all(surprised[[CHIN, LOWER_LIP_MIDDLE], 1] >= 0.1)


def test_fear_stretches_the_mouth_and_knits_the_brows(face_model):
    """Each corner goes >= 0.13 IOD out (AU20 at 1.2: 0.144; 0.120 at 1.0), the brow heads >= 0.0095 IOD in (AU4 at
    0.8: 0.010, its pull centred on the inner brow, not the heads; 0.008 at 0.6); surprise does neither."""
    fear, surprised = _moves(face_model, "fear"), _moves(face_model, "surprised")
    assert np.all(_outward(fear, face_model, MOUTH_CORNERS) >= 0.13)
    assert np.all(_outward(fear, face_model, BROW_HEADS) <= -0.0095)
    assert np.all(np.abs(_outward(surprised, face_model, BROW_HEADS)) < 0.01)
