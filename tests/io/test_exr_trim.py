"""Plate data windows trimmed to what the plate holds, on the DWA block grid: same picture, smaller files."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest
from skimage.data import astronaut

from ned_core.io.exr import FacePlate, PlateMetadata, PlateWriteConfig, read_face_plate, write_face_plate
from ned_core.io.exr_plate import DWA_BLOCK, trim_to_content

META = PlateMetadata(fps=Fraction(24), params={"emotion": "happy"})
WINDOW = (101, 37, 419, 405)  # odd origin: the grid is the window's own, not the frame's


def loose_plate(frame: int = 7) -> FacePlate:
    """The astronaut's face under a small soft ellipse inside a generous window (zero margins all round)."""
    image = astronaut().astype(np.float32) / 255.0  # (512, 512, 3)
    x0, y0, x1, y1 = WINDOW
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    alpha = np.clip(1.0 - ((xx - 243.0) / 61.0) ** 2 - ((yy - 190.0) / 83.0) ** 2, 0.0, 1.0).astype(np.float32)
    rgba = np.concatenate([image[y0:y1, x0:x1] * alpha[..., None], alpha[..., None]], axis=2)
    return FacePlate(frame, (512, 512), WINDOW, rgba, np.sqrt(alpha))


def write_untrimmed(path: Path, plate: FacePlate, compression: str) -> None:
    """The plate over its whole window, written straight with OpenImageIO (the reference)."""
    x0, y0, x1, y1 = plate.data_window
    spec = oiio.ImageSpec(x1 - x0, y1 - y0, 5, "half")
    spec.x, spec.y, spec.full_width, spec.full_height = x0, y0, *plate.display_size
    spec.channelnames = ("R", "G", "B", "A", "facemask.A")
    spec.attribute("compression", compression)
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), spec), out.geterror()
    assert out.write_image(np.dstack([plate.rgba, plate.mask]))
    assert out.close()


def display_pixels(path: Path) -> tuple[oiio.ImageSpec, np.ndarray]:
    """The file's spec and its pixels over the whole display window (zero outside the data window)."""
    buf = oiio.ImageBuf(str(path))
    spec = buf.spec()
    full = oiio.ImageBufAlgo.cut(buf, oiio.ROI(0, spec.full_width, 0, spec.full_height))
    return spec, full.get_pixels(oiio.FLOAT)


@pytest.mark.parametrize("compression", ["dwaa:45", "dwab:45", "zip"])
def test_trimmed_window_decodes_to_the_same_picture(tmp_path: Path, compression: str):
    plate = loose_plate()
    trimmed, reference = tmp_path / "trimmed.exr", tmp_path / "reference.exr"
    write_face_plate(trimmed, plate, META, PlateWriteConfig(compression=compression))
    write_untrimmed(reference, plate, compression)
    spec, got = display_pixels(trimmed)
    ref_spec, want = display_pixels(reference)
    assert (spec.full_x, spec.full_y, spec.full_width, spec.full_height) == (0, 0, 512, 512)  # display unchanged
    x0, y0, x1, y1 = spec.x, spec.y, spec.x + spec.width, spec.y + spec.height
    assert spec.width * spec.height < 0.7 * ref_spec.width * ref_spec.height  # the zero margins are gone
    assert (x0 - WINDOW[0]) % DWA_BLOCK == 0 and (y0 - WINDOW[1]) % DWA_BLOCK == 0
    assert (x1 - WINDOW[0]) % DWA_BLOCK == 0 or x1 == WINDOW[2]
    assert (y1 - WINDOW[1]) % DWA_BLOCK == 0 or y1 == WINDOW[3]
    assert WINDOW[0] <= x0 < x1 <= WINDOW[2] and WINDOW[1] <= y0 < y1 <= WINDOW[3]
    assert np.array_equal(got, want)  # bit-identical picture, margins included
    alpha = plate.rgba[..., 3]
    assert alpha[:, : x0 - WINDOW[0]].max() == 0 and alpha[: y0 - WINDOW[1]].max() == 0
    assert trimmed.stat().st_size < reference.stat().st_size
    back, _ = read_face_plate(trimmed)
    assert back.data_window == (x0, y0, x1, y1)


def test_full_window_content_and_stmap_plates_keep_their_window(tmp_path: Path):
    plate = loose_plate()
    full = FacePlate(plate.frame, plate.display_size, plate.data_window, plate.rgba + 0.01,
                     np.full_like(plate.mask, 0.5))
    assert trim_to_content(full, False).data_window == WINDOW
    path = write_face_plate(tmp_path / "st.exr", plate, META, PlateWriteConfig(stmap=True))
    assert read_face_plate(path)[0].data_window == WINDOW  # outside it a reader would see 0, not the identity


def test_an_all_zero_plate_keeps_one_transparent_pixel_and_debug_layers_count_only_when_written(tmp_path: Path):
    plate = loose_plate()
    blank = FacePlate(3, plate.display_size, WINDOW, np.zeros_like(plate.rgba), np.zeros_like(plate.mask))
    back, _ = read_face_plate(write_face_plate(tmp_path / "blank.exr", blank, META))
    assert back.data_window == (WINDOW[0], WINDOW[1], WINDOW[0] + 1, WINDOW[1] + 1) and not back.rgba.any()
    debug = FacePlate(3, plate.display_size, WINDOW, plate.rgba, plate.mask, {"debug.all": np.ones_like(plate.mask)})
    without = read_face_plate(write_face_plate(tmp_path / "a.exr", debug, META))[0]
    with_layers = read_face_plate(write_face_plate(tmp_path / "b.exr", debug, META,
                                                   PlateWriteConfig(write_debug_layers=True)))[0]
    assert without.data_window != WINDOW and not without.extra
    assert with_layers.data_window == WINDOW and with_layers.extra["debug.all"].min() == 1.0


def test_plates_are_read_back_without_openimageios_exr_thread_pool(tmp_path: Path):
    read_face_plate(write_face_plate(tmp_path / "p.exr", loose_plate(), META))
    assert oiio.get_int_attribute("exr_threads") == -1


@pytest.mark.parametrize("where", ["R", "A", "mask", "face", "extra"])
def test_any_nonzero_sample_of_any_channel_is_kept_and_negative_zero_is_not(where: str):
    """A single sample (a denormal, or a negative one) in any channel or layer keeps its block; -0.0 keeps none."""
    h, w = 64, 80
    rgba, mask = np.zeros((h, w, 4), np.float32), np.zeros((h, w), np.float32)
    rgba[10:20, 10:20] = 0.5
    mask[10:20, 10:20] = 1.0
    rgba[60, 75, :] = -0.0
    mask[62, 2] = -0.0
    faces, extra = {}, {}
    tiny = np.float32(1e-42)  # a denormal: not zero
    if where == "R":
        rgba[50, 70, 0] = tiny
    elif where == "A":
        rgba[50, 70, 3] = -tiny
    elif where == "mask":
        mask[50, 70] = tiny
    elif where == "face":
        faces[3] = np.zeros((h, w, 4), np.float32)
        faces[3][50, 70, 2] = tiny
    else:
        extra["debug.warp"] = np.zeros((h, w), np.float32)
        extra["debug.warp"][50, 70] = -tiny
    plate = FacePlate(1, (200, 200), (100, 100, 100 + w, 100 + h), rgba, mask, extra, faces)
    trimmed = trim_to_content(plate, with_extra=True)
    assert trimmed.data_window == (100 + 8, 100 + 8, 100 + 72, 100 + 56)  # rows 10..50, columns 10..70 on 8x8 blocks
    clean = FacePlate(1, (200, 200), (100, 100, 100 + w, 100 + h), rgba * (rgba != -0.0), mask)
    clean.rgba[50, 70] = 0.0
    clean.mask[50, 70] = 0.0
    assert trim_to_content(clean, with_extra=False).data_window == (108, 108, 124, 124)  # -0.0 samples keep nothing
