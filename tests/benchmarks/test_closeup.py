"""The close-up camera (benchkit.closeup): the face fills the frame, cut at forehead and chin, the camera pushes in."""

from __future__ import annotations

import numpy as np
import pytest

from benchkit.closeup import CloseUp, film
from benchkit.errors import FootageError
from ned_core.analysis import analyze_image
from ned_core.analysis.regions import interocular_distance

FOREHEAD_TOP, CHIN = 10, 152
BROWS = (105, 334)  # upper brow arcs
MOUTH = (13, 14, 61, 291)  # lips' middle and corners


@pytest.fixture(scope="module")
def hopper_landmarks(grace_hopper, mesh_models, analysis_config) -> np.ndarray:
    return analyze_image(grace_hopper, analysis_config, mesh_models)[0].landmarks


def test_close_up_fills_the_frame_and_cuts_forehead_and_chin(grace_hopper, hopper_landmarks):
    spec = CloseUp(width=480, height=270, iod_share=0.32, push_in=0.10)
    frames, lms = film(np.repeat(grace_hopper[None], 5, 0), np.repeat(hopper_landmarks[None], 5, 0), spec)

    assert frames.shape == (5, 270, 480, 3) and frames.dtype == np.uint8
    share = interocular_distance(lms[:, :468]) / spec.width
    assert share[0] == pytest.approx(0.32, abs=0.005)
    assert share[-1] == pytest.approx(0.32 * 1.10, abs=0.005)  # the push-in
    assert np.all(lms[:, FOREHEAD_TOP, 1] < 0) and np.all(lms[:, CHIN, 1] > spec.height)  # cut by both edges
    for points in (BROWS, MOUTH):  # what the edit moves stays in frame
        inside = lms[:, list(points)]
        assert np.all((inside >= 0) & (inside < (spec.width, spec.height)))


def test_close_up_pixels_show_the_face_where_its_landmarks_say(grace_hopper, hopper_landmarks, mesh_models,
                                                               analysis_config):
    spec = CloseUp(pan=(0.3, 0.05), sway=0.1)
    frames, lms = film(np.repeat(grace_hopper[None], 3, 0), np.repeat(hopper_landmarks[None], 3, 0), spec)

    for frame, expected in zip(frames, lms):
        seen = analyze_image(frame, analysis_config, mesh_models)[0].landmarks[:468, :2]
        iod = float(interocular_distance(expected[:468]))
        eyes_and_mouth = list(BROWS + MOUTH) + [33, 133, 362, 263]
        assert np.abs(seen[eyes_and_mouth] - expected[eyes_and_mouth]).max() < 0.06 * iod


def test_close_up_refuses_a_bad_framing():
    with pytest.raises(FootageError, match="iod_share"):
        CloseUp(iod_share=1.5)
    with pytest.raises(FootageError, match="landmarks"):
        film(np.zeros((2, 64, 64, 3), np.uint8), np.zeros((2, 10, 2)), CloseUp())
