"""Host-side emotion maps: per-frame sampled intensity and unit-override curves and a label blend turned into
``emotion`` fields."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .exceptions import InvalidFieldError
from .messages import EMOTIONS, MAX_INTENSITY, UNITS

Target = Union[str, Dict[str, float]]
#: Per-unit override curves: unit name -> one value per intensity sample (same frames, same order).
UnitCurves = Mapping[str, Sequence[float]]


def _check_unit(name: str, value: Any, where: str) -> float:
    """One override, checked: its value as a float.

    Raises:
        InvalidFieldError: an unknown unit (the message lists the valid ones), or a value that is no number or lies
            outside -1.5..1.5 (named with its unit and ``where``).
    """
    if name not in UNITS:
        raise InvalidFieldError(f"emotion unit {name!r} is not a unit; valid units: {', '.join(UNITS)}",
                                details={"field": "emotion.units"})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidFieldError(f"emotion unit {name}: {value!r} is not a number",
                                details={"field": f"emotion.units.{name}"}) from None
    if not -MAX_INTENSITY <= number <= MAX_INTENSITY:
        raise InvalidFieldError(f"emotion unit {name} = {number:g}{where} is out of range; "
                                f"give a number in -{MAX_INTENSITY}..{MAX_INTENSITY}",
                                details={"field": f"emotion.units.{name}"})
    return number


def parse_unit_texts(texts: Sequence[str]) -> Dict[str, float]:
    """``["brow_inner_up=-0.5", "jaw_open=0.2"]`` (or one text with several, split at commas and spaces) ->
    ``{unit: value}``; a unit given twice keeps the last value.

    Raises:
        InvalidFieldError: not ``NAME=VALUE``, an unknown unit, a value that is no number or out of range.
    """
    units: Dict[str, float] = {}
    for part in (p for text in texts for p in re.split(r"[,\s]+", text) if p):
        name, sep, value = part.partition("=")
        if not sep:
            raise InvalidFieldError(f"emotion unit override {part!r}: write NAME=VALUE, e.g. brow_inner_up=-0.5",
                                    details={"field": "emotion.units"})
        units[name] = _check_unit(name, value, "")
    return units


def _unit_rows(samples: Sequence[Tuple[int, float]], units: UnitCurves) -> List[Dict[str, float]]:
    """``{unit: value}`` per sample, checked (see :func:`_check_unit`; a value is named with its frame).

    Raises:
        InvalidFieldError: a bad unit or value, or a curve of the wrong length.
    """
    for name, values in units.items():
        if len(values) != len(samples):
            _check_unit(name, 0.0, "")
            raise InvalidFieldError(f"emotion unit {name}: {len(values)} values for {len(samples)} frames",
                                    details={"field": f"emotion.units.{name}"})
        for (frame, _), value in zip(samples, values):
            _check_unit(name, value, f" at frame {frame}")
    return [{name: round(float(values[i]), 6) for name, values in sorted(units.items())} for i in range(len(samples))]


def blend_target(label: str, blend_label: Optional[str] = None, blend: float = 0.0) -> Target:
    """The ``emotion.target``: ``label``, or a ``{label: 1 - blend, blend_label: blend}`` blend.

    Raises:
        InvalidFieldError: an unknown label, or ``blend`` outside 0..1.
    """
    for name, value in (("label", label), ("blend_label", blend_label)):
        if value is not None and value not in EMOTIONS:
            raise InvalidFieldError(f"emotion {name} {value!r} is not one of {', '.join(EMOTIONS)}",
                                    details={"field": f"emotion.{name}"})
    if not 0.0 <= blend <= 1.0:
        raise InvalidFieldError(f"emotion blend {blend:g} must lie in 0..1", details={"field": "emotion.blend"})
    if blend_label is None or blend == 0.0 or blend_label == label:
        return label
    if blend == 1.0:
        return blend_label
    return {label: 1.0 - blend, blend_label: blend}


def intensity_keys(target: Target, samples: Sequence[Tuple[int, float]],
                   units: Optional[UnitCurves] = None) -> List[Dict[str, Any]]:
    """Keys for sampled intensity and unit-override curves: one key where a value changes, a 1-frame transition each.

    Args:
        target: the emotion label or blend every key carries.
        samples: ``(frame, intensity)`` pairs in increasing frame order, e.g. a Nuke curve sampled
            once per frame; intensities are clamped to 0..1.5.
        units: per-unit override curves sampled at the same frames (see :data:`UnitCurves`), or None.

    Returns:
        ``emotion.keys`` entries ``{frame, emotion, intensity, transition}`` (plus ``units`` when overrides
        are given); consecutive equal values are merged, so constant curves give one key.

    Raises:
        InvalidFieldError: a unit curve is unusable (see :func:`_unit_rows`).
    """
    rows = _unit_rows(samples, units or {})
    keys: List[Dict[str, Any]] = []
    for (frame, value), row in zip(samples, rows):
        intensity = round(min(max(float(value), 0.0), MAX_INTENSITY), 6)
        if not keys or keys[-1]["intensity"] != intensity or keys[-1].get("units", {}) != row:
            key = {"frame": int(frame), "emotion": target, "intensity": intensity, "transition": 1}
            keys.append({**key, "units": row} if row else key)
    return keys


def emotion_fields(target: Target, samples: Sequence[Tuple[int, float]], *, seed: int = 0,
                   reference: Optional[Mapping[str, Any]] = None, units: Optional[UnitCurves] = None) -> Dict[str, Any]:
    """The request's ``emotion`` map: a static target, animated keys, or a reference clip.

    Args:
        target: label or blend (ignored when ``reference`` is given: the reference's style is used).
        samples: ``(frame, intensity)`` per frame; a constant curve becomes ``intensity``.
        seed: the node's random seed.
        reference: ``{"path", "frames"?, "colorspace"?}`` of a reference clip, or None.
        units: per-unit override curves sampled at the same frames (protocol 1.3); constant ones
            become ``units``, animated ones go into the keys.

    Raises:
        InvalidFieldError: no samples, or an unusable unit curve (unknown unit, value out of range).
    """
    if not samples:
        raise InvalidFieldError("emotion: the intensity curve has no samples (empty frame range)",
                                details={"field": "emotion.keys"})
    keys = intensity_keys(target, samples, units)
    fields: Dict[str, Any] = {"seed": int(seed)}
    if len(keys) == 1 and "units" in keys[0]:
        fields["units"] = keys[0].pop("units")
    if reference is not None:
        fields["reference"] = dict(reference)
        fields["intensity"] = keys[0]["intensity"]
        if len(keys) > 1:
            fields["keys"] = [{**key, "emotion": None} for key in keys]
    elif len(keys) == 1:
        fields.update(target=target, intensity=keys[0]["intensity"])
    else:
        fields["keys"] = keys
    return fields


def uses_units(emotion: Mapping[str, Any]) -> bool:
    """True when an ``emotion`` map carries unit overrides (a protocol 1.3 feature)."""
    return bool(emotion.get("units")) or any(key.get("units") for key in emotion.get("keys") or ())
