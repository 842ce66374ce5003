"""Temporal smoothing: less jitter on a static face, no lag on fast motion."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import analyze_frames, landmark_jitter, smooth_landmarks
from ned_core.analysis.smooth import one_euro
from ned_core.exceptions import ShapeError


@pytest.fixture(scope="module")
def static_raw(astronaut, config, models) -> np.ndarray:
    """Raw landmarks of the same photo repeated 36 times with sensor noise (sigma 3 levels)."""
    rng = np.random.default_rng(7)
    frames = ((i, np.clip(astronaut + rng.normal(0, 3, astronaut.shape), 0, 255).astype(np.uint8)) for i in range(36))
    per_frame, _ = analyze_frames(frames, config, models)
    return np.stack([f.faces[0].landmarks for f in per_frame])


def test_static_face_jitter_is_small_and_smoothing_reduces_it(static_raw, config):
    raw = landmark_jitter(static_raw)
    smoothed = landmark_jitter(smooth_landmarks(static_raw, config)[6:])
    print(f"static-face jitter: raw {raw:.3f} %, smoothed {smoothed:.3f} % of inter-ocular distance")
    assert raw < 1.0
    assert smoothed < raw / 3


def test_fast_motion_is_followed_without_lag(static_raw, config):
    iod = float(np.linalg.norm(static_raw[0, 263, :2] - static_raw[0, 33, :2]))
    moving = static_raw.astype(np.float64).copy()
    speed = 0.1 * iod  # per frame: a fast head move (2.4 inter-ocular distances per second at 24 fps)
    moving[10:, :, 0] += speed * np.arange(1, len(moving) - 9)[:, None]
    error = np.abs(smooth_landmarks(moving, config)[16:, :, 0] - moving[16:, :, 0]).mean()
    assert error < 0.2 * speed  # lags by under a fifth of a frame


def test_one_euro_keeps_constants_and_checks_shape():
    values = np.full((10, 4, 3), 5.0)
    np.testing.assert_allclose(one_euro(values, 24.0, 1.0, 1.0, 1.0), values)
    with pytest.raises(ShapeError):
        one_euro(np.zeros((10, 3)), 24.0, 1.0, 1.0, 1.0)
    with pytest.raises(ShapeError):
        landmark_jitter(np.zeros((1, 478, 3)))
