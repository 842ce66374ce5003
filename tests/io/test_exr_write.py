"""Plates and composites written by the OpenEXR bindings read back through OpenImageIO exactly as the plates that
OpenImageIO itself wrote before (the reference writer below): every attribute, window, channel and sample."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest
from skimage.data import astronaut

from ned_core.exceptions import PlateWriteError
from ned_core.io.exr import (
    FacePlate,
    PlateMetadata,
    PlateWriteConfig,
    face_data_window,
    plate_as_written,
    write_face_plate,
    write_frame_exr,
)
from ned_core.io.exr_compression import compression_label, parse_compression
from ned_core.io.exr_plate import pack_channels
from ned_core.io.exr_timecode import parse_timecode
from ned_core.io.exr_write import window_header, write_exr
from ned_core.io.stmap import STMAP_NOTE, identity_stmap

FULL = PlateMetadata(fps=Fraction(24000, 1001), timecode="10:59:59:23", owner="Studio Ünïcode ✓",
                     comments="NED face plate: synthetic (machine-altered)", cap_date="2024:05:01 12:00:00",
                     params={"emotion": "happy", "intensity": 0.7, "seed": 1234567, "synthetic": 1,
                             "source/path": "/shots/sh010/plate.####.exr", "has_face": 1,
                             "model/face_landmark/sha256": "9f2c" * 16})
BARE = PlateMetadata(fps=25)
DROP = PlateMetadata(fps=Fraction(30000, 1001), timecode="00:10:00;00", params={"gain": -1.5e-7})


def face_plate(stmap: bool = False) -> FacePlate:
    """The astronaut's face, premultiplied under a soft ellipse, with a second face layer and two debug layers."""
    image = astronaut().astype(np.float32) / 255.0  # (512, 512, 3)
    x0, y0, x1, y1 = face_data_window((170.0, 40.0, 300.0, 200.0), (512, 512), 0.15)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    alpha = np.clip(1.2 - ((xx - 235.0) / 80.0) ** 2 - ((yy - 120.0) / 100.0) ** 2, 0.0, 1.0).astype(np.float32)
    rgba = np.concatenate([image[y0:y1, x0:x1] * alpha[..., None], alpha[..., None]], axis=2)
    return FacePlate(1001, (512, 512), (x0, y0, x1, y1), rgba, np.sqrt(alpha),
                     {"debug.warp": image[y0:y1, x0:x1].copy(), "debug.edge": (alpha > 0.5).astype(np.float32)},
                     {3: rgba * 0.5}, identity_stmap((x0, y0, x1, y1), (512, 512)) + 0.01 if stmap else None)


def oiio_spec(window, display_size, names: tuple[str, ...], formats: list[str], meta: PlateMetadata, frame: int,
              compression: str) -> oiio.ImageSpec:
    """The spec the plates' OpenImageIO writer built (before the OpenEXR bindings wrote them)."""
    x0, y0, x1, y1 = window
    spec = oiio.ImageSpec(x1 - x0, y1 - y0, len(names), "half")
    if "float" in formats:
        spec.channelformats = tuple(oiio.TypeDesc(f) for f in formats)
    spec.x, spec.y = x0, y0
    spec.full_width, spec.full_height = display_size
    spec.channelnames = names
    spec.alpha_channel = 3 if "A" in names else -1
    spec.attribute("compression", compression_label(*parse_compression(compression)))
    fps = Fraction(meta.fps)
    spec.attribute("framesPerSecond", oiio.TypeRational, np.array([fps.numerator, fps.denominator], np.int32))
    if meta.timecode is not None:
        tc = parse_timecode(meta.timecode, fps)
        word = 0x40 if tc.drop_frame else 0
        for shift, value in zip((0, 8, 16, 24), (tc.frames, tc.seconds, tc.minutes, tc.hours), strict=True):
            word |= (value % 10) << shift | (value // 10) << (shift + 4)
        spec.attribute("smpte:TimeCode", oiio.TypeTimeCode, np.array([word, 0], np.uint32))
    spec.attribute("DateTime", meta.cap_date or "")
    if meta.owner:
        spec.attribute("Copyright", meta.owner)
    if meta.comments:
        spec.attribute("ImageDescription", meta.comments)
    spec.attribute("ned/frame", frame)
    for key, value in meta.params.items():
        spec.attribute("ned/" + key, value)
    return spec


def oiio_write(path: Path, spec: oiio.ImageSpec, pixels: np.ndarray) -> Path:
    oiio.attribute("exr_threads", -1)
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), spec), out.geterror()
    assert out.write_image(pixels), out.geterror()
    assert out.close()
    return path


def oiio_plate(path: Path, plate: FacePlate, meta: PlateMetadata, config: PlateWriteConfig) -> Path:
    plate = plate_as_written(plate, config)
    planes = pack_channels(plate, config.write_debug_layers)
    formats = ["float" if p.dtype == np.float32 else "half" for p in planes.values()]
    if plate.stmap is not None:
        meta = PlateMetadata(meta.fps, meta.timecode, meta.owner, meta.comments, meta.cap_date,
                             {**meta.params, "stmap": STMAP_NOTE})
    pixels = np.dstack([p.astype(np.float32) for p in planes.values()])
    if "float" not in formats:
        pixels = pixels.astype(np.float16)
    spec = oiio_spec(plate.data_window, plate.display_size, tuple(planes), formats, meta, plate.frame,
                     config.compression)
    return oiio_write(path, spec, pixels)


def read_all(path: Path) -> tuple[oiio.ImageSpec, np.ndarray]:
    inp = oiio.ImageInput.open(str(path))
    assert inp is not None, oiio.geterror()
    spec = inp.spec()
    pixels = inp.read_image(0, 0, 0, spec.nchannels, "float")
    inp.close()
    return spec, pixels


def assert_reads_the_same(ours: Path, reference: Path) -> None:
    """Everything OpenImageIO reads from the two files is the same, attribute by attribute and bit by bit."""
    a, pa = read_all(ours)
    b, pb = read_all(reference)
    geometry = ("x", "y", "z", "width", "height", "depth", "full_x", "full_y", "full_width", "full_height",
                "tile_width", "tile_height", "nchannels", "alpha_channel", "z_channel", "deep")
    assert [getattr(a, g) for g in geometry] == [getattr(b, g) for g in geometry]
    assert a.channelnames == b.channelnames and a.format == b.format
    assert [str(t) for t in a.channelformats] == [str(t) for t in b.channelformats]
    attrs = {x.name: (str(x.type), x.value) for x in a.extra_attribs}
    assert attrs == {x.name: (str(x.type), x.value) for x in b.extra_attribs}
    assert [x.name for x in a.extra_attribs] == [x.name for x in b.extra_attribs]
    assert pa.shape == pb.shape and np.array_equal(pa.view(np.uint32), pb.view(np.uint32))


CASES = [("dwaa:45", FULL, PlateWriteConfig()),
         ("dwaa:45 debug", FULL, PlateWriteConfig(write_debug_layers=True)),
         ("dwab:100 stmap", DROP, PlateWriteConfig("dwab:100", stmap=True)),
         ("zip full frame", BARE, PlateWriteConfig("zip", full_frame=True)),
         *[(name, FULL, PlateWriteConfig(name, write_debug_layers=True))
           for name in ("none", "rle", "zips", "piz", "pxr24", "dwaa:1", "dwab")]]


@pytest.mark.parametrize(("case", "meta", "config"), CASES, ids=[c[0] for c in CASES])
def test_a_plate_reads_back_as_openimageio_wrote_it(tmp_path: Path, case: str, meta: PlateMetadata,
                                                    config: PlateWriteConfig):
    plate = face_plate(stmap="stmap" in case)
    ours = write_face_plate(tmp_path / "ours.exr", plate, meta, config)
    assert_reads_the_same(ours, oiio_plate(tmp_path / "ref.exr", plate, meta, config))


@pytest.mark.parametrize("with_alpha", [False, True])
def test_a_composite_reads_back_as_openimageio_wrote_it(tmp_path: Path, with_alpha: bool):
    rgb = astronaut().astype(np.float32)[:300, :400] / 255.0 * 3.0
    alpha = rgb[..., 1].copy() / 3.0 if with_alpha else None
    ours = write_frame_exr(tmp_path / "ours.exr", 12, rgb, alpha, FULL, "zip")
    names = ("R", "G", "B", "A") if with_alpha else ("R", "G", "B")
    pixels = (rgb if alpha is None else np.dstack([rgb, alpha])).astype(np.float16)
    spec = oiio_spec((0, 0, 400, 300), (400, 300), names, ["half"] * len(names), FULL, 12, "zip")
    assert_reads_the_same(ours, oiio_write(tmp_path / "ref.exr", spec, pixels))


def test_a_strided_plane_is_refused_not_written_scrambled(tmp_path: Path):
    """The bindings take a plane's buffer as if it were C-contiguous: a view of interleaved samples must not pass."""
    pixels = np.random.default_rng(0).random((6, 5, 2), np.float32).astype(np.float16)
    header = window_header((0, 0, 5, 6), (5, 6))
    with pytest.raises(PlateWriteError, match=r"p\.exr \(frame 1\): channel 'R' must be a C-contiguous"):
        write_exr(tmp_path / "p.exr", header, {"R": pixels[..., 0], "G": np.ascontiguousarray(pixels[..., 1])},
                  "p.exr (frame 1)")
    assert list(tmp_path.iterdir()) == []
