"""Host-side emotion maps: a per-frame sampled intensity curve and a label blend turned into ``emotion`` fields."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .exceptions import InvalidFieldError
from .messages import EMOTIONS

#: Highest intensity the node accepts (1 = the emotion's prototype).
MAX_INTENSITY = 1.5

Target = Union[str, Dict[str, float]]


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


def intensity_keys(target: Target, samples: Sequence[Tuple[int, float]]) -> List[Dict[str, Any]]:
    """Keys for a sampled intensity curve: one key where the value changes, a 1-frame transition each.

    Args:
        target: the emotion label or blend every key carries.
        samples: ``(frame, intensity)`` pairs in increasing frame order, e.g. a Nuke curve sampled
            once per frame; intensities are clamped to 0..1.5.

    Returns:
        ``emotion.keys`` entries ``{frame, emotion, intensity, transition}``; consecutive equal values
        are merged, so a constant curve gives one key.
    """
    keys: List[Dict[str, Any]] = []
    for frame, value in samples:
        intensity = round(min(max(float(value), 0.0), MAX_INTENSITY), 6)
        if not keys or keys[-1]["intensity"] != intensity:
            keys.append({"frame": int(frame), "emotion": target, "intensity": intensity, "transition": 1})
    return keys


def emotion_fields(target: Target, samples: Sequence[Tuple[int, float]], *, seed: int = 0,
                   reference: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """The request's ``emotion`` map: a static target, animated keys, or a reference clip.

    Args:
        target: label or blend (ignored when ``reference`` is given: the reference's style is used).
        samples: ``(frame, intensity)`` per frame; a constant curve becomes ``intensity``.
        seed: the node's random seed.
        reference: ``{"path", "frames"?, "colorspace"?}`` of a reference clip, or None.

    Raises:
        InvalidFieldError: no samples.
    """
    if not samples:
        raise InvalidFieldError("emotion: the intensity curve has no samples (empty frame range)",
                                details={"field": "emotion.keys"})
    keys = intensity_keys(target, samples)
    fields: Dict[str, Any] = {"seed": int(seed)}
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
