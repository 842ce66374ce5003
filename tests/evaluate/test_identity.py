"""Identity distance and the Fréchet distance on known embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.evaluate.identity import frechet_distance, identity_distance
from ned_core.exceptions import MetricUndefinedError, ShapeError


def test_cosine_and_l2_distances():
    a = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    b = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    assert identity_distance(a, b) == pytest.approx([0.0, 1.0, 2.0])
    assert identity_distance(a, b, "l2") == pytest.approx([0.0, np.sqrt(2), 2.0])
    assert identity_distance(a, 3 * a) == pytest.approx([0.0, 0.0, 0.0])  # cosine ignores scale


def test_identity_distance_bad_inputs():
    with pytest.raises(ShapeError):
        identity_distance(np.ones((2, 3)), np.ones((3, 3)))
    with pytest.raises(MetricUndefinedError, match="all-zero"):
        identity_distance(np.zeros((1, 3)), np.ones((1, 3)))


def test_frechet_distance_of_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 4))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    # a mean shift of 2 along one axis, same covariance -> |d|^2 = 4
    assert frechet_distance(a, rng.normal(size=(4000, 4)) + [2.0, 0, 0, 0]) == pytest.approx(4.0, abs=0.15)
    # doubled std on every axis: tr(I + 4I - 2*2I) = 4 * (1 + 4 - 4) = 4
    assert frechet_distance(a, 2.0 * rng.normal(size=(4000, 4))) == pytest.approx(4.0, abs=0.3)


def test_frechet_needs_two_samples():
    with pytest.raises(MetricUndefinedError, match="at least 2"):
        frechet_distance(np.ones((1, 3)), np.ones((5, 3)))
