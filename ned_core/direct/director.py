"""The director interface (embedded prior, reference style, learned manipulator) and its input guard."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from ned_core.direct.schedule import EmotionSchedule
from ned_core.face3d.channels import CHANNEL_NAMES
from ned_core.guards import check_sequence


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
    """Guard a ``(frames, 27)`` sequence of the embedded channels; return it as a float64 copy.

    Raises:
        ShapeError: not ``(frames, 27)`` or not floating point.
        ExpressionValueError: NaN or infinity; the message names the first bad frame and channel.
    """
    return check_sequence(expr, frames, CHANNEL_NAMES, first_frame, what)
