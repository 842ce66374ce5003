"""The director interface (embedded prior, reference style, learned manipulator) and its input guard."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from ned_core.direct.schedule import EmotionSchedule
from ned_core.exceptions import ExpressionValueError, ShapeError
from ned_core.face3d.channels import CHANNEL_NAMES, NUM_CHANNELS


@runtime_checkable
class Director(Protocol):
    """Turns an expression sequence into the scheduled emotion, keeping the speech channel.

    Attributes:
        name: short identifier recorded with the result (e.g. ``"emfacs_prior"``).
    """

    name: str

    def direct(self, expr: np.ndarray, schedule: EmotionSchedule, seed: int) -> np.ndarray:
        """Direct one shot.

        Args:
            expr: ``(T, K)`` float expression sequence, row ``i`` = frame
                ``schedule.first_frame + i`` (``T == schedule.n_frames``), K named channels.
            schedule: target per frame.
            seed: random seed; the same inputs and seed give byte-identical output.

        Returns:
            ``(T, K)`` array of ``expr``'s dtype.
        """
        ...

    def metadata(self) -> dict[str, str]:
        """String key/values describing the director and its settings (``ned/direct/...``), for EXR headers."""
        ...


def check_expression(expr: np.ndarray, frames: int, first_frame: int = 0, what: str = "expression") -> np.ndarray:
    """Guard a ``(frames, K)`` expression sequence; return it as a float64 copy.

    Args:
        expr: array to check.
        frames: expected row count.
        first_frame: frame number of row 0 (for messages).
        what: name of the sequence for messages.

    Raises:
        ShapeError: not ``(frames, K)`` or not a floating-point array.
        ExpressionValueError: NaN or infinity; the message names the first bad frame and channel.
    """
    expr = np.asarray(expr)
    if expr.shape != (frames, NUM_CHANNELS) or not np.issubdtype(expr.dtype, np.floating):
        raise ShapeError(f"{what}: expected ({frames}, {NUM_CHANNELS}) float, got {expr.shape} {expr.dtype}")
    values = expr.astype(np.float64)
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        row, col = bad[0]
        raise ExpressionValueError(
            f"{what}: non-finite value {values[row, col]} at frame {first_frame + row}, channel {CHANNEL_NAMES[col]}"
        )
    return values
