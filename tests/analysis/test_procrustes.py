"""Umeyama similarity transform: exact recovery, no reflections, shape checks."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.procrustes import similarity_transform
from ned_core.exceptions import ShapeError


@pytest.mark.parametrize("dim", [2, 3])
def test_similarity_transform_recovers_a_known_one(dim):
    rng = np.random.default_rng(dim)
    src = rng.normal(size=(50, dim))
    q, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    q[:, 0] *= np.sign(np.linalg.det(q))  # a rotation, not a reflection
    dst = 2.5 * src @ q.T + rng.normal(size=dim)
    m = similarity_transform(src, dst)
    np.testing.assert_allclose(src @ m[:, :dim].T + m[:, dim], dst, atol=1e-9)
    with pytest.raises(ShapeError):
        similarity_transform(src, dst[:-1])


def test_similarity_transform_never_reflects():
    src = np.random.default_rng(0).normal(size=(20, 2))
    m = similarity_transform(src, src * [-1, 1])
    assert np.linalg.det(m[:, :2]) > 0
