"""The painted mouth interior: teeth, cavity and tongue inside the inner lip contour only, lit like the face."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.exceptions import SyntheticActorError
from ned_core.synthetic.mouth import (
    SKIN_POINTS,
    UPPER_EDGES_IOD,
    MouthLook,
    mouth_height,
    mouth_look,
    paint_mouth,
)

IOD = 100.0
SKIN = 200
NEUTRAL = MouthLook(np.ones(3, np.float32), np.array([1.0, 0.8, 0.9, 0.7, 0.58]), np.ones((2, 5)), 0.0)


def _mouth(gap: float, half_width: float = 40.0) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(80.0 - half_width, 80.0 + half_width, 13)
    bulge = 1.0 - ((x - 80.0) / half_width) ** 2
    upper = np.stack([x[::-1], 60.0 - 2.0 * bulge[::-1]], axis=1)  # right to left, like LIPS_INNER
    lower = np.stack([x, 60.0 + gap * bulge], axis=1)
    return upper, lower


def _painted(gap: float, half_width: float = 40.0, look: MouthLook = NEUTRAL) -> np.ndarray:
    frame = np.full((120, 160, 3), SKIN, np.uint8)
    paint_mouth(frame, *_mouth(gap, half_width), iod_px=IOD, opacity=1.0, look=look)
    return frame


def _lum(pixels: np.ndarray) -> np.ndarray:
    return pixels.astype(np.float64).mean(axis=-1)


def test_paints_inside_the_inner_lips_only():
    frame = _painted(30.0)
    assert (frame[:54] == SKIN).all() and (frame[95:] == SKIN).all()
    assert (frame[:, :36] == SKIN).all() and (frame[:, 125:] == SKIN).all()


def test_upper_teeth_under_the_lip_shadow_then_cavity_below():
    col = _lum(_painted(30.0)[:, 83])  # inside a central incisor, beside the midline gap
    shadow, tooth, deep = col[59], col[64], col[72]
    assert tooth > 170 and tooth > shadow + 25  # the lip's shadow across the top of the teeth
    assert deep < 40  # dark cavity under the incisal edge, above the tongue


def test_teeth_are_rigid_a_smile_shows_more_teeth_not_wider_ones():
    """The gap between central incisors stays at the midline and the next gap at the same distance in IOD."""
    for half_width in (36.0, 48.0):
        row = _lum(_painted(30.0, half_width)[64, 60:100])
        gaps = np.flatnonzero((row < np.roll(row, 1)) & (row < np.roll(row, -1)) & (row < row.max() - 15)) + 60
        expected = 80 + IOD * np.array([-UPPER_EDGES_IOD[0], 0.0, UPPER_EDGES_IOD[0]])
        assert np.abs(gaps[:, None] - expected[None]).min(axis=0).max() <= 1.0, gaps


def test_buccal_corridors_are_dark():
    frame = _painted(30.0, half_width=44.0)
    centre, corner = _lum(frame[63, 76:84]).mean(), _lum(frame[63, 80 + 41:80 + 43]).mean()
    assert centre > 150 and corner < 60


def test_lower_teeth_and_tongue_only_when_the_jaw_opens_wide():
    def lower_middle(gap: float) -> np.ndarray:  # just above the lower lip, middle of the mouth
        return _painted(gap)[int(60 + gap) - 2, 78:82].astype(np.float64).mean(axis=0)

    speech, wide = lower_middle(9.0), lower_middle(30.0)
    assert _lum(speech) < 60  # lower teeth hidden behind the lower lip in speech: dark cavity
    assert _lum(wide) > _lum(speech) + 30  # lower incisors' tips show
    shows_them = _painted(9.0, look=replace(NEUTRAL, lower_teeth=1.0))[int(60 + 9.0) - 2, 78:82]
    assert _lum(shows_them.astype(np.float64)).mean() > _lum(speech) + 30  # an actor whose photo shows them
    tongue = _painted(30.0)[84, 75:86].astype(np.float64).mean(axis=0)
    assert tongue[0] > tongue[1] + 20 and tongue[0] > 60  # a red tongue on the floor of the open mouth


def test_teeth_take_the_face_light():
    dim_warm = replace(NEUTRAL, light=np.array([0.6, 0.4, 0.3], np.float32))
    bright, graded = _painted(30.0)[64, 83].astype(int), _painted(30.0, look=dim_warm)[64, 83].astype(int)
    assert (graded < bright).all() and graded[0] - graded[2] > bright[0] - bright[2] + 20


def _landmarks(photo: np.ndarray, analysis_config, mesh_models) -> np.ndarray:
    return analyze_image(photo, analysis_config, mesh_models)[0].landmarks


def _dimmed(photo: np.ndarray, gain: tuple[float, float, float]) -> np.ndarray:
    """The photo under a dimmer, warmer light (linear-light gain per channel)."""
    linear = (photo.astype(np.float32) / 255.0) ** 2.2 * np.asarray(gain, np.float32)
    return np.round(255.0 * linear ** (1 / 2.2)).astype(np.uint8)


def test_mouth_look_takes_the_light_on_the_skin(astronaut, analysis_config, mesh_models):
    landmarks = _landmarks(astronaut, analysis_config, mesh_models)
    look = mouth_look(astronaut, landmarks, seed=0)
    np.testing.assert_allclose(look.light, 1.0, atol=0.15)  # the reference skin is this photo's
    warm = mouth_look(_dimmed(astronaut, (0.7, 0.5, 0.35)), landmarks, seed=0)
    ratio = warm.light / look.light
    assert ratio[0] > ratio[1] > ratio[2] and 0.4 < ratio.mean() < 0.8  # dimmer and warmer, like the skin


def test_lower_teeth_show_where_the_photo_is_parted_on_them(astronaut, grace_hopper, analysis_config, mesh_models):
    parted = mouth_look(astronaut, _landmarks(astronaut, analysis_config, mesh_models), seed=0)
    closed = mouth_look(grace_hopper, _landmarks(grace_hopper, analysis_config, mesh_models), seed=0)
    assert parted.lower_teeth == 1.0 and closed.lower_teeth == 0.0


def test_mouth_look_is_seeded(grace_hopper, analysis_config, mesh_models):
    landmarks = _landmarks(grace_hopper, analysis_config, mesh_models)
    first, again, other = (mouth_look(grace_hopper, landmarks, seed) for seed in (0, 0, 1))
    np.testing.assert_array_equal(first.upper_lengths, again.upper_lengths)
    np.testing.assert_array_equal(first.shades, again.shades)
    assert not np.array_equal(first.upper_lengths, other.upper_lengths)


def test_mouth_look_refuses_skin_points_outside_the_photo(grace_hopper, analysis_config, mesh_models):
    landmarks = _landmarks(grace_hopper, analysis_config, mesh_models).copy()
    landmarks[SKIN_POINTS[0], 0] = grace_hopper.shape[1] + 10
    with pytest.raises(SyntheticActorError, match="outside"):
        mouth_look(grace_hopper, landmarks, seed=0)


def test_zero_opacity_changes_nothing():
    frame = np.full((120, 160, 3), SKIN, np.uint8)
    paint_mouth(frame, *_mouth(30.0), iod_px=IOD, opacity=0.0, look=NEUTRAL)
    assert (frame == SKIN).all()


def test_mouth_height_measures_opening_not_width():
    assert mouth_height(np.concatenate(_mouth(30.0))) > 3 * mouth_height(np.concatenate(_mouth(5.0)))
    upper, lower = _mouth(10.0)
    wide = np.concatenate([upper * [1.5, 1.0], lower * [1.5, 1.0]])
    assert abs(mouth_height(wide) - mouth_height(np.concatenate([upper, lower]))) < 1e-6  # a smile widens only
