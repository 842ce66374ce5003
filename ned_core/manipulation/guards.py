"""Input guard: expression sequences must be in the manipulator's space (any channel count)."""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import ExpressionSpaceMismatchError, ExpressionValueError, ShapeError
from ned_core.manipulation.model import Manipulator


def check_space_expression(expr: np.ndarray, model: Manipulator, frames: int, first_frame: int = 0,
                           what: str = "expression") -> np.ndarray:
    """Guard a ``(frames, K)`` sequence of the manipulator's space; return it as float64.

    Raises:
        ExpressionSpaceMismatchError: K differs from the manipulator's channel count.
        ShapeError: not 2-D float with ``frames`` rows.
        ExpressionValueError: NaN/inf (names the frame and channel).
    """
    expr = np.asarray(expr)
    if expr.ndim == 2 and expr.shape[1] != model.space.dim:
        raise ExpressionSpaceMismatchError(
            f"{what} has {expr.shape[1]} channels but the manipulator works on the {model.space.name!r} space "
            f"({model.space.dim} channels); use a checkpoint trained for this tier"
        )
    if expr.shape != (frames, model.space.dim) or not np.issubdtype(expr.dtype, np.floating):
        raise ShapeError(f"{what}: expected ({frames}, {model.space.dim}) float, got {expr.shape} {expr.dtype}")
    values = expr.astype(np.float64)
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        row, col = bad[0]
        raise ExpressionValueError(f"{what}: non-finite value {values[row, col]} at frame {first_frame + row}, "
                                   f"channel {model.space.channel_names[col]}")
    return values
