"""The weighted linear least-squares system shared by the per-frame fit and the rest estimate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.face3d.basis import ExpressionBasis
from ned_core.face3d.channels import CHANNEL_INDEX
from ned_core.face3d.config import FitConfig


@dataclass(frozen=True)
class LinearSystem:
    """``min_e |Z - rest - D e|_W^2 + e^T diag(ridge) e`` in matrix form.

    Attributes:
        design: ``(3V, K) float64`` the basis as a matrix (column k = channel k's field, flattened).
        weights: ``(3V,) float64`` per-coordinate weights ``W`` (x, y: 1; z: ``z_weight``).
        projector: ``(3V, K)`` ``W D``: a flattened deviation times it is the right-hand side.
        normal: ``(K, K)`` ``D^T W D``.
        unit_energy: ``(K,)`` diagonal of ``normal``: the weighted energy of each channel's field at
            activation 1, the scale that channel's penalties are relative to.
        ridge: ``(K,)`` absolute L2 penalties.
        hessian: ``(K, K)`` ``normal + diag(ridge)``.
        lower: ``(K,)`` lower bounds. upper: ``(K,)`` upper bounds.
    """

    design: np.ndarray
    weights: np.ndarray
    projector: np.ndarray
    normal: np.ndarray
    unit_energy: np.ndarray
    ridge: np.ndarray
    hessian: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def build_system(basis: ExpressionBasis, config: FitConfig) -> LinearSystem:
    """The :class:`LinearSystem` of ``basis`` under ``config`` (built once per model)."""
    k, v = basis.displacements.shape[:2]
    design = basis.displacements.reshape(k, -1).T
    weights = np.tile([1.0, 1.0, config.z_weight], v)
    projector = design * weights[:, None]
    normal = design.T @ projector
    unit_energy = np.diag(normal).copy()
    relative = np.full(k, config.ridge)
    for name, weight in config.channel_priors:
        relative[CHANNEL_INDEX[name]] = weight
    ridge = relative * unit_energy
    return LinearSystem(
        design=design,
        weights=weights,
        projector=projector,
        normal=normal,
        unit_energy=unit_energy,
        ridge=ridge,
        hessian=normal + np.diag(ridge),
        lower=np.full(k, config.min_activation),
        upper=np.full(k, config.max_activation),
    )
