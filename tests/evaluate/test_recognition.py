"""Emotion recognition rate from per-frame probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.evaluate.recognition import recognition_rate
from ned_core.exceptions import ShapeError, UnknownEmotionError
from ned_core.face3d.channels import EMOTIONS


def test_share_of_frames_whose_top_class_is_the_target():
    probs = np.full((4, 7), 0.1)
    probs[[0, 1, 3], EMOTIONS.index("happy")] = 0.4
    probs[2, EMOTIONS.index("sad")] = 0.4
    assert recognition_rate(probs, "happy") == pytest.approx(0.75)
    assert recognition_rate(probs, "sad") == pytest.approx(0.25)
    assert recognition_rate(probs, "angry") == 0.0


def test_bad_inputs():
    with pytest.raises(UnknownEmotionError, match="surprised"):
        recognition_rate(np.full((2, 7), 1 / 7), "joy")
    with pytest.raises(ShapeError, match="7"):
        recognition_rate(np.full((2, 8), 1 / 8), "happy")
