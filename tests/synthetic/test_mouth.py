"""The painted mouth interior: teeth, cavity and tongue inside the inner lip contour only, lit like the face."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import SyntheticActorError
from ned_core.synthetic.mouth import (
    REFERENCE_SKIN_SRGB,
    SKIN_POINTS,
    UPPER_EDGES_IOD,
    MouthLook,
    mouth_height,
    mouth_look,
    paint_mouth,
)

IOD = 100.0
SKIN = 200
NEUTRAL = MouthLook(np.ones(3, np.float32), np.array([1.0, 0.8, 0.9, 0.7, 0.58]), np.ones((2, 5)))


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
    tongue = _painted(30.0)[84, 75:86].astype(np.float64).mean(axis=0)
    assert tongue[0] > tongue[1] + 20 and tongue[0] > 60  # a red tongue on the floor of the open mouth


def test_teeth_take_the_face_light():
    dim_warm = MouthLook(np.array([0.6, 0.4, 0.3], np.float32), NEUTRAL.upper_lengths, NEUTRAL.shades)
    bright, graded = _painted(30.0)[64, 83].astype(int), _painted(30.0, look=dim_warm)[64, 83].astype(int)
    assert (graded < bright).all() and graded[0] - graded[2] > bright[0] - bright[2] + 20


def _photo(skin: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    photo = np.full((100, 100, 3), skin, np.uint8)
    landmarks = np.zeros((468, 2))
    landmarks[list(SKIN_POINTS)] = [50.0, 50.0]
    return photo, landmarks


def test_mouth_look_reads_the_light_from_the_skin_and_is_seeded():
    reference = mouth_look(*_photo(REFERENCE_SKIN_SRGB), seed=0)
    np.testing.assert_allclose(reference.light, 1.0, atol=0.02)
    warm = mouth_look(*_photo((200, 120, 90)), seed=0)
    assert warm.light[0] > warm.light[1] > warm.light[2] and warm.light.mean() < 0.9
    again, other = mouth_look(*_photo(REFERENCE_SKIN_SRGB), seed=0), mouth_look(*_photo(REFERENCE_SKIN_SRGB), seed=1)
    np.testing.assert_array_equal(again.upper_lengths, reference.upper_lengths)
    assert not np.array_equal(other.upper_lengths, reference.upper_lengths)


def test_mouth_look_refuses_skin_points_outside_the_photo():
    photo, landmarks = _photo(REFERENCE_SKIN_SRGB)
    landmarks[SKIN_POINTS[0]] = [150.0, 50.0]
    with pytest.raises(SyntheticActorError, match="outside"):
        mouth_look(photo, landmarks, seed=0)


def test_zero_opacity_changes_nothing():
    frame = np.full((120, 160, 3), SKIN, np.uint8)
    paint_mouth(frame, *_mouth(30.0), iod_px=IOD, opacity=0.0, look=NEUTRAL)
    assert (frame == SKIN).all()


def test_mouth_height_measures_opening_not_width():
    assert mouth_height(np.concatenate(_mouth(30.0))) > 3 * mouth_height(np.concatenate(_mouth(5.0)))
    upper, lower = _mouth(10.0)
    wide = np.concatenate([upper * [1.5, 1.0], lower * [1.5, 1.0]])
    assert abs(mouth_height(wide) - mouth_height(np.concatenate([upper, lower]))) < 1e-6  # a smile widens only
