"""The actor's rest shape from a shot: where the shot's expressions are non-negative and sparse.

Given pose-normalised shapes ``Z_t`` (template space) and the basis ``D``, the rest shape ``r`` and
activations ``e_t`` jointly minimise

    sum_t  0.5 |Z_t - r - D e_t|_W^2  +  mu * sum(e_t)  +  0.5 * e_t^T diag(ridge) e_t,
    subject to  min_activation <= e_t <= max_activation.

For fixed ``e`` the best ``r`` is the mean of ``Z_t - D e_t`` over frames ("the landmarks with the
fitted expression subtracted"); eliminating it leaves a box-constrained problem in ``e`` alone
whose data term sees only each frame's deviation from the shot mean. The L1 term then decides
the part the data cannot: the common offset of every channel. It slides the rest towards the
least-activated face the shot shows (the mouth closed between syllables, the eyes open between
blinks, the corners down between smiles), and for opposed units (brow up / brow down) it keeps
the rest between the extremes, so that every frame is explained with non-negative activations.

Frames far from the shot's median shape (tracking glitches) are left out of the estimate. A
channel held at the same value for the whole shot cannot be told apart from the actor's face by
the shot alone: it would become part of the rest, and an actor who smiles (or worries) through a
shot would show no emotion to remove. :func:`release_held_expression` therefore reads the rest
against the mean face: whatever part of the rest's difference from the mean face the action units
explain (non-negative activations, the same weighted fit as the frames) beyond a small floor is an
expression held through the shot and is moved out of the rest into every frame's activations; the rest keeps only
what no unit explains (the actor's own shape). This is how a still is read (against the mean
face), so stills and shots agree. Pass a rest shape from a neutral clip of the same actor to keep
an actor's unit-like features (a naturally low brow) in the rest instead.
"""

from __future__ import annotations

import numpy as np

from ned_core.face3d.config import FitConfig
from ned_core.face3d.solver import box_least_squares, projected_gradient
from ned_core.face3d.system import LinearSystem


def inlier_frames(shapes: np.ndarray, mads: float) -> np.ndarray:
    """``(T,) bool``: frames whose RMS distance to the per-vertex median shape is not an outlier.

    Args:
        shapes: ``(T, V, 3)`` pose-normalised shapes.
        mads: threshold in scaled median absolute deviations above the median distance.
    """
    median = np.median(shapes, axis=0)
    dist = np.sqrt(np.mean(np.sum((shapes - median) ** 2, axis=2), axis=1))
    centre = np.median(dist)
    spread = 1.4826 * np.median(np.abs(dist - centre))
    return dist <= centre + mads * spread + 1e-9


def estimate_rest(shapes: np.ndarray, system: LinearSystem, config: FitConfig) -> np.ndarray:
    """Rest shape of the actor in a shot (see the module docstring).

    Args:
        shapes: ``(T, V, 3)`` pose-normalised shapes in template space.
        system: the fit's linear system (basis, weights, penalties, bounds).
        config: ``rest_sparsity``, ``rest_iterations``, ``outlier_mads``.

    Returns:
        ``(V, 3) float64`` the rest shape.
    """
    kept = shapes[inlier_frames(shapes, config.outlier_mads)].reshape(-1, system.design.shape[0])
    mean = kept.mean(axis=0)
    linear = (kept - mean) @ system.projector  # (T, K)
    l1 = config.rest_sparsity * float(np.mean(system.unit_energy))

    def gradient(e: np.ndarray) -> np.ndarray:
        return (e - e.mean(axis=0)) @ system.normal - linear + l1 + system.ridge * e

    lipschitz = float(np.linalg.eigvalsh(system.normal)[-1] + system.ridge.max())
    start = np.zeros_like(linear)
    e = projected_gradient(gradient, start, system.lower, system.upper, lipschitz, config.rest_iterations)
    return (mean - system.design @ e.mean(axis=0)).reshape(-1, 3)


def release_held_expression(rest: np.ndarray, template: np.ndarray, system: LinearSystem,
                            config: FitConfig) -> np.ndarray:
    """The rest with the expression it holds against the mean face taken out (see the module docstring).

    Args:
        rest: ``(V, 3)`` rest shape from :func:`estimate_rest`. template: ``(V, 3)`` the mean face.
        system: the fit's linear system (its unpenalised normal matrix and bounds). config: ``solver_max_iter``.

    Returns:
        ``(V, 3) float64``: ``rest - D a`` with ``a >= 0`` the activations the rest holds beyond
        ``config.held_expression_floor`` (below it, a unit-like trait of the actor's own face stays in
        the rest, so a neutral actor directed to neutral keeps the face).
    """
    rhs = (np.asarray(rest, np.float64) - template).reshape(1, -1) @ system.projector
    # unpenalised (the frames' fit applies the ridge and priors once, as for a still); a trace-relative
    # jitter keeps near-collinear units solvable
    normal = system.normal + np.eye(len(system.normal)) * 1e-9 * np.trace(system.normal)
    held = box_least_squares(normal, rhs, system.lower, system.upper, config.solver_max_iter)[0]
    held = np.maximum(held - config.held_expression_floor, 0.0)  # a face may look a little like a unit
    return rest - (system.design @ held).reshape(-1, 3)
