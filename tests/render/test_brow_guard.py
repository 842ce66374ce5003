"""Brow guard: a lowered brow stretches the skin above it instead of dragging the forehead (and hair) down."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.render.brow_guard import GUARD_AT, GUARD_PAIRS, GUARD_SHARE, add_brow_guard

TOP = [t for t, _ in GUARD_PAIRS]


def _face() -> np.ndarray:
    face = load_mean_face()[:468, :2].astype(np.float64)
    return (face - face.min(axis=0)) * 300.0  # pixels, a face ~300 px wide


def test_a_lowered_brow_barely_moves_the_guard_and_a_whole_face_move_carries_it():
    src = _face()
    lowered = src.copy()
    lowered[TOP, 1] += 10.0  # brows 10 px down, the forehead row stays
    g_src, g_dst = add_brow_guard(src, lowered)
    guard = slice(468, None)
    assert g_src.shape == (468 + len(GUARD_PAIRS), 2)
    assert np.all(g_dst[guard, 1] - g_src[guard, 1] < 10.0 * (GUARD_SHARE + 0.05)), "the guard follows the brow"
    assert np.all(g_dst[guard, 1] - g_src[guard, 1] > 0.0)
    shifted = src + (7.0, -3.0)  # the head moves: so does everything
    g_src, g_dst = add_brow_guard(src, shifted)
    np.testing.assert_allclose(g_dst[guard] - g_src[guard], np.tile((7.0, -3.0), (len(GUARD_PAIRS), 1)))


def test_a_raised_brow_moves_the_guard_linearly():
    src = _face()
    raised = src.copy()
    raised[TOP, 1] -= 10.0
    g_src, g_dst = add_brow_guard(src, raised)
    np.testing.assert_allclose(g_dst[468:, 1] - g_src[468:, 1], -10.0 * (1.0 - GUARD_AT), atol=1e-9)
