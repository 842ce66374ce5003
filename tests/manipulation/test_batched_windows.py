"""Batched windows: the same blend as the shared apply_windowed, with one call for all windows."""

import numpy as np
import pytest

from ned_core.direct.windowed import apply_windowed
from ned_core.manipulation.batched_windows import apply_windowed_batched


@pytest.mark.parametrize("frames", [4, 10, 37])
def test_matches_the_per_window_scheme(frames):
    rng = np.random.default_rng(frames)
    x, context = rng.normal(size=(frames, 5)), rng.normal(size=(frames, 2))

    def per_window(window, ctx):  # depends on the whole window and its context
        return window * window.mean(0) + ctx.sum()

    calls = []

    def batched(windows, contexts):
        calls.append(len(windows))
        return windows * windows.mean(1, keepdims=True) + contexts.sum(axis=(1, 2))[:, None, None]

    want = apply_windowed(x, per_window, 10, 1.85, context)
    np.testing.assert_allclose(apply_windowed_batched(x, batched, 10, 1.85, context), want, atol=1e-12)
    assert calls == [max(frames - 10 + 1, 1)]
