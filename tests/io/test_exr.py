"""EXR face plates written and read back for real with OpenImageIO (and oiiotool)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest
from skimage.data import astronaut

from ned_core.exceptions import (
    FacePlateFormatError,
    PlateCompressionError,
    PlateInspectError,
    PlateWriteError,
    ShapeError,
)
from ned_core.io.exr import (
    FacePlate,
    PlateMetadata,
    PlateWriteConfig,
    empty_plate,
    face_data_window,
    read_face_plate,
    write_face_plate,
    write_frame_exr,
)
from ned_core.io.exr_compression import COMPRESSIONS

META = PlateMetadata(fps=Fraction(24000, 1001), timecode="01:00:00:05", cap_date="2024:05:01 12:00:00",
                     params={"emotion": "happy", "seed": 7})


def astronaut_plate(frame: int = 1001) -> FacePlate:
    """The astronaut's face as a premultiplied plate with a soft elliptical alpha and a debug layer."""
    image = astronaut().astype(np.float32) / 255.0  # (512, 512, 3)
    box = (170.0, 40.0, 300.0, 200.0)
    x0, y0, x1, y1 = face_data_window(box, (512, 512), 0.15)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    ellipse = ((xx - 235.0) / 80.0) ** 2 + ((yy - 120.0) / 100.0) ** 2
    alpha = np.clip(1.2 - ellipse, 0.0, 1.0).astype(np.float32)
    rgba = np.concatenate([image[y0:y1, x0:x1] * alpha[..., None], alpha[..., None]], axis=2)
    return FacePlate(frame, (512, 512), (x0, y0, x1, y1), rgba, np.sqrt(alpha),
                     {"debug.warp": image[y0:y1, x0:x1].copy(), "debug.landmarks": (ellipse < 0.05).astype(np.float32)})


def open_spec(path: Path) -> oiio.ImageSpec:
    inp = oiio.ImageInput.open(str(path))
    assert inp is not None, oiio.geterror()
    spec = inp.spec()
    inp.close()
    return spec


def as_half(array: np.ndarray) -> np.ndarray:
    return array.astype(np.float16).astype(np.float32)


def test_windows_channels_and_half_types(tmp_path: Path):
    plate = astronaut_plate()
    path = write_face_plate(tmp_path / "shot.1001.exr", plate, META, PlateWriteConfig(write_debug_layers=True))
    spec = open_spec(path)
    assert (spec.full_x, spec.full_y, spec.full_width, spec.full_height) == (0, 0, 512, 512)
    x0, y0, x1, y1 = plate.data_window
    assert (spec.x, spec.y, spec.width, spec.height) == (x0, y0, x1 - x0, y1 - y0)
    assert 0 < x0 and x1 < 512 and 0 < y0 and y1 < 512  # a real sub-window, not the frame
    # OpenEXR sorts channels by name; OpenImageIO lists R, G, B, A first, then layers by name.
    assert spec.channelnames == ("R", "G", "B", "A", "debug.landmarks.A", "debug.warp.R", "debug.warp.G",
                                 "debug.warp.B", "facemask.A")
    assert spec.format == oiio.TypeHalf and not spec.channelformats
    assert spec.alpha_channel == 3


def test_without_extras_channel_order_is_rgba_then_mask(tmp_path: Path):
    path = write_face_plate(tmp_path / "p.exr", astronaut_plate(), META)  # debug layers off by default
    assert open_spec(path).channelnames == ("R", "G", "B", "A", "facemask.A")
    plate, _ = read_face_plate(path)
    assert plate.extra == {}


def test_dwaa_round_trip_keeps_alpha_and_mask_exact(tmp_path: Path):
    plate = astronaut_plate()
    path = write_face_plate(tmp_path / "p.exr", plate, META, PlateWriteConfig(write_debug_layers=True))
    back, _ = read_face_plate(path)
    assert back.frame == 1001 and back.display_size == (512, 512) and back.data_window == plate.data_window
    np.testing.assert_array_equal(back.rgba[..., 3], as_half(plate.rgba[..., 3]))  # DWA: A channels lossless
    np.testing.assert_array_equal(back.mask, as_half(plate.mask))
    np.testing.assert_array_equal(back.extra["debug.landmarks"], plate.extra["debug.landmarks"])
    colour_error = np.abs(back.rgba[..., :3] - plate.rgba[..., :3])
    assert colour_error.mean() < 0.005 and colour_error.max() < 0.1  # DWA is lossy on R/G/B only
    assert back.extra["debug.warp"].shape == plate.extra["debug.warp"].shape


@pytest.mark.parametrize("compression", ["none", "zip", "piz"])
def test_lossless_compressions_round_trip_exactly(tmp_path: Path, compression: str):
    plate = astronaut_plate()
    path = write_face_plate(tmp_path / "p.exr", plate, META, PlateWriteConfig(compression, write_debug_layers=True))
    back, _ = read_face_plate(path)
    np.testing.assert_array_equal(back.rgba, as_half(plate.rgba))
    np.testing.assert_array_equal(back.extra["debug.warp"], as_half(plate.extra["debug.warp"]))


def test_half_rounding_is_numpys_to_the_bit(tmp_path: Path):
    """Ties, subnormals and the largest half: the file holds exactly what numpy's float16 rounding gives."""
    plate = astronaut_plate()
    tricky = np.array([1 + 2**-11, 1 + 3 * 2**-11, 2**-24, 2**-25, 3 * 2**-26, 1e-30, 65504, 65503, 2**-14, 0.1],
                      np.float32)
    rgba = plate.rgba.copy()
    rgba.reshape(-1)[: 2 * tricky.size] = np.concatenate([tricky, -tricky])
    plate = FacePlate(plate.frame, plate.display_size, plate.data_window, rgba, plate.mask)
    back, _ = read_face_plate(write_face_plate(tmp_path / "p.exr", plate, META, PlateWriteConfig("zip")))
    assert np.array_equal(back.rgba.astype(np.float16).view(np.uint16), rgba.astype(np.float16).view(np.uint16))


def test_every_half_tie_rounds_as_numpy_does(tmp_path: Path):
    """Every finite half value, the float32 halfway between it and the next half up, and one float32 step either
    side of that (both signs): plates and composites hold exactly what numpy's float16 rounding gives."""
    halves = np.arange(0x7BFF, dtype=np.uint16).view(np.float16).astype(np.float32)  # 0 .. the half below 65504
    upper = np.arange(1, 0x7C00, dtype=np.uint16).view(np.float16).astype(np.float32)
    ties = (halves + upper) / 2  # exact in float32
    values = np.concatenate([halves, ties, np.nextafter(ties, np.float32(0)), np.nextafter(ties, np.float32(np.inf))])
    values = np.concatenate([values, -values, np.float32([65504.0, -65504.0])])
    width = 512
    rgba = np.zeros((-(-values.size // (4 * width)), width, 4), np.float32)
    rgba.reshape(-1)[:values.size] = values
    h, w = rgba.shape[:2]
    plate = FacePlate(1001, (w, h), (0, 0, w, h), rgba, np.zeros((h, w), np.float32))
    back, _ = read_face_plate(write_face_plate(tmp_path / "p.exr", plate, META, PlateWriteConfig("none")))
    assert np.array_equal(back.rgba.astype(np.float16).view(np.uint16), rgba.astype(np.float16).view(np.uint16))
    frame = write_frame_exr(tmp_path / "c.exr", 1001, rgba[..., :3], rgba[..., 3], META, "none")
    inp = oiio.ImageInput.open(str(frame))
    stored = inp.read_image(0, 0, 0, 4, "half")
    inp.close()
    assert np.array_equal(stored.view(np.uint16), rgba.astype(np.float16).view(np.uint16))


@pytest.mark.parametrize(("asked", "method", "level"), [
    ("dwaa:45", "dwaa", 45.0), ("DWAA", "dwaa", 45.0), ("dwab:100", "dwab", 100.0),
    *[(name, name, None) for name in COMPRESSIONS if not name.startswith("dwa")],
])
def test_compression_header_is_what_was_asked(tmp_path: Path, asked: str, method: str, level: float | None):
    path = write_face_plate(tmp_path / "p.exr", empty_plate(1, (64, 48)), META, PlateWriteConfig(asked))
    spec = open_spec(path)
    assert spec.get_string_attribute("compression") == method
    assert spec.getattribute("openexr:dwaCompressionLevel") == level


def test_default_is_dwaa_45_and_smaller_than_zip(tmp_path: Path):
    plate = astronaut_plate()
    dwa = write_face_plate(tmp_path / "dwa.exr", plate, META)
    zip_ = write_face_plate(tmp_path / "zip.exr", plate, META, PlateWriteConfig("zip"))
    assert open_spec(dwa).get_string_attribute("compression") == "dwaa"
    assert dwa.stat().st_size < zip_.stat().st_size


@pytest.mark.parametrize("bad", ["dwaa:fast", "htj2k", "b44", "zip:9", "dwab:0", "lzw", ""])
def test_invalid_compression_fails_before_writing(tmp_path: Path, bad: str):
    with pytest.raises(PlateCompressionError, match="compression"):
        write_face_plate(tmp_path / "p.exr", empty_plate(1, (64, 48)), META, PlateWriteConfig(bad))
    assert list(tmp_path.iterdir()) == []


def test_premultiplied_colour_is_not_unpremultiplied(tmp_path: Path):
    rgba = np.zeros((4, 4, 4), np.float32)
    rgba[...] = (0.25, 0.125, 0.0625, 0.5)  # premultiplied: straight colour would be (0.5, 0.25, 0.125)
    plate = FacePlate(3, (16, 16), (2, 2, 6, 6), rgba, np.full((4, 4), 0.5, np.float32))
    path = write_face_plate(tmp_path / "p.exr", plate, META, PlateWriteConfig("zip"))
    back, _ = read_face_plate(path)
    np.testing.assert_array_equal(back.rgba, rgba)
    buf = oiio.ImageBuf(str(path))  # what a host reading through OpenImageIO sees
    assert buf.getpixel(3, 3)[:4] == (0.25, 0.125, 0.0625, 0.5)


def test_full_frame_pads_with_zeros(tmp_path: Path):
    plate = astronaut_plate()
    path = write_face_plate(tmp_path / "p.exr", plate, META, PlateWriteConfig(full_frame=True))
    spec = open_spec(path)
    assert (spec.x, spec.y, spec.width, spec.height) == (0, 0, 512, 512)
    back, _ = read_face_plate(path)
    x0, y0, x1, y1 = plate.data_window
    np.testing.assert_array_equal(back.mask[y0:y1, x0:x1], as_half(plate.mask))
    outside = np.ones((512, 512), bool)
    outside[y0:y1, x0:x1] = False
    assert not back.rgba[outside][:, 3].any() and not back.mask[outside].any()  # A channels: exact zeros
    assert np.abs(back.rgba[outside]).max() < 1e-4  # DWA's lossy R/G/B leave at most tiny ringing


@pytest.mark.parametrize("full_frame", [False, True])
def test_empty_plate_is_a_valid_transparent_plate(tmp_path: Path, full_frame: bool):
    path = write_face_plate(tmp_path / "p.exr", empty_plate(12, (1920, 1080)), META,
                            PlateWriteConfig(full_frame=full_frame))
    back, meta = read_face_plate(path)
    assert back.frame == 12 and back.display_size == (1920, 1080) and meta == META
    assert back.data_window == ((0, 0, 1920, 1080) if full_frame else (0, 0, 1, 1))
    assert not back.rgba.any() and not back.mask.any()


def test_rewriting_gives_identical_bytes(tmp_path: Path):
    plate = astronaut_plate()
    a = write_face_plate(tmp_path / "a.exr", plate, META)
    b = write_face_plate(tmp_path / "b.exr", plate, META)
    assert a.read_bytes() == b.read_bytes()  # no "now" timestamp anywhere


_FAILING_WRITE = textwrap.dedent("""
    import resource, signal, sys
    from fractions import Fraction
    import numpy as np
    from ned_core.exceptions import PlateWriteError
    from ned_core.io.exr import FacePlate, PlateMetadata, PlateWriteConfig, write_face_plate
    noise = np.random.default_rng(0).random((512, 512, 4), dtype=np.float32)
    plate = FacePlate(5, (512, 512), (0, 0, 512, 512), noise, noise[..., 3].copy())
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # over the limit, write() fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
    try:
        write_face_plate(sys.argv[1], plate, PlateMetadata(fps=24), PlateWriteConfig("none"))
    except PlateWriteError as e:
        print(e)
        sys.exit(3)
""")


@pytest.mark.parametrize("existing", [False, True])
def test_write_failing_midway_leaves_no_partial_file(tmp_path: Path, existing: bool):
    final = tmp_path / "shot.0005.exr"
    if existing:
        write_face_plate(final, empty_plate(5, (512, 512)), META)
    before = final.read_bytes() if existing else None
    proc = subprocess.run([sys.executable, "-c", _FAILING_WRITE, str(final)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "shot.0005.exr (frame 5)" in proc.stdout and "write failed" in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == (["shot.0005.exr"] if existing else [])
    if existing:
        assert final.read_bytes() == before  # the previous complete plate is untouched


def test_shape_guard_names_frame_and_shapes(tmp_path: Path):
    plate = astronaut_plate()
    plate.rgba = plate.rgba[:, :-1]
    with pytest.raises(ShapeError, match=r"frame 1001: rgba: expected \(\d+, \d+, 4\) float32, got .* float32"):
        write_face_plate(tmp_path / "p.exr", plate, META)
    plate = astronaut_plate()
    plate.mask = plate.mask.astype(np.float64)
    with pytest.raises(ShapeError, match="mask: expected .* float32, got .* float64"):
        write_face_plate(tmp_path / "p.exr", plate, META)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("rgba", np.nan, "rgba: 1 values are NaN"), ("rgba", 1e6, "half range"), ("mask", 1.5, r"outside \[0.0, 1.0\]")])
def test_bad_values_are_refused(tmp_path: Path, field: str, value: float, message: str):
    plate = astronaut_plate()
    getattr(plate, field).flat[10] = value
    with pytest.raises(PlateWriteError, match=message):
        write_face_plate(tmp_path / "p.exr", plate, META)
    assert list(tmp_path.iterdir()) == []


def test_window_outside_display_is_a_shape_error(tmp_path: Path):
    plate = FacePlate(1, (64, 48), (60, 40, 70, 50), np.zeros((10, 10, 4), np.float32), np.zeros((10, 10), np.float32))
    with pytest.raises(ShapeError, match="0 <= x0 < x1 <= 64"):
        write_face_plate(tmp_path / "p.exr", plate, META)


def test_non_exr_path_is_refused(tmp_path: Path):
    with pytest.raises(PlateWriteError, match="suffix '.png'"):
        write_face_plate(tmp_path / "p.png", empty_plate(1, (8, 8)), META)


def test_read_refuses_an_exr_that_is_not_a_plate(tmp_path: Path):
    path = tmp_path / "beauty.exr"
    oiio.ImageBuf(oiio.ImageSpec(8, 8, 4, "half")).write(str(path))
    with pytest.raises(FacePlateFormatError, match="missing channels facemask.A"):
        read_face_plate(path)


def test_read_refuses_truncated_pixel_data(tmp_path: Path):
    whole = write_face_plate(tmp_path / "p.exr", astronaut_plate(), META).read_bytes()
    cut = tmp_path / "cut.exr"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(PlateInspectError, match="cut.exr: cannot read pixels"):
        read_face_plate(cut)


def _oiiotool() -> str:
    """The oiiotool the OpenImageIO wheel installs next to this Python (or one on PATH)."""
    beside = Path(sys.executable).with_name("oiiotool")
    found = str(beside) if beside.is_file() else shutil.which("oiiotool")
    if found is None:
        pytest.fail("oiiotool not found: the OpenImageIO wheel installs it next to python")
    return found


def test_oiiotool_reports_windows_and_channels(tmp_path: Path):
    plate = astronaut_plate()
    path = write_face_plate(tmp_path / "p.exr", plate, META)
    out = subprocess.run([_oiiotool(), "--info", "-v", str(path)], capture_output=True, text=True, timeout=60).stdout
    x0, y0, x1, y1 = plate.data_window
    assert re.search(rf"{x1 - x0} x\s+{y1 - y0}, 5 channel, half openexr", out)
    assert f"pixel data origin: x={x0}, y={y0}" in out
    assert "full/display size: 512 x 512" in out
    assert "channel list: R, G, B, A, facemask.A" in out
    assert 'compression: "dwaa"' in out and "openexr:dwaCompressionLevel: 45" in out
    assert "framesPerSecond: 24000/1001" in out and "smpte:TimeCode: 01:00:00:05" in out


def test_a_full_disk_is_named_in_the_error_and_leaves_no_partial_file(small_fs, tmp_path):
    folder = small_fs(tmp_path / "small", "256k")
    rng = np.random.default_rng(0)
    with pytest.raises(PlateWriteError, match="no space left") as err:
        for frame in range(100):  # incompressible plates until the disk is full
            plate = FacePlate(frame, (256, 256), (0, 0, 128, 128), rng.random((128, 128, 4), np.float32),
                              rng.random((128, 128), np.float32))
            write_face_plate(folder / f"a.{frame:04d}.exr", plate, PlateMetadata(fps=Fraction(24)),
                             PlateWriteConfig(compression="none"))
    assert f"a.{frame:04d}.exr (frame {frame})" in str(err.value)
    assert sorted(p.name for p in folder.iterdir()) == [f"a.{n:04d}.exr" for n in range(frame)]


def test_a_staged_plate_is_already_on_disk(tmp_path: Path, monkeypatch):
    """stage_face_plate (a writer thread) flushes the plate; publishing it (the reporting thread) only renames."""
    import os
    from ned_core.io.exr import publish, stage_face_plate
    calls, real = [], os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd)))
    staged = stage_face_plate(tmp_path / "a.1001.exr", astronaut_plate(), META)
    assert len(calls) == 1
    publish(staged, 1001)
    assert len(calls) == 1
    plate, _ = read_face_plate(tmp_path / "a.1001.exr")
    assert plate.frame == 1001 and sorted(p.name for p in tmp_path.iterdir()) == ["a.1001.exr"]


def test_a_failed_flush_on_the_writer_names_the_frame_and_leaves_nothing(tmp_path: Path, monkeypatch):
    """The disk flush now runs where the plate is written: a failing one is a PlateWriteError naming the file and
    frame, and neither the plate nor its temporary file is left."""
    import errno
    import os
    from ned_core.io.exr import stage_face_plate

    def failing(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(PlateWriteError, match=r"a\.1001\.exr \(frame 1001\): cannot write: .*Input/output error"):
        stage_face_plate(tmp_path / "a.1001.exr", astronaut_plate(), META)
    assert list(tmp_path.iterdir()) == []
