"""Per-unit overrides on top of an emotion (artist controls): ``--unit brow_inner_up=-0.5``, keyframeable.

A unit is a channel (``brow_inner_up_L``) or a bilateral group (``brow_inner_up`` = both sides). An
override *sets* the target offset of its channels (activation units, as the prototypes; negative
values relax the channel below the source's held level, down to the actor's rest), replacing what
the emotion's prototype asks for there; the source's held level on an overridden channel is undone
in full. Values lie in -1.5..1.5 (``MAX_INTENSITY``).
"""

from __future__ import annotations

import math
import re

import numpy as np

from ned_core.direct.labels import MAX_INTENSITY
from ned_core.exceptions import UnitNotInModelError, UnitOverrideError, UnknownUnitError
from ned_core.face3d.channels import CHANNEL_INDEX, CHANNEL_NAMES, CHANNELS, NUM_CHANNELS

UnitOverrides = tuple[tuple[str, float], ...]
"""``((unit name, value), ...)`` sorted by name: one key's overrides (hashable, comparable)."""

GROUPS: tuple[str, ...] = tuple(dict.fromkeys(c.bilateral_group for c in CHANNELS if c.bilateral_group))
UNIT_NAMES: tuple[str, ...] = tuple(sorted(set(CHANNEL_NAMES) | set(GROUPS)))
_OVERRIDE = re.compile(r"^\s*([A-Za-z_]+)\s*=\s*(\S+)\s*$")


def unit_channels(name: str, channel_names: tuple[str, ...] = CHANNEL_NAMES) -> tuple[str, ...]:
    """The channel names a unit stands for (one channel, or both sides of a group)."""
    if name in channel_names:
        return (name,)
    return tuple(c.name for c in CHANNELS if c.bilateral_group == name and c.name in channel_names)


def check_unit(name: object, value: object, where: str) -> tuple[str, float]:
    """One override, validated: ``(name, float value)``.

    Raises:
        UnknownUnitError: ``name`` is no unit (the message lists the valid ones).
        UnitOverrideError: ``value`` is not a finite number in -1.5..1.5.
    """
    if not isinstance(name, str) or name not in UNIT_NAMES:
        raise UnknownUnitError(f"{where}: unknown unit {name!r}; valid units: {', '.join(UNIT_NAMES)}")
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or abs(value) > MAX_INTENSITY:
        raise UnitOverrideError(f"{where}: unit {name} = {value!r} is out of range; give a number in "
                                f"-{MAX_INTENSITY}..{MAX_INTENSITY}")
    return name, float(value)


def parse_unit_overrides(texts: tuple[str, ...] | list[str], where: str = "--unit") -> UnitOverrides:
    """``("brow_inner_up=-0.5", ...)`` -> sorted overrides; a unit given twice keeps the last value.

    Raises:
        UnitOverrideError: not ``NAME=VALUE``, or the value is no number / out of range.
        UnknownUnitError: an unknown unit name.
    """
    values: dict[str, float] = {}
    for text in texts:
        match = _OVERRIDE.match(text) if isinstance(text, str) else None
        if match is None:
            raise UnitOverrideError(f"{where} {text!r}: write NAME=VALUE, e.g. brow_inner_up=-0.5")
        try:
            value = float(match[2])
        except ValueError:
            raise UnitOverrideError(f"{where} {text!r}: {match[2]!r} is not a number") from None
        name, values[match[1]] = check_unit(match[1], value, f"{where} {text!r}")
    return tuple(sorted(values.items()))


def check_units_in_model(overrides: UnitOverrides, channel_names: tuple[str, ...], tier: str) -> None:
    """Every override must name channels the face model of ``tier`` has.

    Raises:
        UnitNotInModelError: names the unit and lists the model's channels.
    """
    for name, _ in overrides:
        if not unit_channels(name, channel_names):
            raise UnitNotInModelError(f"unit {name!r} is not in the {tier} tier's face model; its units: "
                                      f"{', '.join(channel_names)}")


def override_arrays(overrides: UnitOverrides) -> tuple[np.ndarray, np.ndarray]:
    """``(values (K,), mask (K,))`` float64: the overridden channels' values and 1 where overridden."""
    values, mask = np.zeros(NUM_CHANNELS), np.zeros(NUM_CHANNELS)
    for name, value in overrides:
        for channel in unit_channels(name):
            values[CHANNEL_INDEX[channel]], mask[CHANNEL_INDEX[channel]] = value, 1.0
    return values, mask


def apply_overrides(target: np.ndarray, strength: np.ndarray, values: np.ndarray,
                    mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Overridden target and removal strength per channel.

    Args:
        target: ``(T, K)`` the emotion's target offsets. strength: ``(T,)`` share of the held expression
            to undo. values: ``(T, K)`` sampled override values, already weighted by the mask (0 where
            no override). mask: ``(T, K)`` in 0..1, 1 where overridden (between keys an override eases
            in or out).

    Returns:
        ``(target (T, K), strength (T, K))``: the override replaces the target where ``mask`` is 1 and
        undoes the held level there in full.
    """
    out = target * (1.0 - mask) + values
    return out, np.maximum(strength[:, None], mask)
