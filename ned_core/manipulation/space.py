"""Expression spaces a manipulator works in: named channels, channel 0 = jaw opening (the speech channel)."""

from __future__ import annotations

from dataclasses import dataclass

from ned_core.exceptions import ManipulatorConfigError
from ned_core.face3d.channels import CHANNEL_NAMES, EMOTIONS

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
