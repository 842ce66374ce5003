"""Only single-file demuxers read movies: lists, playlists and patterns that name other files are refused."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from ned_core.exceptions import DemuxerNotAllowedError
from ned_core.io.colour import ColourTransforms
from ned_core.io.demuxers import open_movie_container
from ned_core.io.movie import open_movie
from ned_core.io.plates import open_plates

#: (container format, codec, file name, demuxer name FFmpeg reports when reading it back)
ALLOWED = [
    ("mp4", "mpeg4", "a.mp4", "mov,mp4,m4a,3gp,3g2,mj2"),
    ("mov", "mjpeg", "a.mov", "mov,mp4,m4a,3gp,3g2,mj2"),
    ("3gp", "mpeg4", "a.3gp", "mov,mp4,m4a,3gp,3g2,mj2"),
    ("matroska", "ffv1", "a.mkv", "matroska,webm"),
    ("webm", "libvpx", "a.webm", "matroska,webm"),
    ("mxf", "mpeg2video", "a.mxf", "mxf"),
    ("avi", "mjpeg", "a.avi", "avi"),
    ("mpegts", "mpeg2video", "a.ts", "mpegts"),
    ("mpeg", "mpeg1video", "a.mpg", "mpeg"),
    ("h264", "libx264", "a.h264", "h264"),
    ("hevc", "libx265", "a.hevc", "hevc"),
    ("mjpeg", "mjpeg", "a.mjpeg", "mjpeg"),
]


def _write(path: Path, fmt: str, codec: str, frames: int = 25, size: tuple[int, int] = (64, 48)) -> Path:
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=25)
        stream.width, stream.height = size
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        for i in range(frames):
            pixels = np.full((size[1], size[0], 3), 9 * i, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.mark.parametrize("fmt, codec, name, demuxer", ALLOWED, ids=[a[2] for a in ALLOWED])
def test_movie_containers_and_raw_streams_stay_readable(tmp_path, fmt, codec, name, demuxer):
    try:
        path = _write(tmp_path / name, fmt, codec)
    except (av.error.FFmpegError, ValueError) as exc:
        pytest.skip(f"this FFmpeg build cannot write {fmt}/{codec}: {exc}")
    with open_movie_container(path) as container:
        assert container.format.name == demuxer
    with open_movie(path, None, ColourTransforms()) as source:
        assert len(source.info.frames) >= 20 and source.read(source.info.frames[3]).rgb.shape == (48, 64, 3)


@pytest.fixture
def outside(tmp_path) -> Path:
    """A movie outside the folder the "movie" below lives in (what a list would pull in)."""
    (tmp_path / "secret").mkdir()
    return _write(tmp_path / "secret" / "private.mp4", "mp4", "mpeg4", frames=6)


@pytest.mark.parametrize("backend", ["auto", "pyav", "opencv"])
def test_an_ffconcat_list_named_like_a_movie_is_refused(tmp_path, outside, backend):
    shots = tmp_path / "shots"
    shots.mkdir()
    (shots / "link.mp4").symlink_to(outside)
    (shots / "clip.mp4").write_text("ffconcat version 1.0\nfile link.mp4\n")
    with pytest.raises(DemuxerNotAllowedError, match="'concat' demuxer"):
        open_movie(shots / "clip.mp4", None, ColourTransforms(), backend=backend)
    with pytest.raises(DemuxerNotAllowedError, match="'concat' demuxer"):
        open_plates(shots / "clip.mp4")


def test_an_hls_playlist_is_refused(tmp_path, outside):
    playlist = tmp_path / "clip.m3u8"  # FFmpeg only probes HLS in a .m3u8 name; under other names it is no movie
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{outside}\n#EXT-X-ENDLIST\n")
    with pytest.raises(DemuxerNotAllowedError, match="'hls' demuxer"):
        open_movie_container(playlist)


def test_an_image_pattern_is_refused(tmp_path):
    for i in range(3):
        _write(tmp_path / f"f{i:03d}.jpg", "image2", "mjpeg", frames=1)
    with pytest.raises(DemuxerNotAllowedError, match="'image2' demuxer"):
        open_movie_container(tmp_path / "f%03d.jpg")
