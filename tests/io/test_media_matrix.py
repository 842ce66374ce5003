"""Every format a post house delivers renders with a preview: one plate per frame, audio wherever decodable.

Each file is small (128 px, or 256 px where the codec needs it; 8 frames) and shows a real face (the
astronaut photo), built with PyAV encoders (movies, with audio where the container carries it) and
OpenImageIO writers (sequences). `ned render --preview` runs on each as a user runs it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import OpenImageIO as oiio
import pytest

from movie_builders import Movie, build_movie, face_frames, run_ned

pytestmark = pytest.mark.slow
FRAMES = 8

MOVIES = [
    Movie("prores422hq.mov", codec="prores_ks", pix_fmt="yuv422p10le", options={"profile": "3"}, audio="pcm_s24le"),
    Movie("prores4444_alpha.mov", codec="prores_ks", pix_fmt="yuva444p10le", options={"profile": "4"}, alpha=True),
    Movie("dnxhd.mov", codec="dnxhd", pix_fmt="yuv422p", options={"profile": "dnxhr_sq"}, size=256,
          audio="pcm_s16le"),
    Movie("dnxhr_hqx.mxf", codec="dnxhd", pix_fmt="yuv422p10le", options={"profile": "dnxhr_hqx"}, size=256,
          audio="pcm_s24le", layout="mono"),
    Movie("h264.mp4"),
    Movie("h264_422_10bit.mov", pix_fmt="yuv422p10le"),
    Movie("hevc.mp4", codec="libx265"),
    Movie("hevc_422_10bit.mov", codec="libx265", pix_fmt="yuv422p10le", audio="pcm_f32le", layout="5.1"),
    Movie("hevc_420_10bit.mkv", codec="libx265", pix_fmt="yuv420p10le", audio="pcm_s32le"),
    Movie("mjpeg.avi", codec="mjpeg", pix_fmt="yuvj420p", audio="pcm_s16le"),
    Movie("mpeg4_ac3.avi", codec="mpeg4", audio="ac3"),
    Movie("interlaced.mov", options={"flags": "+ildct+ilme", "x264-params": "interlaced=1:tff=1"}),
    Movie("vfr.mp4", frames=9, pts=(0, 43, 82, 126, 166, 250, 293, 331, 374)),  # a dropped frame at 0.208 s
    Movie("damaged_audio.avi", codec="mpeg4", audio="ac3", damage_audio=(2, 5)),
    Movie("damaged_video.avi", codec="mjpeg", pix_fmt="yuvj420p", audio="pcm_s16le", damage_video=(3,)),
]


@dataclass(frozen=True)
class Sequence:
    """An image sequence ``name.####.ext`` written with OpenImageIO."""

    name: str
    ext: str
    dtype: str  # OIIO type of the file
    bits: int | None = None  # oiio:BitsPerSample (DPX 10/12)
    alpha: bool = False
    data_window: bool = False  # EXR: data window = the middle of the display window
    parts: int = 1  # EXR parts (the second holds a depth channel)


SEQUENCES = [
    Sequence("exr_multipart", "exr", "half", parts=2),
    Sequence("exr_datawindow", "exr", "half", data_window=True),
    Sequence("dpx10", "dpx", "uint16", bits=10),
    Sequence("dpx12", "dpx", "uint16", bits=12),
    Sequence("dpx16", "dpx", "uint16", bits=16),
    Sequence("tiff16", "tif", "uint16"),
    Sequence("png16_rgba", "png", "uint16", alpha=True),
    Sequence("png8", "png", "uint8"),
]


def _write_frame(path: Path, rgb8: np.ndarray, seq: Sequence) -> None:
    pixels = rgb8.astype(np.float32) / 255.0
    if seq.ext == "exr":
        pixels = pixels ** 2.2  # scene-linear, as an EXR holds it
    if seq.alpha:
        pixels = np.dstack([pixels, np.ones(pixels.shape[:2], np.float32)])
    height, width, channels = pixels.shape
    spec = oiio.ImageSpec(width, height, channels, seq.dtype)
    if seq.bits:
        spec.attribute("oiio:BitsPerSample", seq.bits)
    if seq.data_window:  # the face in the middle; the display window is twice as large
        spec.x, spec.y = width // 2, height // 2
        spec.full_x = spec.full_y = 0
        spec.full_width, spec.full_height = width * 2, height * 2
    specs = [spec]
    if seq.parts == 2:
        spec.attribute("name", "rgba")
        depth = oiio.ImageSpec(width, height, 1, "float")
        depth.channelnames = ("Z",)
        depth.attribute("name", "depth")
        specs.append(depth)
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), specs), oiio.geterror()
    assert out.write_image(pixels), out.geterror()
    if seq.parts == 2:
        assert out.open(str(path), specs[1], "AppendSubimage"), out.geterror()
        assert out.write_image(np.ones((height, width, 1), np.float32)), out.geterror()
    out.close()


def _build_sequence(folder: Path, seq: Sequence) -> str:
    (folder / seq.name).mkdir()
    for number, rgb in enumerate(face_frames(FRAMES), start=1001):
        _write_frame(folder / seq.name / f"{seq.name}.{number:04d}.{seq.ext}", rgb, seq)
    return f"{seq.name}/{seq.name}.####.{seq.ext}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("matrix")


def _render(folder: Path, source: str, out: str) -> dict:
    done = run_ned(folder, "render", source, "--emotion", "happy", "--out", str(folder / out), "--preview", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _preview(summary: dict) -> tuple[int, float]:
    """Pictures and seconds of audio in the preview."""
    with av.open(summary["preview"]) as movie:
        pictures = sum(1 for _ in movie.decode(video=0))
    with av.open(summary["preview"]) as movie:
        audio = movie.streams.audio
        seconds = sum(f.samples for f in movie.decode(audio[0])) / audio[0].sample_rate if audio else 0.0
    return pictures, seconds


def _header(plate: str) -> dict:
    spec = oiio.ImageInput.open(plate).spec()
    return {a.name: a.value for a in spec.extra_attribs}


@pytest.mark.parametrize("movie", MOVIES, ids=[m.name for m in MOVIES])
def test_movie_renders_with_a_preview(folder, movie):
    build_movie(folder, movie)
    summary = _render(folder, movie.name, f"out_{movie.name}")
    frames = 10 if movie.pts else movie.frames  # VFR: frames numbered from timestamps at 24 fps (one held)
    assert len(summary["plates"]) == frames and summary["no_face_frames"] == []
    pictures, seconds = _preview(summary)
    assert pictures == frames
    if movie.audio:
        assert seconds == pytest.approx(frames / 24, abs=0.05)
    else:
        assert seconds == 0.0
    expected = [w for w in ("damaged audio packet", "damaged video packet") if w.split()[1] in movie.name]
    assert [next(w for w in expected if w in line) for line in summary["warnings"]] == expected
    header = _header(summary["plates"][0])
    if movie.name == "interlaced.mov":
        assert header["ned/field_order"] == "tt"
    if movie.pts:
        assert header["ned/variable_rate"].startswith("frames numbered from timestamps at 24")


@pytest.mark.parametrize("seq", SEQUENCES, ids=[s.name for s in SEQUENCES])
def test_sequence_renders_with_a_preview(folder, seq):
    summary = _render(folder, _build_sequence(folder, seq), f"out_{seq.name}")
    assert len(summary["plates"]) == FRAMES and summary["no_face_frames"] == []
    assert summary["warnings"] == []
    assert _preview(summary) == (FRAMES, 0.0)
    spec = oiio.ImageInput.open(summary["plates"][0]).spec()
    size = 256 if seq.data_window else 128
    assert (spec.full_width, spec.full_height) == (size, size)


def _unknown_codec(folder: Path) -> str:
    """An MJPEG AVI whose fourcc is changed to one no decoder claims."""
    path = build_movie(folder, Movie("unknown_codec.avi", codec="mjpeg", pix_fmt="yuvj420p", frames=2))
    path.write_bytes(path.read_bytes().replace(b"MJPG", b"ZZZZ"))
    return path.name


def _audio_only(folder: Path) -> str:
    with av.open(str(folder / "audio_only.mp4"), "w") as out:
        stream = out.add_stream("aac", rate=48000, layout="mono")
        tone = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        tone.sample_rate, tone.pts = 48000, 0
        for packet in [*stream.encode(tone), *stream.encode(None)]:
            out.mux(packet)
    return "audio_only.mp4"


def _empty(folder: Path) -> str:
    (folder / "empty.mov").write_bytes(b"")
    return "empty.mov"


@pytest.mark.parametrize(("make", "says"), [
    (_audio_only, "the file has no video stream (its streams: #0 audio aac)"),
    (_empty, "the file is empty (0 bytes)"),
    (_unknown_codec, "video stream #0 uses a codec FFmpeg does not know"),
], ids=["no-video-stream", "zero-length", "unknown-codec"])
def test_bad_input_is_one_clear_error_and_writes_nothing(folder, make, says):
    name = make(folder)
    out = folder / f"bad_{name}" / "shot" / "plates"
    done = run_ned(folder, "render", name, "--emotion", "happy", "--out", str(out), "--preview", "--composite")
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if "TensorFlow Lite" not in line]
    assert len(lines) == 1 and lines[0].startswith(f"ned: error: {name}: {says}"), done.stderr
    assert not (folder / f"bad_{name}").exists()  # no empty output folders left behind either
