"""Temporal flicker inside the face mask and its ratio to the source's."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.evaluate.flicker import face_flicker, flicker_ratio
from ned_core.exceptions import MetricUndefinedError



def test_identical_sequences_have_ratio_one(make_shot):
    shot = make_shot()
    src = face_flicker(shot.source, shot.masks)
    res = face_flicker(shot.result, shot.masks)
    assert src.shape == (len(shot.source) - 1,)
    assert flicker_ratio(src, res) == pytest.approx(1.0)


def test_known_brightness_steps_inside_the_mask():
    t, h, w = 4, 8, 8
    frames = np.zeros((t, h, w, 3), np.uint8)
    for i in range(t):
        frames[i] = 2 * i  # +2 per frame everywhere
    frames[:, :, :4] = 0  # left half never changes, but it is outside the mask
    masks = np.zeros((t, h, w), bool)
    masks[:, :, 4:] = True
    assert face_flicker(frames, masks) == pytest.approx([2.0, 2.0, 2.0])


def test_added_noise_raises_the_ratio(make_shot):
    shot = make_shot()
    noisy = shot.result.astype(np.int16) + np.random.default_rng(0).integers(-6, 7, shot.result.shape)
    noisy = noisy.clip(0, 255).astype(np.uint8)
    ratio = flicker_ratio(face_flicker(shot.source, shot.masks), face_flicker(noisy, shot.masks))
    assert ratio > 1.5


def test_frozen_source_has_no_ratio():
    frames = np.full((3, 8, 8, 3), 50, np.uint8)
    masks = np.ones((3, 8, 8), bool)
    with pytest.raises(MetricUndefinedError, match="identical in every frame"):
        flicker_ratio(face_flicker(frames, masks), face_flicker(frames, masks))
    with pytest.raises(MetricUndefinedError, match="at least 2"):
        face_flicker(frames[:1], masks[:1])
