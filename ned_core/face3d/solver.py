"""Box-constrained least squares for many frames at once: primal-dual active set, projected gradient."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def projected_gradient(
    gradient: Callable[[np.ndarray], np.ndarray],
    start: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lipschitz: float,
    iterations: int,
) -> np.ndarray:
    """Accelerated projected gradient (FISTA) for a smooth convex objective over a box.

    Args:
        gradient: maps ``(T, K)`` variables to the objective's ``(T, K)`` gradient.
        start: ``(T, K)`` initial point (projected onto the box first).
        lower: ``(K,)`` lower bounds. upper: ``(K,)`` upper bounds.
        lipschitz: a bound on the gradient's Lipschitz constant (the step is its inverse).
        iterations: number of steps.

    Returns:
        ``(T, K) float64`` the final iterate, inside the box.
    """
    x = np.clip(start, lower, upper)
    y, momentum = x.copy(), 1.0
    for _ in range(iterations):
        x_next = np.clip(y - gradient(y) / lipschitz, lower, upper)
        m_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * momentum * momentum))
        y = x_next + ((momentum - 1.0) / m_next) * (x_next - x)
        x, momentum = x_next, m_next
    return x


def box_least_squares(
    hessian: np.ndarray, linear: np.ndarray, lower: np.ndarray, upper: np.ndarray, max_iter: int = 30
) -> np.ndarray:
    """Solve ``min_x 0.5 x^T H x - b_t^T x`` subject to ``lower <= x <= upper`` for every row ``b_t``.

    Primal-dual active set (Hintermueller, Ito & Kunisch 2002): guess which bounds are active from
    the current iterate and multipliers, solve the equality-constrained system, repeat until the
    guess stops changing, which typically takes 2-4 rounds. All frames are solved in one batched
    ``numpy.linalg.solve``; frames still changing after ``max_iter`` rounds (rare, the method can
    cycle when ``H`` is far from diagonal) are finished with :func:`projected_gradient`.

    Args:
        hessian: ``(K, K)`` symmetric positive-definite ``H``.
        linear: ``(T, K)`` right-hand sides ``b``.
        lower: ``(K,)`` lower bounds. upper: ``(K,)`` upper bounds.
        max_iter: active-set rounds before the fallback.

    Returns:
        ``(T, K) float64`` the minimisers.
    """
    h = np.asarray(hessian, np.float64)
    b = np.asarray(linear, np.float64)
    lo, hi = np.asarray(lower, np.float64), np.asarray(upper, np.float64)
    k = h.shape[0]
    x = np.linalg.solve(h, b.T).T
    grad = np.zeros_like(x)
    c = np.diag(h)
    at_lo = np.zeros(x.shape, bool)
    at_hi = np.zeros(x.shape, bool)
    todo = np.arange(len(x))
    eye = np.eye(k, dtype=bool)
    for _ in range(max_iter):
        new_lo = grad[todo] - c * (x[todo] - lo) > 0
        new_hi = grad[todo] + c * (hi - x[todo]) < 0
        changed = np.any(new_lo != at_lo[todo], axis=1) | np.any(new_hi != at_hi[todo], axis=1)
        todo = todo[changed]
        if len(todo) == 0:
            break
        at_lo[todo], at_hi[todo] = new_lo[changed], new_hi[changed]
        active = at_lo[todo] | at_hi[todo]
        system = np.where(active[:, :, None], eye[None], h[None])
        rhs = np.where(at_lo[todo], lo, np.where(at_hi[todo], hi, b[todo]))
        x[todo] = np.linalg.solve(system, rhs[:, :, None])[:, :, 0]
        grad[todo] = np.where(active, x[todo] @ h - b[todo], 0.0)
    else:
        if len(todo):
            lipschitz = float(np.linalg.eigvalsh(h)[-1])
            sub_b = b[todo]
            x[todo] = projected_gradient(lambda y: y @ h - sub_b, x[todo], lo, hi, lipschitz, 500)
    return np.clip(x, lo, hi)
