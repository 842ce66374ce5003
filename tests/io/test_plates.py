"""open_plates on real files: shot description, working-space pixels, alpha, bad input, bounded memory."""

from __future__ import annotations

import shutil
import struct
import tracemalloc
import weakref
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import matplotlib.image
from matplotlib import cbook

from ned_core.exceptions import (FrameRangeError, FrameReadError, ImageSizeError, PlateOptionError,
                                 SourceClosedError, SourceNotFoundError, UnsupportedFormatError)
from ned_core.io import image_source
from ned_core.io.colour import ColourConfig, ColourTransforms
from ned_core.io.plates import open_plates

SRGB = "sRGB Encoded Rec.709 (sRGB)"


def _expected_exr_rgb(astronaut: np.ndarray, number: int) -> np.ndarray:
    """What the ``exr_sequence`` fixture stored for frame ``number`` (half precision)."""
    linear = (astronaut.astype(np.float32) / 255.0) ** 2.2
    return (linear * (number - 1000) / 10.0).astype(np.float16).astype(np.float32)


def test_exr_sequence_info_pixels_and_metadata(exr_sequence, astronaut):
    with open_plates(exr_sequence) as source:
        info = source.info
        assert info.path == str(exr_sequence)
        assert (info.kind, info.frames) == ("sequence", tuple(range(1001, 1011)))
        assert (info.width, info.height, info.channels, info.pixel_type) == (128, 96, 4, "half")
        assert info.fps == Fraction(24000, 1001) and info.timecode == "01:00:00:00"
        assert info.colourspace == "ACEScg" and info.has_alpha and len(source) == 10
        numbers = []
        for frame in source:
            numbers.append(frame.number)
            assert frame.rgb.dtype == np.float32 and frame.rgb.shape == (96, 128, 3)
            assert np.array_equal(frame.rgb, _expected_exr_rgb(astronaut, frame.number))  # scene-linear: as stored
            assert frame.alpha.shape == (96, 128) and np.all(frame.alpha == 1.0)
        assert numbers == list(range(1001, 1011))
        assert np.array_equal(source.read(1003).rgb, _expected_exr_rgb(astronaut, 1003))  # random access
    with open_plates(exr_sequence, frames="1004-1006") as later:
        assert later.info.timecode == "01:00:00:03"  # the first frame's own timeCode


def test_exr_colour_interop_id_and_explicit_working_space(tmp_path, image_writer):
    red = np.zeros((4, 4, 3), np.float32)
    red[..., 0] = 2.0
    image_writer(tmp_path / "red.exr", red.astype(np.float16), {"colorInteropID": "lin_rec709_scene"})
    with open_plates(tmp_path / "red.exr") as source:
        assert source.info.colourspace == "Linear Rec.709 (sRGB)"
        assert np.allclose(source.read(1).rgb[0, 0], [2 * 0.61310, 2 * 0.07019, 2 * 0.02062], atol=1e-3)  # ACEScg
    config = ColourConfig(working_space="lin_rec709", input_space="ACEScg")
    with open_plates(tmp_path / "red.exr", colour=config) as source:
        assert source.info.colourspace == "ACEScg"
        assert source.colour.working_space == "Linear Rec.709 (sRGB)"


@pytest.mark.parametrize(("name", "dtype"), [("astro.png", np.uint8), ("astro.tif", np.uint16),
                                             ("astro.exr", np.float16)])
def test_source_to_working_to_output_round_trip(tmp_path, image_writer, astronaut, name, dtype):
    """8-bit and 16-bit sRGB and linear half sources come back exactly within half precision."""
    if dtype == np.uint16:
        stored = astronaut.astype(np.uint16) * 257 + 3
    elif dtype == np.uint8:
        stored = astronaut
    else:
        stored = ((astronaut / 255.0) ** 2.2 * 4.0).astype(np.float16)
    image_writer(tmp_path / name, stored)
    scale = 1.0 if dtype == np.float16 else float(np.iinfo(dtype).max)
    truth = stored.astype(np.float32) / scale
    with open_plates(tmp_path / name) as source:
        frame = source.read(1)
        out = source.colour.from_working(frame.rgb, source.colour.output_space(source.info.colourspace))
    magnitude = np.maximum(truth.max(axis=-1, keepdims=True), np.finfo(np.float16).tiny)
    assert np.max(np.abs(out - truth) / magnitude) < np.finfo(np.float16).eps
    if dtype != np.float16:
        assert np.array_equal(np.rint(out * scale), stored)  # every code value survives


def test_still_numbering_and_frames(tmp_path, image_writer, astronaut):
    photo = Path(tmp_path / "grace_hopper.jpg")
    shutil.copy(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False), photo)
    with open_plates(photo) as source:
        info = source.info
        assert (info.kind, info.frames, info.pixel_type, info.colourspace) == ("still", (1,), "uint8", SRGB)
        assert (info.width, info.height, info.fps, info.timecode) == (512, 600, None, None)
        decoded = source.colour.working_to_srgb8(source.read(1).rgb)
    reference = matplotlib.image.imread(photo)  # Pillow's JPEG decoder
    assert np.abs(decoded.astype(int) - reference).mean() < 1.0
    image_writer(tmp_path / "plate.1001.png", astronaut)
    with open_plates(tmp_path / "plate.1001.png") as named:
        assert named.info.frames == (1001,)
        assert np.array_equal(named.colour.working_to_srgb8(named.read(1001).rgb), astronaut)
    with open_plates(tmp_path / "plate.1001.png", start_frame=50) as renumbered:
        assert renumbered.info.frames == (50,)
    with pytest.raises(FrameRangeError, match=r"single image \(frame 1001\).*shot.####.exr"):
        open_plates(tmp_path / "plate.1001.png", frames="1001-1010")


def test_missing_sources_and_unknown_extensions(tmp_path, image_writer, astronaut):
    with pytest.raises(SourceNotFoundError, match="missing.exr"):
        open_plates(tmp_path / "missing.exr")
    with pytest.raises(SourceNotFoundError, match="movie file not found"):
        open_plates(tmp_path / "missing.mov")
    with pytest.raises(SourceNotFoundError, match=r"no files match .*none\.%04d\.exr"):
        open_plates(tmp_path / "none.####.exr")
    (tmp_path / "notes.xyz").write_text("hello")
    with pytest.raises(UnsupportedFormatError, match=r"'\.xyz' is not supported.*\.exr.*\.mov"):
        open_plates(tmp_path / "notes.xyz")
    with pytest.raises(UnsupportedFormatError, match="is a folder"):
        open_plates(tmp_path)
    image_writer(tmp_path / "s.0001.png", astronaut)
    with pytest.raises(PlateOptionError, match="start_frame"):
        open_plates(tmp_path / "s.####.png", start_frame=1)


def test_corrupt_frame_raises_when_that_frame_is_read(exr_sequence):
    bad = exr_sequence.with_name("shot.1005.exr")
    bad.write_bytes(bad.read_bytes()[:2000])  # truncated: header intact, pixels missing
    with open_plates(exr_sequence) as source:  # opening reads only the first frame's header
        read = []
        with pytest.raises(FrameReadError, match=r"shot\.1005\.exr frame 1005: cannot decode"):
            for frame in source:
                read.append(frame.number)
        assert read == [1001, 1002, 1003, 1004]
        assert source.read(1006).number == 1006  # the rest of the shot stays readable
    first = exr_sequence.with_name("shot.1001.exr")
    first.write_bytes(b"")
    with pytest.raises(FrameReadError, match=r"shot\.1001\.exr frame 1001: cannot open"):
        open_plates(exr_sequence)


def test_zero_size_and_oversized_images(tmp_path, image_writer, astronaut):
    image_writer(tmp_path / "wide.png", np.zeros((1, 16385, 3), np.uint8))
    with pytest.raises(ImageSizeError, match=r"16385x1; sizes from 1x1 to 16384x16384"):
        open_plates(tmp_path / "wide.png")
    dpx = image_writer(tmp_path / "empty.dpx", astronaut.astype(np.uint16))
    header = bytearray(dpx.read_bytes())
    header[772:776] = struct.pack("<I", 0)  # DPX image header: pixels per line = 0
    dpx.write_bytes(bytes(header))
    with pytest.raises(ImageSizeError, match="empty.dpx"):
        open_plates(dpx)


def test_grey_images_are_replicated_to_rgb(tmp_path, image_writer, astronaut):
    grey = astronaut[..., 1]
    image_writer(tmp_path / "grey.png", grey)
    with open_plates(tmp_path / "grey.png") as source:
        assert source.info.channels == 1 and not source.info.has_alpha
        rgb = source.read(1).rgb
        assert np.array_equal(source.colour.working_to_srgb8(rgb), np.repeat(grey[..., None], 3, axis=2))
    image_writer(tmp_path / "grey_alpha.png", np.dstack([grey, np.full_like(grey, 255)]), straight_alpha=True)
    with open_plates(tmp_path / "grey_alpha.png") as source:
        assert source.info.channels == 2
        frame = source.read(1)
        assert np.all(frame.alpha == 1.0) and np.allclose(frame.rgb[..., 0], frame.rgb[..., 2])


def test_straight_alpha_is_linearised_then_premultiplied(tmp_path, image_writer, astronaut):
    alpha = np.tile(np.linspace(0, 255, 128).astype(np.uint8), (96, 1))
    image_writer(tmp_path / "matte.png", np.dstack([astronaut, alpha]), straight_alpha=True)
    colour = ColourTransforms()
    straight = colour.to_working(astronaut.astype(np.float32) / 255.0, SRGB)
    with open_plates(tmp_path / "matte.png") as source:
        assert source.info.channels == 4
        frame = source.read(1)
    assert np.array_equal(np.rint(frame.alpha * 255), alpha)
    assert np.allclose(frame.rgb, straight * frame.alpha[..., None], atol=1e-6)


def test_premultiplied_exr_alpha_is_kept_as_is(tmp_path, image_writer):
    rgba = np.zeros((8, 8, 4), np.float16)
    rgba[..., :3], rgba[..., 3] = 0.25, 0.5
    image_writer(tmp_path / "premult.exr", rgba)
    with open_plates(tmp_path / "premult.exr") as source:
        frame = source.read(1)
    assert np.all(frame.rgb == 0.25) and np.all(frame.alpha == 0.5)


def test_exr_windows_and_layers(tmp_path, image_writer):
    import OpenImageIO as oiio

    spec = oiio.ImageSpec(10, 6, 6, "half")
    spec.x, spec.y, spec.full_x, spec.full_y, spec.full_width, spec.full_height = 30, 20, 0, 0, 64, 48
    spec.channelnames = ("R", "G", "B", "A", "diffuse.R", "depth.Z")
    out = oiio.ImageOutput.create(str(tmp_path / "box.exr"))
    out.open(str(tmp_path / "box.exr"), spec)
    out.write_image(np.full((6, 10, 6), 0.5, np.float16))
    out.close()
    with open_plates(tmp_path / "box.exr") as source:
        info = source.info
        assert (info.width, info.height, info.channels) == (64, 48, 4)  # display window, extra layers ignored
        frame = source.read(1)
    assert np.all(frame.rgb[20:26, 30:40] == 0.5) and np.all(frame.alpha[20:26, 30:40] == 0.5)
    assert frame.rgb.sum() == pytest.approx(0.5 * 60 * 3) and frame.alpha.sum() == pytest.approx(0.5 * 60)
    image_writer(tmp_path / "aov.exr", np.zeros((4, 4, 3), np.float16), channelnames=("beauty.R", "beauty.G",
                                                                                       "beauty.B"))
    with pytest.raises(UnsupportedFormatError, match="beauty.R"):
        open_plates(tmp_path / "aov.exr")


def test_frame_size_or_alpha_differing_from_the_first_frame(tmp_path, image_writer, numbered_image):
    for n in (1, 2, 3):
        image_writer(tmp_path / f"f.{n:04d}.png", numbered_image(n, height=48 if n != 2 else 50))
    image_writer(tmp_path / "f.0004.png", np.dstack([numbered_image(4), np.full((48, 64), 255, np.uint8)]))
    with open_plates(tmp_path / "f.####.png") as source:
        assert source.read(1).rgb.shape == (48, 64, 3)
        with pytest.raises(FrameReadError, match=r"f\.0002\.png frame 2: frame is 64x50 but the shot is 64x48"):
            source.read(2)
        assert source.read(3).number == 3
        with pytest.raises(FrameReadError, match="frame has alpha"):
            source.read(4)


def test_dpx_frame_rate_and_timecode(tmp_path, image_writer, astronaut):
    attrs = {"dpx:FrameRate": 23.976, "smpte:TimeCode": ("timecode", (0x10203004, 0))}
    image_writer(tmp_path / "scan.0100.dpx", astronaut.astype(np.uint16) * 257, attrs)
    with open_plates(tmp_path / "scan.%04d.dpx") as source:
        assert source.info.fps == Fraction(24000, 1001)
        assert source.info.timecode == "10:20:30:04"
        assert source.info.pixel_type == "uint16"


def test_read_outside_shot_and_after_close(exr_sequence):
    source = open_plates(exr_sequence, frames="1001-1003")
    assert "1001-1003" in repr(source)
    with pytest.raises(FrameRangeError, match="frame 1004 is not in the shot"):
        source.read(1004)
    source.close()
    with pytest.raises(SourceClosedError):
        source.read(1001)


def test_long_sequence_streams_with_bounded_memory(tmp_path, image_writer, numbered_image, monkeypatch):
    """200 frames stream through with a peak of a few frames beyond the copies the source keeps for window reads
    (``image_source.KEEP_DECODED_BYTES``), and none of the frames it returned is held."""
    count, height, width = 200, 128, 160
    for n in range(count):
        image_writer(tmp_path / f"long.{n + 1:04d}.png", numbered_image(n, height=height, width=width))
    frame_bytes = height * width * 3 * 4
    monkeypatch.setattr(image_source, "KEEP_DECODED_BYTES", 3 * frame_bytes)
    refs = []
    with open_plates(tmp_path / "long.####.png") as source:
        tracemalloc.start()
        try:
            for frame in source:
                code = source.colour.working_to_srgb8(frame.rgb[:1, :1])[0, 0, 0]
                assert code == (frame.number - 1) * 7 % 256  # each file decodes in order
                refs.append(weakref.ref(frame.rgb))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        del frame
        assert len(refs) == count
        assert sum(ref() is not None for ref in refs) == 0  # nothing decoded is held by the source
    assert peak < (4 + 3) * frame_bytes, f"peak {peak / frame_bytes:.1f} frames for a {count}-frame shot"


def test_read_display8_matches_the_colour_managed_path(tmp_path):
    """The analysis shortcut equals working_to_srgb8(read()) for sRGB and linear sources."""
    import OpenImageIO as oiio

    from ned_core.io.plates import open_plates

    rng = np.random.default_rng(0)
    png = tmp_path / "s.0001.png"
    oiio.ImageBuf(rng.integers(0, 256, (16, 24, 3), dtype=np.uint8)).write(str(png))
    exr = tmp_path / "l.0001.exr"
    oiio.ImageBuf(rng.random((16, 24, 3), dtype=np.float32) * 1.5).write(str(exr))
    for path in (png, exr):
        with open_plates(path) as plates:
            slow = plates.colour.working_to_srgb8(plates.read(1).rgb)
            fast = plates.read_display8(1)
        assert fast.dtype == np.uint8 and fast.shape == (16, 24, 3)
        assert np.abs(fast.astype(int) - slow.astype(int)).max() <= 1, path


def test_read_window_equals_the_crop_of_the_whole_frame(tmp_path):
    """Colour-managing a window gives exactly the pixels of the whole frame there (origin recorded)."""
    import OpenImageIO as oiio

    from ned_core.exceptions import FrameRangeError
    from ned_core.io.plates import open_plates

    rng = np.random.default_rng(1)
    path = tmp_path / "a.0007.png"
    oiio.ImageBuf(rng.integers(0, 256, (40, 60, 4), dtype=np.uint8)).write(str(path))
    with open_plates(path) as plates:
        whole = plates.read(7)
        part = plates.read(7, window=(-5, 10, 30, 100))
        with pytest.raises(FrameRangeError, match="outside"):
            plates.read(7, window=(70, 0, 90, 10))
    assert part.origin == (0, 10) and part.rgb.shape == (30, 30, 3)
    np.testing.assert_array_equal(part.rgb, whole.rgb[10:40, 0:30])
    np.testing.assert_array_equal(part.alpha, whole.alpha[10:40, 0:30])


def test_open_existing_skips_gaps_and_keeps_the_pattern_range(exr_sequence, movie):
    from ned_core.exceptions import MissingFramesError
    from ned_core.io.image_source import open_existing

    (exr_sequence.parent / "shot.1004.exr").unlink()
    with pytest.raises(MissingFramesError, match="1004"):
        open_plates(exr_sequence)
    with open_existing(exr_sequence, ColourTransforms()) as source:
        assert source.info.frames == (1001, 1002, 1003, *range(1005, 1011))
        assert source.read(1005).rgb.shape == (96, 128, 3)
    with open_existing(exr_sequence.parent / "shot.1002-1006#.exr", ColourTransforms()) as source:
        assert source.info.frames == (1002, 1003, 1005, 1006)
    with pytest.raises(SourceNotFoundError, match="range"):
        open_existing(exr_sequence.parent / "shot.1004-1004#.exr", ColourTransforms())
    with open_plates(movie, frames="12-14", start_frame=10) as part:
        assert part.start_frame == 10
