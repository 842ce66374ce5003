"""A smile the edit adds lifts the upper lip off the teeth where the shot shows them (``smile_part.py``), and the
lifted lip shows the shot's stored upper teeth where the source's own lips are closed (``smile_teeth.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import interocular_distance
from ned_core.face3d.channels import CHANNEL_INDEX, NUM_CHANNELS
from ned_core.render.config import RenderConfig
from ned_core.render.mouth_index import mouth_shape
from ned_core.render.smile_part import LIFT_PER_SMILE, part_smile, shows_interior, smile_lift
from ned_core.render.smile_teeth import teeth_weight

SMILE = [CHANNEL_INDEX["lip_corner_pull_L"], CHANNEL_INDEX["lip_corner_pull_R"]]
LIFT = CHANNEL_INDEX["upper_lip_raise"]
REST = load_mean_face()[:, :2].astype(np.float64) * 100.0 + 300.0  # the mean face's lips are parted (0.09 IOD)


def _expression(smile: float, frames: int = 3) -> np.ndarray:
    out = np.zeros((frames, NUM_CHANNELS))
    out[:, SMILE] = smile
    return out


def _closed(landmarks: np.ndarray) -> np.ndarray:
    """``landmarks`` with the inner lips brought together on the line between them (a closed mouth)."""
    lm = landmarks.copy()
    upper, lower = [82, 13, 312], [87, 14, 317]
    middle = 0.5 * (lm[upper, 1] + lm[lower, 1])
    lm[upper, 1], lm[lower, 1] = middle, middle
    for u, lo in ((81, 178), (311, 402), (80, 88), (310, 318), (191, 95), (415, 324)):
        lm[[u, lo], 1] = 0.5 * (lm[u, 1] + lm[lo, 1])
    return lm


def test_the_lift_follows_the_smile_the_edit_adds():
    source = _expression(0.3)
    assert smile_lift(source, _expression(1.3), True) == pytest.approx(np.full(3, LIFT_PER_SMILE))
    assert np.all(smile_lift(source, _expression(0.0), True) == 0.0)  # a smile taken away lifts nothing
    assert np.all(smile_lift(source, _expression(1.3), False) == 0.0)  # no interior in the shot: no parted lips
    parted = part_smile(source, _expression(1.3), True)
    assert parted[:, LIFT] == pytest.approx(np.full(3, LIFT_PER_SMILE))
    assert np.array_equal(np.delete(parted, LIFT, axis=1), np.delete(_expression(1.3), LIFT, axis=1))
    assert np.array_equal(part_smile(source, source, True), source)  # unedited: unchanged


def test_a_shot_shows_its_interior_when_some_frame_parts_the_lips():
    closed = _closed(REST)
    assert mouth_shape(closed)[1] < 0.5 * RenderConfig().mouth_open
    assert not shows_interior(np.stack([closed, closed]), RenderConfig().mouth_open)
    assert shows_interior(np.stack([closed, REST]), RenderConfig().mouth_open)


def test_the_teeth_show_where_a_smile_lifts_closed_lips():
    config, closed = RenderConfig(), _closed(REST)
    iod = float(interocular_distance(closed))
    smile = closed.copy()
    smile[[61, 291], 1] -= 0.05 * iod  # the corners raised
    smile[[13, 0, 82, 312, 37, 267, 81, 311], 1] -= 0.05 * iod  # and the upper lip lifted
    opening = mouth_shape(closed)[1]
    assert teeth_weight(closed, smile, opening, config) > 0.99
    assert teeth_weight(closed, closed, opening, config) == 0.0  # unedited
    lifted_only = closed.copy()
    lifted_only[[13, 0, 82, 312, 37, 267, 81, 311], 1] -= 0.05 * iod
    assert teeth_weight(closed, lifted_only, opening, config) == 0.0  # a lift without a smile (disgust)
    # a source mouth parted a little (the gate's old end, where it flipped with the words) still shows them
    assert teeth_weight(closed, smile, config.mouth_open, config) > 0.99
    # a syllable's open mouth: the warp carries the words' own teeth and cavity
    assert teeth_weight(closed, smile, 2.0 * config.mouth_open, config) == 0.0
