"""Sliding windows with Gaussian overlap: identity, per-frame weighting, context slicing, padding, errors."""

import numpy as np
import pytest

from ned_core.direct.windowed import apply_windowed, gaussian_window_weights
from ned_core.exceptions import DirectConfigError, ShapeError, WindowFunctionError


def _identity(window, context):
    return window


@pytest.mark.parametrize("frames", [1, 3, 9, 10, 11, 57])
def test_identity_window_returns_the_input(frames):
    x = np.random.default_rng(frames).normal(size=(frames, 27))
    np.testing.assert_allclose(apply_windowed(x, _identity), x, rtol=0, atol=1e-12)


def test_weights_are_a_centred_gaussian():
    w = gaussian_window_weights(10, 1.85)
    np.testing.assert_allclose(w, w[::-1])
    assert w[4] == w[5] == pytest.approx(np.exp(-0.5 * (0.5 / 1.85) ** 2))
    assert np.all(np.diff(w[:5]) > 0)


def test_overlaps_are_gaussian_weighted():
    # Each window replaces its frames by the window's mean: frame t's output is the Gaussian-weighted
    # average of the means of every window that holds it.
    x = np.random.default_rng(3).normal(size=(30, 2))
    n, sigma = 10, 1.85
    out = apply_windowed(x, lambda w, c: np.repeat(w.mean(axis=0, keepdims=True), n, axis=0), n, sigma)
    weights = gaussian_window_weights(n, sigma)
    t = 15
    starts = range(t - n + 1, t + 1)
    expected = sum(weights[t - s] * x[s : s + n].mean(axis=0) for s in starts) / sum(weights[t - s] for s in starts)
    np.testing.assert_allclose(out[t], expected, atol=1e-12)
    edge = x[:n].mean(axis=0)  # frame 0 is held by the first window only
    np.testing.assert_allclose(out[0], edge, atol=1e-12)


def test_context_is_sliced_with_the_window():
    x = np.zeros((25, 3))
    context = np.arange(25, dtype=np.float64)[:, None] * np.ones((1, 3))
    out = apply_windowed(x, lambda w, c: w + c, 10, 1.85, context=context)
    np.testing.assert_allclose(out, context, atol=1e-12)


def test_short_sequence_is_padded_with_its_edge_frames():
    x = np.array([[1.0], [2.0], [4.0]])
    seen = []
    out = apply_windowed(x, lambda w, c: seen.append(w[:, 0].copy()) or w * 2, 10)
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [1, 1, 1, 1, 2, 4, 4, 4, 4, 4])  # 3 before, 4 after
    np.testing.assert_allclose(out, 2 * x)


def test_window_count_and_order():
    starts = []
    apply_windowed(np.arange(40.0)[:, None], lambda w, c: starts.append(w[0, 0]) or w, 10)
    assert starts == list(np.arange(31.0))


def test_errors():
    x = np.zeros((20, 4))
    with pytest.raises(WindowFunctionError, match="shape"):
        apply_windowed(x, lambda w, c: w[:-1])
    with pytest.raises(WindowFunctionError, match="non-finite.*frame index 0"):
        apply_windowed(x, lambda w, c: w * np.nan)
    with pytest.raises(ShapeError):
        apply_windowed(np.zeros(20), _identity)
    with pytest.raises(ShapeError):
        apply_windowed(np.zeros((0, 4)), _identity)
    with pytest.raises(ShapeError, match="context"):
        apply_windowed(x, _identity, context=np.zeros((19, 1)))
    with pytest.raises(DirectConfigError):
        apply_windowed(x, _identity, n=0)
    with pytest.raises(DirectConfigError):
        apply_windowed(x, _identity, sigma=0.0)
