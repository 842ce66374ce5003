"""What tells anger from fear and disgust from anger in the prototypes (see ``prototypes.py``), on a rest face.

fer reads a raised upper lid (AU5's stare, sclera above the iris) as fear: angry narrows the eyes with the tensed
lids (AU7) and leaves the upper lid alone. Disgust raises the upper lip in full (AU10), below which its bared teeth
read as anger's.
"""

from __future__ import annotations

import numpy as np

from ned_core.direct.prototypes import prototype

UPPER_LID_MIDDLE = (159, 386)  # MediaPipe: the middle of each upper-lid margin (subject's right, left)
LOWER_LID_MIDDLE = (145, 374)
BROW_HEADS = (55, 285)
UPPER_LIP_MIDDLE = 0  # the upper lip's outer edge on the midline


def _rise(face_model, emotion: str) -> np.ndarray:
    """``(468,)`` how far (IOD, up) each vertex of the rest face moves under ``emotion``'s prototype."""
    basis = face_model.basis
    return np.einsum("k,kvc->vc", prototype(emotion), basis.displacements)[:, 1] * -1.0


def test_angry_narrows_the_eyes_without_raising_the_upper_lids(face_model):
    """The upper-lid margins stay at rest or come down (AU5 at 0.8 lifted them 0.038 IOD), the lower lids rise
    (AU7, >= 0.025 IOD), the brow heads come down."""
    rise = _rise(face_model, "angry")
    assert np.all(rise[list(UPPER_LID_MIDDLE)] <= 0.0)
    assert np.all(rise[list(LOWER_LID_MIDDLE)] >= 0.025)
    assert np.all(rise[list(BROW_HEADS)] <= -0.02)


def test_disgust_raises_the_upper_lip_by_a_full_au10(face_model):
    """The upper lip's middle rises >= 0.1 IOD (~6 mm: AU10 at 1.0 with AU9's share; 0.089 with AU10 at 0.8)."""
    assert _rise(face_model, "disgusted")[UPPER_LIP_MIDDLE] >= 0.1
