"""Movie plates on real files written with PyAV: numbering, fps, timecode, pixels, seeking, alpha, errors."""

from __future__ import annotations

import os
import tracemalloc
import weakref
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from av.video.reformatter import ColorRange, Colorspace

from ned_core.exceptions import FrameRangeError, FrameReadError, ShapeError, UnsupportedFormatError
from ned_core.io.colour import ColourTransforms
from ned_core.io.movie import open_movie
from ned_core.io.movie_pyav import _SCALE_FLAGS, _SLICE_THREADS, PyAVDecoder
from ned_core.io.plates import open_plates

SRGB = "sRGB Encoded Rec.709 (sRGB)"


def _srgb8(source, frame) -> np.ndarray:
    return source.colour.working_to_srgb8(frame.rgb)


def test_movie_info_and_nothing_decoded_on_open(movie):
    with open_plates(movie) as source:
        info = source.info
        assert (info.kind, info.frames) == ("movie", tuple(range(60)))
        assert (info.width, info.height, info.channels, info.pixel_type) == (64, 48, 3, "uint8")
        assert info.fps == Fraction(25) and info.timecode == "10:00:00:00"
        assert info.colourspace == SRGB and info.path == str(movie)
        assert source.decoded == 0


def test_every_frame_decodes_in_order_with_codec_accuracy(movie, numbered_image):
    with open_plates(movie) as source:
        numbers = []
        for frame in source:
            numbers.append(frame.number)
            pixels = _srgb8(source, frame).astype(int)
            error = np.abs(pixels - numbered_image(frame.number))
            assert error.mean() < 1.0 and error.max() <= 4, frame.number  # 4:4:4 lossless YUV, BT.709 matrix
            assert frame.alpha is None and frame.rgb.dtype == np.float32
        assert numbers == list(range(60))
        assert source.decoded == 60  # sequential reading decodes each frame once


def test_display8_of_an_8_bit_movie_is_the_decoded_pixels_read_once(movie, numbered_image):
    with open_plates(movie) as source:
        for number in (0, 1, 30):
            display = source.read_display8(number)
            assert display.dtype == np.uint8 and display.shape == (48, 64, 3)
            assert np.abs(display.astype(int) - numbered_image(number)).max() <= 4
            # the same frame through the float path (the render's) agrees to the code value, and is not decoded again
            decoded = source.decoded
            assert np.abs(_srgb8(source, source.read(number)).astype(int) - display).max() <= 1
            assert source.decoded == decoded


@pytest.mark.parametrize("backend", ["pyav", "opencv"])
def test_a_window_read_equals_the_same_part_of_the_whole_frame(movie, backend):
    """OpenCV crops the whole frame; PyAV converts an 8-bit window of any size as the whole frame is (OpenCV's
    ``yuv_window.picture_codes``, from the window's own planes or cut from the frame's kept codes): exactly the whole
    frame's pixels there, whatever window they are read in."""
    with open_movie(movie, None, ColourTransforms(), backend=backend) as source:
        whole = source.read(7)
        part = source.read(7, (50, -4, 80, 20))  # clipped to the 64x48 frame
        assert part.origin == (50, 0) and part.rgb.shape == (20, 14, 3)
        np.testing.assert_array_equal(part.rgb, whole.rgb[0:20, 50:64])
        if backend == "pyav":
            other = source.read(7, (44, 3, 64, 24))
            np.testing.assert_array_equal(other.rgb[:17, 6:], part.rgb[3:, :14])
            large = source.read(7, (10, 5, 60, 45))
            np.testing.assert_array_equal(large.rgb, whole.rgb[5:45, 10:60])
        with pytest.raises(FrameRangeError, match="lies outside the 64x48 frame"):
            source.read(7, (70, 0, 90, 10))


def test_start_frame_frames_and_start_timecode(movie, numbered_image):
    with open_plates(movie, start_frame=1001) as source:
        assert source.info.frames == tuple(range(1001, 1061))
        assert np.abs(_srgb8(source, source.read(1001)).astype(int) - numbered_image(0)).mean() < 1.0
    with open_plates(movie, frames="10-19") as source:
        assert source.info.frames == tuple(range(10, 20))
        assert source.info.timecode == "10:00:00:10"  # the tag is frame 0's; 10 frames later at 25 fps
    with open_plates(movie, frames="1030-1059", start_frame=1000) as source:
        assert source.info.timecode == "10:00:01:05"
    with pytest.raises(FrameRangeError, match=r"frames 60-64 lie outside the movie \(frames 0-59"):
        open_plates(movie, frames="50-64")


def test_seeking_is_frame_accurate_and_does_not_decode_everything(tmp_path, movie_writer):
    path = movie_writer(tmp_path / "gop.mp4", count=120, options={"crf": "0", "g": "10"})
    with open_plates(path) as sequential:
        reference = {f.number: f.rgb for f in sequential}
    with open_plates(path) as source:
        for number in (100, 57, 58, 119, 3, 90, 64):
            assert np.array_equal(source.read(number).rgb, reference[number]), number
    with open_plates(path) as source:
        source.read(110)
        assert source.decoded <= 11  # from the keyframe at 110 (GOP of 10), not from frame 0


def test_movie_memory_is_bounded(tmp_path, movie_writer, monkeypatch):
    """No frame is held between reads beyond the decoder's kept pictures, which stay within their byte budget."""
    from ned_core.io import movie_pyav

    path = movie_writer(tmp_path / "long.mp4", count=90, options={"preset": "ultrafast"})
    frame_bytes = 48 * 64 * 3 * 4
    monkeypatch.setattr(movie_pyav, "KEEP_DECODED_BYTES", 10 * 48 * 64 * 3)  # ten 8-bit 4:4:4 pictures
    monkeypatch.setattr(movie_pyav, "KEEP_CONVERTED_BYTES", 10 * 48 * 64 * 3)  # and their RGB codes
    refs = []
    with open_plates(path) as source:
        tracemalloc.start()
        try:
            for frame in source:
                refs.append(weakref.ref(frame.rgb))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        kept, kept_codes = len(source._decoder._kept), len(source._decoder._kept_codes)
        del frame
    assert sum(ref() is not None for ref in refs) == 0
    assert (kept, kept_codes) == (0, 10)  # an 8-bit picture's planes are not copied: its kept codes serve every read
    budgets = movie_pyav.KEEP_DECODED_BYTES + movie_pyav.KEEP_CONVERTED_BYTES
    assert peak < 8 * frame_bytes + budgets, f"peak {peak / frame_bytes:.1f} frames"


def test_movie_with_alpha_is_premultiplied_in_working_space(tmp_path, movie_writer, numbered_image):
    path = movie_writer(tmp_path / "matte.mov", count=12, codec="qtrle", pix_fmt="argb", alpha=True)
    colour = ColourTransforms()
    with open_plates(path) as source:
        assert source.info.channels == 4 and source.info.pixel_type == "uint8"
        for frame in source:
            expected_alpha = (4 * frame.number % 256) / 255.0
            assert np.allclose(frame.alpha, expected_alpha, atol=1e-6)
            straight = colour.to_working(numbered_image(frame.number).astype(np.float32) / 255.0, SRGB)
            assert np.allclose(frame.rgb, straight * expected_alpha, atol=1e-5)  # qtrle is lossless RGB


def test_ten_bit_prores_reads_as_uint16(tmp_path, movie_writer, numbered_image):
    path = movie_writer(tmp_path / "master.mov", count=5, codec="prores_ks", pix_fmt="yuva444p10le", alpha=True,
                        timecode="01:02:03:04")
    with open_plates(path) as source:
        info = source.info
        assert (info.pixel_type, info.channels, info.timecode) == ("uint16", 4, "01:02:03:04")
        frame = source.read(3)
        assert np.allclose(frame.alpha, 12 / 255.0, atol=2e-3)
        unpremultiplied = frame.rgb / frame.alpha[..., None]
        error = np.abs(source.colour.working_to_srgb8(unpremultiplied).astype(int) - numbered_image(3))
        assert error.mean() < 2.0


def test_matroska_without_frame_count(tmp_path, movie_writer, numbered_image):
    path = movie_writer(tmp_path / "clip.mkv", count=40, options={"crf": "0", "g": "8"}, timecode=None)
    with open_plates(path) as source:
        assert source.info.frames == tuple(range(40)) and source.info.timecode is None
        frame = source.read(33)
        assert np.abs(_srgb8(source, frame).astype(int) - numbered_image(33)).mean() < 1.0


def test_drop_frame_timecode_is_carried_across_the_minute(tmp_path, movie_writer):
    path = movie_writer(tmp_path / "ntsc.mov", count=8, rate=Fraction(30000, 1001), timecode="00:00:59;29")
    with open_plates(path, frames="1-7") as source:
        assert source.info.fps == Fraction(30000, 1001)
        assert source.info.timecode == "00:01:00;02"  # ;00 and ;01 do not exist at minute 1


def test_opencv_backend(movie, numbered_image):
    with open_movie(movie, None, ColourTransforms(), backend="opencv") as source:
        info = source.info
        assert info.frames == tuple(range(60)) and info.fps == Fraction(25) and info.timecode is None
        for number in (0, 1, 40, 12):  # sequential, then seeks
            pixels = _srgb8(source, source.read(number)).astype(int)
            assert np.abs(pixels - numbered_image(number)).mean() < 3.0, number


def test_unreadable_and_truncated_movies(tmp_path, movie_writer):
    garbage = tmp_path / "broken.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 8)
    with pytest.raises(UnsupportedFormatError, match="broken.mp4.*OpenCV fallback failed"):
        open_plates(garbage)
    path = tmp_path / "cut.mov"
    movie_writer(path, count=60, options={"crf": "0", "g": "10"})
    data = path.read_bytes()
    moov_first = data.find(b"moov") < data.find(b"mdat")
    assert not moov_first  # written without faststart: the index is at the end
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(UnsupportedFormatError, match="cut.mov"):
        open_plates(path)


def test_truncated_movie_fails_at_the_missing_frame(tmp_path):
    import av

    path = _noise_movie(tmp_path / "fast.mov", (64, 48), 60, {"g": "10"}, {"movflags": "faststart"})  # index first
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * 0.6)])
    with open_plates(path) as source:
        assert len(source) == 60  # the index still lists every frame
        assert source.read(5).number == 5
        with pytest.raises(FrameReadError, match=r"fast\.mov frame 59: the movie ends after"):
            source.read(59)


def test_field_order_comes_from_the_pictures_when_the_stream_does_not_state_it(tmp_path):
    """MPEG-4 Part 2 in AVI leaves the codec's field order unset; its interlaced pictures still say so."""
    import av

    def write(name: str, flags: str | None):
        path = tmp_path / name
        with av.open(str(path), "w") as out:
            stream = out.add_stream("mpeg4", rate=25)
            stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
            if flags:
                stream.options = {"flags": flags}
            for i in range(3):
                out.mux(stream.encode(av.VideoFrame.from_ndarray(np.full((48, 64, 3), 60 * i, np.uint8), "rgb24")))
            out.mux(stream.encode(None))
        with av.open(str(path)) as container:
            assert container.streams.video[0].codec_context.field_order == 0  # the stream says nothing
        return path

    with open_plates(write("interlaced.avi", "+ildct+ilme")) as source:
        assert source.info.field_order == "interlaced"
        assert source.decoded == 0 and source.read(2).number == 2  # the probe did not move the reader
    with open_plates(write("progressive.avi", None)) as source:
        assert source.info.field_order is None


def test_ten_bit_movie_reads_by_code_tables_exactly_as_the_float_path(tmp_path, movie_writer):
    """A 10-bit ProRes without alpha: display sRGB for the models and working-space windows are the float path's
    values to the bit (they are computed from the integer codes by table)."""
    from ned_core.io.colour import unit_scale

    path = movie_writer(tmp_path / "master.mov", count=3, codec="prores_ks", pix_fmt="yuv422p10le")
    with open_plates(path) as source:
        codes = source._decode_codes(1)
        assert codes.dtype == np.uint16 and not codes.flags.writeable  # kept for the render, shared read-only
        scaled = unit_scale(codes)
        want8 = np.rint(np.clip(scaled, 0.0, 1.0) * 255.0).astype(np.uint8)
        assert np.array_equal(source.read_display8(1), want8)
        window = source.read(1, (5, 7, 40, 30))  # over WINDOW_SHARE of the frame: cut from the kept whole frame
        want = source.colour.to_working(np.ascontiguousarray(scaled[7:30, 5:40]), source.info.colourspace)
        assert window.origin == (5, 7) and np.array_equal(window.rgb, want)
        decoded = source.decoded
        small = unit_scale(source._decode_codes(1, (5, 7, 25, 30)))  # converted from the window's own planes
        assert source.decoded == decoded  # the decoded picture was kept too
        assert np.abs(small - scaled[7:30, 5:25]).max() <= 1.0 / 255.0



@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="threads are counted in /proc")
def test_whole_pictures_share_one_conversion_with_pyavs_codes(tmp_path):
    """1080p 10-bit pictures converted whole by swscale (what the analysis reads; 8-bit ones go to OpenCV) give
    exactly the codes PyAV's own per-picture conversion gives, without a pool of slice threads started for every
    picture."""
    path = _noise_movie(tmp_path / "hd.mp4", (1920, 1080), 6, {"preset": "ultrafast", "crf": "20"},
                        pix_fmt="yuv420p10le")
    with av.open(str(path)) as container:
        pictures = list(container.decode(video=0))
    reference = [p.to_ndarray(format="rgb48le", src_colorspace=Colorspace.ITU709, src_color_range=ColorRange.MPEG,
                              dst_color_range=ColorRange.JPEG, interpolation=_SCALE_FLAGS) for p in pictures]
    with av.open(str(path)) as container:
        pictures = list(container.decode(video=0))  # fresh ones, held (with whatever their conversion started)
    decoder = PyAVDecoder(path)
    try:
        threads = len(os.listdir("/proc/self/task"))
        codes = [decoder._convert(p) for p in pictures]
        started = len(os.listdir("/proc/self/task")) - threads
    finally:
        decoder.close()
    assert all(np.array_equal(a, b) for a, b in zip(codes, reference))
    assert started <= _SLICE_THREADS  # one pool for all six (PyAV's own: a pool per picture)


def _noise_movie(path: Path, size: tuple[int, int], count: int, options: dict[str, str],
                 container_options: dict[str, str] | None = None, pix_fmt: str = "yuv420p") -> Path:
    """``count`` frames of uniform noise, ``size`` ``(W, H)``, H.264 4:2:0 (``pix_fmt``) with ``options``."""
    rng = np.random.default_rng(0)
    width, height = size
    with av.open(str(path), "w", options=container_options or {}) as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt, stream.options = width, height, pix_fmt, options
        for _ in range(count):
            image = rng.integers(0, 255, (height, width, 3), np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.mark.parametrize("pix_fmt", ["yuv420p", "yuv422p10le"])
def test_a_frame_read_shrunk_for_the_analysis_is_the_box_average_and_keeps_the_picture(tmp_path, movie_writer,
                                                                                      pix_fmt):
    """``read_display8(n, 2)`` (the analysis of a UHD movie) is the whole frame's display codes box-averaged by 2,
    within a few codes (8-bit 4:2:0: its planes shrunk before the conversion, ``yuv_window.shrunk_codes``; 10-bit:
    the whole frame converted, then shrunk); an 8-bit picture read so keeps its planes, not its codes, so that the
    render's windows of it decode nothing again. A factor that does not divide the frame is refused."""
    path = movie_writer(tmp_path / f"{pix_fmt}.mov", count=4, pix_fmt=pix_fmt, codec="libx264" if "10" not in
                        pix_fmt else "prores_ks", options={} if "10" in pix_fmt else None)
    with open_plates(path) as reference:
        whole = {n: reference.read_display8(n) for n in reference.info.frames}
    with open_plates(path) as source:
        for number in source.info.frames:
            shrunk = source.read_display8(number, 2)
            averaged = cv2.resize(whole[number].astype(np.float32), (32, 24), interpolation=cv2.INTER_AREA)
            error = np.abs(shrunk - averaged)
            assert shrunk.shape == (24, 32, 3) and error.max() <= 10 and error.mean() <= 1.0, (error.max(), error.mean())
        decoded = source.decoded
        window = (8, 8, 40, 40)
        for number in source.info.frames:
            assert np.array_equal(source.read(number, window).rgb, _fresh_window(path, number, window))
        if pix_fmt == "yuv420p":
            assert source.decoded == decoded and len(source._decoder._kept_codes) == 0
        with pytest.raises(ShapeError, match="divisible by 5"):
            source.read_display8(0, 5)


def _fresh_window(path: Path, number: int, window: tuple[int, int, int, int]) -> np.ndarray:
    with open_plates(path) as fresh:
        return fresh.read(number, window).rgb
