"""Expression spaces a manipulator works in: named channels, channel 0 = jaw opening (the speech channel)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.exceptions import ExpressionSpaceMismatchError, ManipulatorConfigError
from ned_core.face3d.channels import CHANNEL_NAMES, EMOTIONS
from ned_core.guards import check_sequence

# The official NED manipulator's domain order (its default ``selected_emotions``; a fact from
# manipulator/options/base_options.py of github.com/foivospar/NED, MIT licence).
OFFICIAL_EMOTIONS: tuple[str, ...] = ("neutral", "angry", "disgusted", "fear", "happy", "sad", "surprised")


@dataclass(frozen=True)
class ExpressionSpace:
    """The meaning of an expression vector's channels.

    Attributes:
        name: ``"embedded"`` (the embedded tier's action units), ``"flame"`` (FLAME/DECA: jaw
            opening + 50 expression coefficients) or a user's name for another space.
        channel_names: K names; channel 0 is the jaw opening (the speech channel, the paper's ε1).
        emotions: the domains, in the order of the networks' domain outputs (``EMOTIONS``).
    """

    name: str
    channel_names: tuple[str, ...]
    emotions: tuple[str, ...] = EMOTIONS

    def __post_init__(self) -> None:
        if not self.name or not self.channel_names or len(set(self.channel_names)) != len(self.channel_names):
            raise ManipulatorConfigError(
                f"ExpressionSpace {self.name!r}: needs a name and unique channel names, got {self.channel_names!r}"
            )
        if len(set(self.emotions)) != len(self.emotions) or len(self.emotions) < 2:
            raise ManipulatorConfigError(f"ExpressionSpace {self.name!r}: needs >= 2 unique emotions")

    @property
    def dim(self) -> int:
        """K, the number of channels."""
        return len(self.channel_names)

    def as_dict(self) -> dict:
        """Plain dict for checkpoints and datasets."""
        return {"name": self.name, "channels": list(self.channel_names), "emotions": list(self.emotions)}

    @classmethod
    def from_dict(cls, data: dict) -> ExpressionSpace:
        """Inverse of :meth:`as_dict`."""
        return cls(str(data["name"]), tuple(data["channels"]), tuple(data["emotions"]))


EMBEDDED_SPACE = ExpressionSpace("embedded", CHANNEL_NAMES)

# DECA's jaw pose (axis-angle, first component = opening) then FLAME's first 50 expression
# coefficients: the paper's ε in R^51, in the official manipulator's channel order.
FLAME_SPACE = ExpressionSpace("flame", ("jaw_open", *(f"flame_exp_{i:02d}" for i in range(50))))


def space_for_channels(channel_names: tuple[str, ...]) -> ExpressionSpace:
    """The known space with these channels (embedded, FLAME), else a space named ``"custom"``."""
    for space in (EMBEDDED_SPACE, FLAME_SPACE):
        if tuple(channel_names) == space.channel_names:
            return space
    return ExpressionSpace("custom", tuple(channel_names))


def check_space_expression(expr: np.ndarray, space: ExpressionSpace, frames: int, first_frame: int = 0,
                           what: str = "expression") -> np.ndarray:
    """Guard a ``(frames, K)`` sequence of ``space`` (a manipulator's); return it as a float64 copy.

    Raises:
        ExpressionSpaceMismatchError: K differs from the space's channel count.
        ShapeError: not 2-D float with ``frames`` rows.
        ExpressionValueError: NaN/inf (names the frame and channel).
    """
    expr = np.asarray(expr)
    if expr.ndim == 2 and expr.shape[1] != space.dim:
        raise ExpressionSpaceMismatchError(
            f"{what} has {expr.shape[1]} channels but the manipulator works on the {space.name!r} space "
            f"({space.dim} channels); use a checkpoint trained for this tier"
        )
    return check_sequence(expr, frames, space.channel_names, first_frame, what)
