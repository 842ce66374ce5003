"""Face-plate geometry and guards: data windows from face boxes, padding, config validation."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import FaceBoxError, PlateCompressionError, PlateWriteError, ShapeError
from ned_core.io.exr_plate import (
    FacePlate,
    PlateWriteConfig,
    check_plate,
    empty_plate,
    face_data_window,
    pack_channels,
    pad_to_display,
    unpack_channels,
)


def test_margin_grows_each_side_by_a_fraction_of_the_box():
    # box 100 x 200 at (500, 300); 15 % -> 15 px left/right, 30 px top/bottom
    assert face_data_window((500, 300, 600, 500), (1920, 1080), 0.15) == (485, 270, 615, 530)
    assert face_data_window((500, 300, 600, 500), (1920, 1080), 0.0) == (500, 300, 600, 500)


def test_fractional_boxes_round_outwards():
    assert face_data_window((10.6, 20.4, 30.2, 40.9), (64, 64), 0.0) == (10, 20, 31, 41)


def test_window_is_clipped_to_the_frame():
    assert face_data_window((-40, 1000, 100, 1200), (1920, 1080), 0.1) == (0, 980, 114, 1080)


@pytest.mark.parametrize(("box", "margin", "message"), [
    ((5000, 10, 5100, 90), 0.1, "outside the 1920x1080 frame"),
    ((10, 10, 10, 90), 0.1, "no area"),
    ((10, 10, float("nan"), 90), 0.1, "finite"),
    ((10, 10, 50, 90), -0.1, "finite"),
])
def test_bad_boxes_raise(box, margin: float, message: str):
    with pytest.raises(FaceBoxError, match=message):
        face_data_window(box, (1920, 1080), margin)


def test_empty_plate_is_one_transparent_pixel():
    plate = empty_plate(7, (1920, 1080))
    check_plate(plate)
    assert plate.data_window == (0, 0, 1, 1) and plate.display_size == (1920, 1080)
    assert plate.rgba.shape == (1, 1, 4) and not plate.rgba.any() and not plate.mask.any()


def test_empty_plate_refuses_a_bad_display_size():
    with pytest.raises(ShapeError, match=r"display_size: expected \(W, H\) positive ints, got \(0, 1080\)"):
        empty_plate(7, (0, 1080))


def test_pad_to_display_places_pixels_at_the_window():
    rng = np.random.default_rng(1)
    rgba = rng.random((3, 5, 4), dtype=np.float32)
    plate = FacePlate(1, (16, 8), (10, 4, 15, 7), rgba, rgba[..., 3].copy(), {"dbg": rgba[..., :3].copy()})
    full = pad_to_display(plate)
    assert full.data_window == (0, 0, 16, 8) and full.rgba.shape == (8, 16, 4) and full.extra["dbg"].shape == (8, 16, 3)
    np.testing.assert_array_equal(full.rgba[4:7, 10:15], rgba)
    assert full.rgba.sum() == pytest.approx(rgba.sum())


@pytest.mark.parametrize("name", ["facemask", "", "1st", "a..b", "has space"])
def test_bad_extra_layer_names_are_refused(name: str):
    plate = empty_plate(1, (4, 4))
    plate.extra[name] = np.zeros((1, 1), np.float32)
    with pytest.raises(PlateWriteError, match="extra layer name"):
        check_plate(plate)


def test_extra_layer_with_wrong_shape_is_a_shape_error():
    plate = empty_plate(1, (4, 4))
    plate.extra["debug.warp"] = np.zeros((1, 1, 2), np.float32)
    with pytest.raises(ShapeError, match=r"extra\['debug.warp'\]: expected \(1, 1, 3\) float32, got \(1, 1, 2\)"):
        check_plate(plate)


def test_config_validates_on_construction():
    assert PlateWriteConfig().compression == "dwaa:45"
    with pytest.raises(PlateCompressionError, match="unknown EXR compression 'dwaa45'"):
        PlateWriteConfig("dwaa45")
    with pytest.raises(FaceBoxError, match="margin"):
        face_data_window((10, 10, 50, 50), (100, 100), -1.0)


def test_packed_channels_hold_every_layer_of_a_trimmed_plate_in_the_listed_order():
    """Planes split from views cut out of larger arrays (a trimmed plate's): each channel named where its samples
    are, C-contiguous (the OpenEXR bindings ignore strides), half but the STMap's, and unpacked by name back to the
    layers."""
    rng = np.random.default_rng(3)
    h, w = 9, 7
    big = {name: rng.normal(size=(h + 4, w + 5, c)).astype(np.float32)
           for name, c in (("rgba", 4), ("mask", 1), ("face", 4), ("glow", 3), ("edge", 1), ("stmap", 2))}
    cut = (slice(2, 2 + h), slice(3, 3 + w))
    layer = {name: array[cut] for name, array in big.items()}
    plate = FacePlate(1, (64, 64), (3, 2, 3 + w, 2 + h), layer["rgba"], layer["mask"][..., 0],
                      {"glow": layer["glow"], "edge": layer["edge"][..., 0]}, {5: layer["face"]}, layer["stmap"])
    planes = pack_channels(plate, with_extra=True)
    names = tuple(planes)
    assert names == ("R", "G", "B", "A", "facemask.A", "track5.R", "track5.G", "track5.B", "track5.A", "edge.A",
                     "glow.R", "glow.G", "glow.B", "stmap.u", "stmap.v")
    assert all(p.shape == (h, w) and p.flags.c_contiguous for p in planes.values())
    assert [p.dtype for p in planes.values()] == [np.float16] * 13 + [np.float32] * 2
    expected = np.concatenate([layer[n] for n in ("rgba", "mask", "face", "edge", "glow", "stmap")], axis=2)
    assert np.array_equal(np.dstack([p.astype(np.float32) for p in planes.values()]),
                          np.concatenate([expected[..., :13].astype(np.float16), expected[..., 13:]], axis=2))
    pixels = np.dstack([p.astype(np.float32) for p in planes.values()])
    rgba, mask, extra, faces, stmap = unpack_channels(names, pixels, "test")
    assert np.array_equal(rgba, layer["rgba"].astype(np.float16)) and np.array_equal(mask, planes["facemask.A"])
    assert np.array_equal(extra["glow"], layer["glow"].astype(np.float16))
    assert np.array_equal(faces[5], layer["face"].astype(np.float16))
    assert np.array_equal(stmap, layer["stmap"])
    assert tuple(pack_channels(plate, with_extra=False)) == names[:9] + names[13:]
