"""Geometric median (Weiszfeld): exact cases, optimality, robustness, coincident points, errors."""

import numpy as np
import pytest
from scipy.optimize import minimize

from ned_core.direct.geomedian import geometric_median
from ned_core.exceptions import GeometricMedianError, ShapeError


def _cost(points, y):
    return np.linalg.norm(points - y, axis=1).sum()


def test_collinear_points_give_the_middle_one():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [10.0, 10.0], [-3.0, -3.0]])
    np.testing.assert_allclose(geometric_median(points), [1.0, 1.0], atol=1e-5)


def test_identical_points():
    points = np.tile([0.3, -0.2, 0.7], (12, 1))
    np.testing.assert_allclose(geometric_median(points), [0.3, -0.2, 0.7], rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_minimises_the_sum_of_distances(seed):
    points = np.random.default_rng(seed).normal(size=(25, 6))
    median = geometric_median(points, tol=1e-10)
    best = minimize(lambda y: _cost(points, y), points.mean(axis=0), method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000})
    assert _cost(points, median) <= best.fun + 1e-7


def test_robust_to_an_outlier_window():
    rng = np.random.default_rng(1)
    points = rng.normal(0.0, 0.05, size=(30, 22)) + 0.5
    clean = geometric_median(points)
    with_outlier = geometric_median(np.vstack([points, np.full((1, 22), 20.0)]))
    mean_shift = np.linalg.norm(np.vstack([points, np.full((1, 22), 20.0)]).mean(0) - points.mean(0))
    assert np.linalg.norm(with_outlier - clean) < 0.02
    assert mean_shift > 2.0  # the mean moves ~150x more


def test_start_on_a_data_point_that_is_not_the_median():
    # The mean (0, 0) is a data point, but three points at x = 3 pull harder than it holds.
    points = np.array([[0.0, 0.0], [3.0, 0.0], [3.0, 0.1], [3.0, -0.1], [-9.0, 0.0]])
    median = geometric_median(points, tol=1e-10)
    best = minimize(lambda y: _cost(points, y), np.array([2.0, 0.05]), method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-12})
    assert _cost(points, median) < _cost(points, np.zeros(2)) - 1.0
    assert _cost(points, median) <= best.fun + 1e-7


def test_start_on_a_data_point_that_is_the_median():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    np.testing.assert_array_equal(geometric_median(points), [0.0, 0.0])


def test_errors():
    with pytest.raises(ShapeError):
        geometric_median(np.zeros((0, 3)))
    with pytest.raises(GeometricMedianError, match="did not converge"):
        geometric_median(np.random.default_rng(0).normal(size=(20, 4)), tol=1e-15, max_iter=2)
