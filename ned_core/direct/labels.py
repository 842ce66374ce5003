"""Emotion labels, intensities and blend weights: checked and normalised in one place."""

from __future__ import annotations

import math
from collections.abc import Mapping

from ned_core.exceptions import EmotionWeightError, IntensityRangeError, UnknownEmotionError
from ned_core.face3d.channels import EMOTIONS

MAX_INTENSITY = 1.5

# Common spellings accepted for the canonical labels (e.g. the FER classifier's class names).
ALIASES: dict[str, str] = {"surprise": "surprised", "disgust": "disgusted", "anger": "angry"}


def canonical_emotion(name: str, where: str) -> str:
    """The canonical label for ``name`` (case-insensitive, aliases accepted).

    Args:
        name: label as the user wrote it.
        where: what is being parsed, for the message (e.g. ``"keys.json: key 2 (frame 1040)"``).

    Raises:
        UnknownEmotionError: the label is not an emotion; the message lists the valid ones.
    """
    key = name.strip().lower() if isinstance(name, str) else ""
    key = ALIASES.get(key, key)
    if key not in EMOTIONS:
        raise UnknownEmotionError(f"{where}: unknown emotion {name!r}; valid emotions are {', '.join(EMOTIONS)}")
    return key


def check_intensity(value: object, where: str) -> float:
    """``value`` as a float in ``0..MAX_INTENSITY``.

    Raises:
        IntensityRangeError: not a number, not finite, or outside the range; names ``where``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise IntensityRangeError(f"{where}: intensity must be a number in 0..{MAX_INTENSITY}, got {value!r}")
    if not 0.0 <= value <= MAX_INTENSITY:
        raise IntensityRangeError(f"{where}: intensity {value} is outside 0..{MAX_INTENSITY}")
    return float(value)


def normalise_weights(weights: Mapping[str, object], where: str) -> tuple[float, ...]:
    """Blend weights per label -> a vector over ``EMOTIONS`` that sums to 1.

    Args:
        weights: ``{label: weight}``; labels are canonicalised (a label given twice adds up).
        where: what is being parsed, for messages.

    Returns:
        7 floats, in the order of ``EMOTIONS``, summing to 1.

    Raises:
        UnknownEmotionError: a label is not an emotion.
        EmotionWeightError: a weight is not a finite number >= 0, or they sum to 0.
    """
    vector = [0.0] * len(EMOTIONS)
    for name, weight in weights.items():
        label = canonical_emotion(name, where)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) or weight < 0:
            raise EmotionWeightError(f"{where}: weight of {label!r} must be a finite number >= 0, got {weight!r}")
        vector[EMOTIONS.index(label)] += float(weight)
    total = sum(vector)
    if total <= 0:
        raise EmotionWeightError(f"{where}: blend weights must sum to more than 0, got {dict(weights)!r}")
    return tuple(w / total for w in vector)
