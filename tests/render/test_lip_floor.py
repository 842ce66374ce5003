"""The lip floor: a lip thinned past a third of its source height keeps red, its rows in order, speech untouched."""

import numpy as np
import pytest

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import interocular_distance
from ned_core.render.lip_floor import FLOOR, LOWER_COLUMNS, MIN_HEIGHT_IOD, UPPER_COLUMNS, keep_lip_height, soft_floor


def _face() -> np.ndarray:
    """``(1, 478, 3)`` the mean face placed in a 512-pixel frame (IOD ~ 200 px)."""
    mean = np.asarray(load_mean_face(), np.float64)[:468]
    face = np.zeros((1, 478, 3))
    face[0, :468, :2] = 256 + 250 * mean[:, :2]
    face[0, 468:, :2] = face[0, 1, :2]
    return face


def _heights(face: np.ndarray, columns) -> np.ndarray:
    cols = np.array(columns)
    return np.abs(face[0, cols[:, 3], 1] - face[0, cols[:, 0], 1])


def _pressed(src: np.ndarray, amount: float) -> np.ndarray:
    """Each lip row moved ``amount`` of its distance to the inner edge toward it (1.1: the outer edge runs past the
    inner one), and the middle row next to the inner edge ``amount`` / 2 of the lip's height further (it crosses the
    inner edge for a strong press: the fold the mean-face lip units caused on thin lips)."""
    dst = src.copy()
    for col in UPPER_COLUMNS + LOWER_COLUMNS:
        inner, outer = src[0, col[3], 1], src[0, col[0], 1]
        for k in col[:3]:
            dst[0, k, 1] = inner + (1.0 - amount) * (src[0, k, 1] - inner)
        dst[0, col[2], 1] -= 0.5 * amount * (outer - inner)
    return dst


def test_a_lip_pressed_past_its_inner_edge_keeps_the_floor_and_its_rows_in_order():
    src = _face()
    dst = _pressed(src, 1.1)  # the outer edge runs past the inner one, the middle rows cross it
    out = keep_lip_height(src, dst)
    iod = interocular_distance(src[0, :, :2])
    # nothing is thrown further than the press moved it (a corner column, where the lips meet, has almost no height)
    assert np.abs(out - dst).max() < 0.1 * iod
    for columns in (UPPER_COLUMNS, LOWER_COLUMNS):
        held = _heights(src, columns) > MIN_HEIGHT_IOD * iod
        assert held.sum() >= 7
        assert np.all(_heights(out, columns)[held] >= FLOOR * _heights(src, columns)[held] - 1e-3)
        cols = np.array(columns)
        ys = out[0, cols[held], 1]  # (C, 4) outer .. inner
        steps, before = np.diff(ys, axis=1), np.diff(src[0, cols[held], 1], axis=1)
        assert np.all(np.sign(steps) == np.sign(before)), "a lip row crossed another"
        np.testing.assert_allclose(out[0, cols[:, 3]], dst[0, cols[:, 3]], atol=1e-4)  # the meeting line stays


def test_a_column_of_almost_no_height_is_left_as_directed():
    src = _face()
    corner = LOWER_COLUMNS[0]
    src[0, list(corner), 1] = src[0, corner[3], 1] + np.array([0.3, 0.2, 0.1, 0.0])  # the lips meet at the corner
    dst = _pressed(src, 0.5)
    dst[0, list(corner), 1] += np.array([-0.2, 0.1, 0.3, 0.0])  # rows moved across that sliver
    out = keep_lip_height(src, dst)
    np.testing.assert_allclose(out[0, list(corner)], dst[0, list(corner)], atol=1e-3)
    assert np.abs(out - dst).max() < 0.05 * interocular_distance(src[0, :, :2])


def test_a_mild_press_and_an_unedited_face_are_left_as_directed():
    src = _face()
    np.testing.assert_allclose(keep_lip_height(src, src), src, atol=1e-3)
    stretched = _pressed(src, -0.3)  # lips parted or stretched, their rows moved as directed: left alone
    np.testing.assert_allclose(keep_lip_height(src, stretched), stretched, atol=1e-3)
    mild = _pressed(src, 0.2)
    out = keep_lip_height(src, mild)
    for columns in (UPPER_COLUMNS, LOWER_COLUMNS):
        np.testing.assert_allclose(_heights(out, columns), _heights(mild, columns), atol=1e-3)


def test_soft_floor_is_continuous_and_bad_input_is_refused():
    h = np.linspace(-1.0, 3.0, 401)
    f = soft_floor(h, np.full_like(h, 1.0))
    assert f.min() == pytest.approx(1.0) and np.all(np.diff(f) >= 0) and np.max(np.abs(np.diff(f))) < 0.011
    with pytest.raises(ValueError, match="floor"):
        keep_lip_height(_face(), _face(), floor=1.5)
    with pytest.raises(ValueError, match="src"):
        keep_lip_height(_face()[:, :400], _face())
