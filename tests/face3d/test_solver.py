"""The batched box-constrained solver finds the same minimum as SciPy's lsq_linear, for every frame."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import lsq_linear

from ned_core.face3d.solver import box_least_squares, projected_gradient


@pytest.fixture(scope="module")
def problem():
    """An ill-conditioned 27-unit least-squares problem (pairs of nearly equal and opposite columns)."""
    rng = np.random.default_rng(0)
    design = rng.normal(size=(400, 27))
    design[:, 1] = 0.9 * design[:, 0] + 0.1 * design[:, 1]
    design[:, 5] = -0.8 * design[:, 6] + 0.2 * design[:, 5]
    targets = rng.normal(size=(200, 400))
    hessian = design.T @ design + 1e-3 * np.eye(27)
    return design, hessian, targets @ design, np.zeros(27), np.full(27, 1.5)


def objective(h, b, x):
    return 0.5 * np.einsum("tk,kl,tl->t", x, h, x) - np.einsum("tk,tk->t", b, x)


def test_matches_scipy_lsq_linear(problem):
    _, h, b, lo, hi = problem
    x = box_least_squares(h, b, lo, hi)
    assert np.all(x >= lo) and np.all(x <= hi)
    chol = np.linalg.cholesky(h)  # 0.5 x'Hx - b'x = 0.5 |L'x - L^-1 b|^2 + const
    for t in range(0, 200, 10):
        ref = lsq_linear(chol.T, np.linalg.solve(chol, b[t]), bounds=(lo, hi), tol=1e-12).x
        assert objective(h, b[t : t + 1], x[t : t + 1])[0] <= objective(h, b[t : t + 1], ref[None])[0] + 1e-7
        np.testing.assert_allclose(x[t], ref, atol=2e-4)


def test_active_bounds_are_used(problem):
    _, h, b, lo, hi = problem
    x = box_least_squares(h, 30.0 * b, lo, hi)
    assert (x == 0).mean() > 0.2 and (x == 1.5).mean() > 0.05  # strong random targets push units against both bounds


def test_inside_the_box_it_is_the_plain_solution(problem):
    _, h, _, lo, hi = problem
    inside = np.random.default_rng(1).uniform(0.2, 1.3, size=(50, 27))
    np.testing.assert_allclose(box_least_squares(h, inside @ h, lo, hi), inside, atol=1e-9)


def test_projected_gradient_converges_to_the_same_minimum(problem):
    _, h, b, lo, hi = problem
    exact = box_least_squares(h, b[:20], lo, hi)
    lipschitz = float(np.linalg.eigvalsh(h)[-1])
    approx = projected_gradient(lambda x: x @ h - b[:20], np.zeros((20, 27)), lo, hi, lipschitz, 3000)
    best = objective(h, b[:20], exact)
    assert np.all(objective(h, b[:20], approx) - best < 1e-3 * np.abs(best))
