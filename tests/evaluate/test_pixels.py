"""FAPD / APD / MAPD on constructed frames with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.evaluate.config import EvalConfig, mouth_window_side
from ned_core.evaluate.pixels import apd_per_frame, fapd_per_frame, mapd_per_frame, mouth_window, pixel_distance
from ned_core.exceptions import MetricUndefinedError, ShapeError


def _video(t=3, h=64, w=80, seed=0):
    return np.random.default_rng(seed).integers(10, 240, (t, h, w, 3), dtype=np.uint8)


def _disk_masks(t, h, w, r=20):
    yy, xx = np.mgrid[0:h, 0:w]
    return np.broadcast_to((yy - h / 2) ** 2 + (xx - w / 2) ** 2 <= r * r, (t, h, w)).copy()


def test_identical_videos_have_zero_distances():
    src = _video()
    masks = _disk_masks(*src.shape[:3])
    assert np.all(fapd_per_frame(src, src.copy(), masks) == 0)
    assert np.all(apd_per_frame(src, src.copy()) == 0)
    assert np.all(mapd_per_frame(src, src.copy(), np.full((3, 2), 30.0), 16) == 0)


def test_pixel_distance_is_euclidean_over_channels():
    a = np.zeros((1, 1, 3), np.uint8)
    b = np.array([[[3, 4, 0]]], np.uint8)
    assert pixel_distance(a, b)[0, 0] == pytest.approx(5.0)
    assert pixel_distance(b, a)[0, 0] == pytest.approx(5.0)  # no uint8 wrap-around


def test_red_offset_inside_mask_gives_exact_fapd_and_mask_share_apd():
    src = _video()
    masks = _disk_masks(*src.shape[:3])
    res = src.astype(np.int16)
    res[..., 0] += 3 * masks
    res = res.astype(np.uint8)
    assert fapd_per_frame(src, res, masks) == pytest.approx([3.0, 3.0, 3.0], abs=1e-12)
    share = masks[0].mean()
    assert apd_per_frame(src, res) == pytest.approx([3.0 * share] * 3, abs=1e-12)


def test_soft_mask_weights_the_face_pixels():
    src = np.zeros((1, 1, 2, 3), np.uint8)
    res = src.copy()
    res[0, 0, 0] = (6, 0, 0)  # 6 on the first pixel, 0 on the second
    masks = np.array([[[1.0, 0.5]]])
    assert fapd_per_frame(src, res, masks)[0] == pytest.approx(6.0 / 1.5)


def test_float_frames_in_0_255_scale_are_accepted():
    src = _video().astype(np.float32)
    res = src + np.array([0, 0, 2], np.float32)
    assert apd_per_frame(src, res) == pytest.approx([2.0] * 3, rel=1e-6)


def test_empty_mask_names_the_frame():
    src = _video()
    masks = _disk_masks(*src.shape[:3])
    masks[2] = False
    with pytest.raises(MetricUndefinedError, match="frame index 2"):
        fapd_per_frame(src, src, masks)


def test_mismatched_shapes_are_rejected():
    with pytest.raises(ShapeError, match="expected"):
        apd_per_frame(_video(), _video(h=32))
    with pytest.raises(ShapeError, match="masks"):
        fapd_per_frame(_video(), _video(), np.ones((3, 10, 10), bool))
    with pytest.raises(ShapeError, match="0..1"):
        fapd_per_frame(_video(), _video(), np.full((3, 64, 80), 255, np.uint8))


def test_mapd_window_is_centred_on_the_mouth():
    h = w = 256
    src = np.full((1, h, w, 3), 100, np.uint8)
    res = src.copy()
    res[0, 64:136, 100:172, 1] += 10  # a 72x72 change centred on (136, 100)
    side = EvalConfig().mouth_window
    assert side == 72
    assert mapd_per_frame(src, res, np.array([[136.0, 100.0]]), side)[0] == pytest.approx(10.0)
    # half the window off the change -> half the distance
    assert mapd_per_frame(src, res, np.array([[136.0 + 36, 100.0]]), side)[0] == pytest.approx(5.0)
    # far away -> nothing
    assert mapd_per_frame(src, res, np.array([[40.0, 220.0]]), side)[0] == 0.0


def test_mouth_window_stays_inside_the_image():
    assert mouth_window(np.array([100.0, 60.0]), 72, 256, 256) == (24, 96, 64, 136)
    assert mouth_window(np.array([2.0, 3.0]), 72, 256, 256) == (0, 72, 0, 72)
    assert mouth_window(np.array([255.0, 255.0]), 72, 256, 200) == (184, 256, 128, 200)
    with pytest.raises(ShapeError, match="window side"):
        mouth_window(np.array([10.0, 10.0]), 72, 64, 64)


def test_mouth_window_scales_with_the_crop():
    assert mouth_window_side(256) == 72
    assert mouth_window_side(512) == 144
    assert mouth_window_side(1024) == 288
    assert EvalConfig(crop_size=128).mouth_window == 36
