"""The plates' STMap layer: float stmap.u/v in Nuke's convention, exact through DWA, identity where nothing moves."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.composite.faces import merge_face_plates
from ned_core.io.exr import PlateWriteConfig, empty_plate, read_face_plate, write_face_plate
from ned_core.io.stmap import identity_stmap, warp_stmap

from test_exr import META, astronaut_plate, open_spec

W, H = 512, 512


def _nuke_uv(x: float, y: float) -> tuple[float, float]:
    """Nuke's STMap value of the centre of top-down pixel (x, y): 0 bottom-left corner, 1 top-right corner."""
    return (x + 0.5) / W, ((H - 1 - y) + 0.5) / H


def test_identity_is_each_pixel_centre_in_nukes_convention():
    stmap = identity_stmap((10, 20, 13, 22), (W, H))
    assert stmap.shape == (2, 3, 2) and stmap.dtype == np.float32
    np.testing.assert_allclose(stmap[0, 0], _nuke_uv(10, 20), atol=1e-7)
    np.testing.assert_allclose(stmap[1, 2], _nuke_uv(12, 21), atol=1e-7)


def test_the_warp_is_weighted_by_the_mask_and_identity_outside_its_box():
    window, box = (100, 100, 140, 130), (110, 105, 150, 125)
    ys, xs = np.mgrid[105:125, 110:150].astype(np.float32)
    weight = np.zeros((30, 40), np.float32)
    weight[10:20, 15:25] = 1.0
    weight[10:20, 25:30] = 0.5
    stmap = warp_stmap(window, (W, H), box, xs + 4.0, ys - 2.0, weight)  # samples 4 px right, 2 px up
    identity = identity_stmap(window, (W, H))
    np.testing.assert_array_equal(stmap[weight == 0], identity[weight == 0])
    np.testing.assert_allclose(stmap[15, 20], _nuke_uv(100 + 20 + 4, 100 + 15 - 2), atol=1e-6)
    np.testing.assert_allclose(stmap[15, 27], _nuke_uv(100 + 27 + 2, 100 + 15 - 1), atol=1e-6)


@pytest.mark.parametrize("compression", ["dwaa:45", "zip"])
def test_stmap_layer_is_float_and_exact_through_lossy_compression(tmp_path, compression):
    plate = astronaut_plate()
    x0, y0, x1, y1 = plate.data_window
    rng = np.random.default_rng(0)
    plate.stmap = identity_stmap(plate.data_window, (W, H)) + rng.normal(0, 1e-3, (y1 - y0, x1 - x0, 2)).astype(
        np.float32)
    path = write_face_plate(tmp_path / "f.exr", plate, META, PlateWriteConfig(compression=compression))
    spec = open_spec(path)
    formats = dict(zip(spec.channelnames, (str(f) for f in spec.channelformats)))
    assert formats["stmap.u"] == formats["stmap.v"] == "float" and formats["R"] == formats["facemask.A"] == "half"
    assert (spec.x, spec.y, spec.width, spec.height) == (x0, y0, x1 - x0, y1 - y0)
    assert (spec.full_width, spec.full_height) == (W, H)
    assert "Nuke STMap convention" in spec.get_string_attribute("ned/stmap")
    back, _ = read_face_plate(path)
    np.testing.assert_array_equal(back.stmap, plate.stmap)  # bit-exact: DWA leaves u/v channels lossless


def test_without_stmap_nothing_changes(tmp_path):
    path = write_face_plate(tmp_path / "f.exr", astronaut_plate(), META)
    spec = open_spec(path)
    assert not [n for n in spec.channelnames if n.startswith("stmap")] and spec.get_string_attribute("ned/stmap") == ""
    assert read_face_plate(path)[0].stmap is None


@pytest.mark.parametrize("full_frame", [False, True])
def test_plates_without_a_map_get_the_identity_so_every_frame_has_the_layer(tmp_path, full_frame):
    """A frame without a face still carries stmap.u/v (a sequence with holes in a layer reads as zeros in Nuke)."""
    path = write_face_plate(tmp_path / "e.exr", empty_plate(1001, (W, H)), META,
                            PlateWriteConfig(stmap=True, full_frame=full_frame))
    back, _ = read_face_plate(path)
    np.testing.assert_array_equal(back.stmap, identity_stmap(back.data_window, (W, H)))
    assert back.data_window == ((0, 0, W, H) if full_frame else (0, 0, 1, 1))


def test_full_frame_pads_the_map_with_the_identity(tmp_path):
    plate = astronaut_plate()
    x0, y0, x1, y1 = plate.data_window
    plate.stmap = identity_stmap(plate.data_window, (W, H)) + np.float32(0.01)
    back, _ = read_face_plate(write_face_plate(tmp_path / "f.exr", plate, META, PlateWriteConfig(full_frame=True)))
    expected = identity_stmap((0, 0, W, H), (W, H))
    expected[y0:y1, x0:x1] = plate.stmap
    np.testing.assert_array_equal(back.stmap, expected)


def test_faces_merge_their_maps_where_they_move_pixels():
    left, right = astronaut_plate(), astronaut_plate()
    right.data_window = tuple(v + 100 if i % 2 == 0 else v for i, v in enumerate(left.data_window))
    for plate, shift in ((left, 0.01), (right, -0.02)):
        plate.stmap = identity_stmap(plate.data_window, (W + 200, H))
        plate.stmap[40:60, 40:60] += np.float32(shift)
        plate.display_size = (W + 200, H)
    merged = merge_face_plates({3: left, 5: right})
    mx0, my0 = merged.data_window[:2]
    for plate, shift in ((left, 0.01), (right, -0.02)):
        x0, y0 = plate.data_window[:2]
        block = merged.stmap[y0 - my0 + 40:y0 - my0 + 60, x0 - mx0 + 40:x0 - mx0 + 60]
        np.testing.assert_allclose(block, identity_stmap((x0 + 40, y0 + 40, x0 + 60, y0 + 60), (W + 200, H)) + shift,
                                   atol=1e-6)
