"""Training windows: never across clips or missing faces, majority labels, seeded batches, size checks."""

import numpy as np
import pytest

from ned_core.exceptions import DatasetTooSmallError
from ned_core.manipulation.space import EMBEDDED_SPACE
from ned_core.training.dataset import UNLABELLED, concat_clips
from ned_core.training.windows import WindowSampler, gather_windows, require_windows, window_index


def _clip(frames, label, valid=None, actor="a"):
    expr = np.tile(np.arange(frames, dtype=np.float32)[:, None], (1, 27))
    labels = np.full(frames, label) if np.isscalar(label) else np.asarray(label)
    return expr, labels, np.ones(frames, bool) if valid is None else valid, actor, f"clip{frames}"


def test_windows_stay_inside_clips_and_face_runs():
    gap = np.ones(30, bool)
    gap[12] = False
    data = concat_clips(EMBEDDED_SPACE, [_clip(25, 1), _clip(30, 2, gap), _clip(8, 3)], {})
    index = window_index(data, 10)
    # clip 0: starts 0..15; clip 1 (rows 25..54, no face at row 37): 25..27 and 38..45; clip 2 too short
    expected = list(range(0, 16)) + list(range(25, 28)) + list(range(38, 46))
    np.testing.assert_array_equal(index.starts, expected)
    np.testing.assert_array_equal(index.labels, [1] * 16 + [2] * 11)
    windows = gather_windows(data, index.starts, 10)
    assert np.all(np.diff(windows[:, :, 0], axis=1) == 1)  # consecutive frames of one clip


def test_window_label_is_the_majority_and_unlabelled_majorities_are_dropped():
    labels = np.array([0] * 6 + [4] * 4 + [UNLABELLED] * 10)
    data = concat_clips(EMBEDDED_SPACE, [_clip(20, labels)], {})
    index = window_index(data, 10)
    assert index.labels[0] == 0 and index.labels[1] == 0  # 6:4 and 5:4:1
    assert index.labels[2] == 0  # 4:4:2, tie -> lower index
    assert index.labels[3] == 4  # 3 neutral, 4 fear, 3 unlabelled
    assert len(index) < 11  # windows mostly unlabelled are left out
    assert window_index(data, 10, hop=3).starts.tolist() == [s for s in index.starts if s % 3 == 0]


def test_batches_are_reproducible(small_set):
    index = window_index(small_set, 10)
    sampler = WindowSampler(small_set, index)
    x1, y1 = sampler.sample(16, np.random.default_rng(7))
    x2, y2 = sampler.sample(16, np.random.default_rng(7))
    assert x1.shape == (16, 10, 27) and x1.dtype == np.float32
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)


def test_too_small_datasets_are_explained():
    data = concat_clips(EMBEDDED_SPACE, [_clip(12, 1), _clip(5, 2)], {})
    with pytest.raises(DatasetTooSmallError, match="happy 3, sad 0"):
        require_windows(window_index(data, 10), "training dataset", EMBEDDED_SPACE.emotions)
