"""Mouth opening, its correlation, speech frames and lip-landmark error on constructed landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.evaluate.mouth import (
    LIP_POINTS,
    inter_ocular,
    lip_landmark_error,
    mouth_centre,
    mouth_opening,
    pearson,
    speech_frames,
)
from ned_core.exceptions import MetricUndefinedError, ShapeError



@pytest.fixture
def track(face_landmarks):
    """``track(opening, iod)``: ``(T, 468, 2)`` landmarks of a still face whose mouth opens as given."""
    def build(opening, iod=40.0):
        return np.stack([face_landmarks(200.0, 150.0, iod, o) for o in opening])
    return build


def test_mouth_opening_is_in_inter_ocular_units(speech_signal, track):
    signal = speech_signal(48)
    assert mouth_opening(track(signal)) == pytest.approx(signal, abs=1e-9)
    # the same face twice as large (closer to camera) measures the same
    assert mouth_opening(track(signal, iod=80.0)) == pytest.approx(signal, abs=1e-9)
    assert inter_ocular(track(signal[:2], iod=80.0)) == pytest.approx([80.0, 80.0])


def test_mouth_centre_is_the_lip_centroid(track):
    lms = track([0.2])
    assert mouth_centre(lms)[0] == pytest.approx(lms[0, list(LIP_POINTS)].mean(axis=0))


def test_pearson_known_values(speech_signal):
    s = speech_signal(96)
    assert pearson(s, s) == pytest.approx(1.0)
    assert pearson(s, 2 * s + 0.1) == pytest.approx(1.0)
    assert pearson(s, -s) == pytest.approx(-1.0)


def test_shuffled_mouth_signal_has_low_correlation(speech_signal):
    s = speech_signal(240)
    shuffled = np.random.default_rng(3).permutation(s)
    assert abs(pearson(s, shuffled)) < 0.3


def test_pearson_refuses_constant_signals(speech_signal):
    with pytest.raises(MetricUndefinedError, match="constant"):
        pearson(speech_signal(24), np.full(24, 0.1))
    with pytest.raises(MetricUndefinedError, match="at least 2"):
        pearson(np.array([0.1]), np.array([0.2]))
    with pytest.raises(ShapeError):
        pearson(np.zeros(3), np.zeros(4))
    with pytest.raises(ShapeError, match="finite"):
        pearson(np.array([0.1, np.nan]), np.array([0.1, 0.2]))


def test_speech_frames_are_open_or_moving_frames():
    opening = np.array([0.0, 0.0, 0.0, 0.0, 0.2, 0.2, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0])
    speech = speech_frames(opening, open_threshold=0.05, motion_threshold=0.02)
    # open frames 4-6, plus the frames either side where the mouth opens / closes
    assert speech.tolist() == [False, False, False, True, True, True, True, True, False, False, False, False]
    assert not speech_frames(np.full(10, 0.01), 0.05, 0.02).any()


def test_lip_error_is_lip_shift_over_inter_ocular(track):
    src = track([0.2, 0.3], iod=50.0)
    res = src.copy()
    res[:, list(LIP_POINTS)] += (5.0, 0.0)  # 5 px = 0.1 inter-ocular
    assert lip_landmark_error(src, res) == pytest.approx([0.1, 0.1])
    assert lip_landmark_error(src, src) == pytest.approx([0.0, 0.0])


def test_landmarks_must_be_a_mesh():
    with pytest.raises(ShapeError, match="468"):
        mouth_opening(np.zeros((3, 68, 2)))
    with pytest.raises(MetricUndefinedError, match="frame index 0"):
        mouth_opening(np.zeros((1, 468, 2)))
