"""Emotion recognition rate: the share of result frames that the classifier reads as the target emotion."""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import ShapeError, UnknownEmotionError
from ned_core.face3d.channels import EMOTIONS


def recognition_rate(probabilities: np.ndarray, target: str) -> float:
    """Share of frames whose most probable emotion is ``target``.

    Args:
        probabilities: ``(T, 7)`` per-frame class probabilities in ``EMOTIONS`` order, T >= 1.
        target: one of ``EMOTIONS``.

    Returns:
        A share in 0..1.
    """
    probabilities = np.asarray(probabilities)
    if probabilities.ndim != 2 or probabilities.shape[1] != len(EMOTIONS) or probabilities.shape[0] == 0:
        raise ShapeError("probabilities", f"(T>=1, {len(EMOTIONS)})", probabilities.shape)
    if target not in EMOTIONS:
        raise UnknownEmotionError(f"target emotion: expected one of {', '.join(EMOTIONS)}, got {target!r}")
    return float(np.mean(np.argmax(probabilities, axis=1) == EMOTIONS.index(target)))
