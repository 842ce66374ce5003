"""Sad on the real astronaut still, measured on the rendered image: the brows take the sad shape.

FACS's sad brow (AU1+4): "the inner corners of the eyebrows are raised and may be drawn together" (Ekman and Friesen,
*Unmasking the Face*, 1975). The face mesh re-reads a brow edit at a few percent of its size, so the brows' motion
is found on the pixels (:func:`~ned_core.evaluate.patch_motion.patch_motion`): a patch around each inner brow head of
the source, found again in the merged result.
"""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.regions import interocular_distance
from ned_core.evaluate.patch_motion import patch_motion

HEADS = ((55, 107), (285, 336))  # inner brow head, lower and upper edge: subject's right (image left), left


@pytest.fixture(scope="module")
def sad_heads(stills, analyse, render, read_back, tmp_path_factory):
    """``(2, 2)`` the inner brow heads' motion (IOD, x then y, y down) on the sad astronaut, image left first."""
    source = stills["astronaut"]
    landmarks = analyse(source).track.landmarks[0]
    frame = read_back(source, render(source, tmp_path_factory.mktemp("sad"), emotion="sad"))[0]
    iod = float(interocular_distance(landmarks[:, :2]))
    centres = np.array([landmarks[list(head), :2].mean(axis=0) for head in HEADS])
    size = (round(0.12 * iod), round(0.06 * iod))  # the brow head and the skin around it
    return patch_motion(frame.source_srgb, frame.result_srgb, centres, size, round(0.2 * iod)) / iod


def test_the_inner_brow_heads_rise(sad_heads):
    rise = -sad_heads[:, 1]
    assert np.all(rise > 0.05), f"inner brow heads rose {rise.round(3)} IOD"  # measured 0.077 / 0.073 (landmarks: 0.11)


def test_the_inner_brow_heads_come_together(sad_heads):
    together = sad_heads[0, 0] - sad_heads[1, 0]
    assert together > 0.03, f"inner brow heads came {together:.3f} IOD together"  # before 0.007, now 0.043
