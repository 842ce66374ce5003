"""Several faces' plates -> one plate with a layer per face; written and read back through EXR."""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.composite.faces import merge_face_plates
from ned_core.exceptions import ShapeError
from ned_core.io.exr import FacePlate, PlateMetadata, PlateWriteConfig, read_face_plate, write_face_plate


def _plate(window, value, alpha, frame=5):
    x0, y0, x1, y1 = window
    rgba = np.zeros((y1 - y0, x1 - x0, 4), np.float32)
    rgba[..., :3], rgba[..., 3] = value * alpha, alpha
    return FacePlate(frame, (64, 48), window, rgba, rgba[..., 3].copy())


def test_union_window_over_in_id_order_and_each_face_alone():
    a, b = _plate((4, 4, 20, 20), 1.0, 0.5), _plate((16, 10, 40, 30), 0.2, 1.0)
    merged = merge_face_plates({3: b, 1: a})
    assert merged.data_window == (4, 4, 40, 30)
    assert sorted(merged.faces) == [1, 3]
    # where both cover: face 1 (alpha 0.5) over face 3 (opaque): 0.5 * 1.0 + 0.5 * 0.2
    np.testing.assert_allclose(merged.rgba[15 - 4, 17 - 4], [0.6, 0.6, 0.6, 1.0], atol=1e-6)
    np.testing.assert_allclose(merged.rgba[5, 1], [0.5, 0.5, 0.5, 0.5])  # face 1 only
    assert merged.rgba[0, 30].max() == 0  # outside both windows
    np.testing.assert_array_equal(merged.faces[3][6:26, 12:36], b.rgba)
    assert merged.faces[3][:6].max() == 0 and merged.faces[1][16:].max() == 0
    np.testing.assert_allclose(merged.mask, merged.rgba[..., 3])


def test_layers_round_trip_through_exr(tmp_path):
    merged = merge_face_plates({0: _plate((4, 4, 20, 20), 1.0, 0.5), 2: _plate((16, 10, 40, 30), 0.2, 1.0)})
    path = write_face_plate(tmp_path / "p.0005.exr", merged, PlateMetadata(fps=24), PlateWriteConfig(compression="zip"))
    spec = oiio.ImageInput.open(str(path)).spec()
    assert {"track0.R", "track0.A", "track2.B", "track2.A", "facemask.A"} <= set(spec.channelnames)
    back, _ = read_face_plate(path)
    assert sorted(back.faces) == [0, 2] and back.extra == {}
    np.testing.assert_allclose(back.faces[2], merged.faces[2], atol=1e-3)
    padded, _ = read_face_plate(write_face_plate(tmp_path / "f.0005.exr", merged, PlateMetadata(fps=24),
                                                 PlateWriteConfig(compression="zip", full_frame=True)))
    assert padded.data_window == (0, 0, 64, 48) and padded.faces[0].shape == (48, 64, 4)


def test_plates_of_different_frames_are_refused():
    with pytest.raises(ShapeError, match="frame 6"):
        merge_face_plates({0: _plate((0, 0, 8, 8), 1.0, 1.0), 1: _plate((8, 8, 16, 16), 1.0, 1.0, frame=6)})
