"""The stored upper teeth a smile shows fade in and out over frames (``smile_teeth.faded_weight``): their weight follows
the source's small partings between syllables, and switched the overlay on and off from one frame to the next (the
HELD Hopper speaking clip made happy: 0.16 -> 1.0 -> ... -> 0.97 -> 0, 3 frame pairs whose mouth changed beyond the
source's, 5.4 codes). A render of part of a shot replays the frames before it (``MeshWarpRenderer.advance``) to the
same weights."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.render import RenderConfig
from ned_core.render.mesh_warp import MeshWarpRenderer, mouth_teeth
from ned_core.render.smile_teeth import FADE_STEP

UPPER = list(LIPS_INNER[11:20]) + list(LIPS_OUTER[11:20])
CORNERS = ((LIPS_INNER[0], -1.0), (LIPS_INNER[10], 1.0), (LIPS_OUTER[0], -1.0), (LIPS_OUTER[10], 1.0))
LIFT_IOD, CORNER_IOD = 0.05, 0.05  # a smile: the upper lip lifted, the corners drawn out and up (IOD)
REPLAY_FROM = 12  # the part of the shot rendered after the frames before it are replayed


def _smiled(landmarks: np.ndarray) -> np.ndarray:
    """``(478, 3)`` the frame's landmarks with the upper lip lifted and the corners raised."""
    out = np.array(landmarks, np.float64)
    iod = float(interocular_distance(out[:, :2]))
    out[UPPER, 1] -= LIFT_IOD * iod
    for point, side in CORNERS:
        out[point, :2] += (side * CORNER_IOD * iod, -CORNER_IOD * iod)
    return out


def _render(shot, start: int) -> list[float]:
    """The ``smile_teeth`` flags of the shot's frames from ``start`` on, the frames before it stepped over."""
    renderer = MeshWarpRenderer(RenderConfig())
    renderer.prepare(shot)
    weights = []
    for row, number in enumerate(shot.frames):
        src = np.asarray(shot.landmarks[row], np.float64)
        frame = shot.frame_reader(int(number))
        if row < start:
            renderer.advance(int(number), frame.shape[:2], src, _smiled(src))
        else:
            weights.append(renderer.render(int(number), frame, src, _smiled(src)).flags["smile_teeth"])
    return weights


@pytest.fixture(scope="module")
def whole(speaking_shot) -> list[float]:
    return _render(speaking_shot, 0)


def test_the_teeth_fade_over_frames_where_the_words_switch_them(speaking_shot, whole):
    """The speaking actor's partings switch the unfaded weight by up to 1 between frames; shown, it moves at most
    :data:`FADE_STEP` a frame (main: the unfaded weight itself) and still reaches the closed frames' full teeth."""
    config = RenderConfig()
    raw = [mouth_teeth(int(n), np.asarray(lm, np.float64), _smiled(lm), config)
           for n, lm in zip(speaking_shot.frames, speaking_shot.landmarks)]
    assert np.abs(np.diff(raw)).max() > 2 * FADE_STEP, "the shot's partings switch the teeth"
    steps = np.abs(np.diff(whole))
    assert steps.max() <= FADE_STEP + 1e-9, f"the teeth jump {np.round(steps.max(), 2)} between frames"
    assert max(whole) > 0.9


def test_a_part_of_the_shot_replays_the_fade(speaking_shot, whole):
    """Frames from :data:`REPLAY_FROM` rendered after the earlier ones were stepped over show the same teeth."""
    part = _render(speaking_shot, REPLAY_FROM)
    assert np.allclose(part, whole[REPLAY_FROM:], atol=1e-9)
