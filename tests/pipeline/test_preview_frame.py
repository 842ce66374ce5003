"""Preview frames: a display-referred movie's own codes outside the plate, the whole-frame composite inside it."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.composite import merge_over
from ned_core.io.exr import FacePlate, read_face_plate
from ned_core.io.plates import open_plates
from ned_core.pipeline.preview_frame import PreviewFrames
from ned_core.synthetic import sample_photo, write_mp4

WINDOW = (40, 24, 120, 88)  # the test plate's data window (x0, y0, x1, y1)
SIZE = (160, 112)  # (W, H) of the test movies


def _photo_frames(count: int) -> np.ndarray:
    """``(count, H, W, 3) uint8``: a real photo's crop, shifted by a pixel a frame (natural content for the codec)."""
    photo = sample_photo("astronaut")
    return np.stack([np.ascontiguousarray(photo[60 + i:60 + i + SIZE[1], 150:150 + SIZE[0]]) for i in range(count)])


def _prores(frames: np.ndarray, path: Path) -> Path:
    """A 10-bit 4:2:2 ProRes .mov of the frames (its codes are decoded as 16-bit)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("prores_ks", rate=Fraction(25))
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv422p10le"
        for image in frames:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(stream.encode(None))
    return path


def _plate(frame: int) -> FacePlate:
    """A plate over :data:`WINDOW`: a soft disc of a flat colour, transparent along the window's border."""
    x0, y0, x1, y1 = WINDOW
    rows, cols = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    radius = np.hypot((cols - (x0 + x1) / 2) / ((x1 - x0) / 2), (rows - (y0 + y1) / 2) / ((y1 - y0) / 2))
    alpha = np.clip((0.9 - radius) / 0.3, 0.0, 1.0).astype(np.float32)
    rgba = np.concatenate([alpha[..., None] * np.array([0.6, 0.2, 0.1], np.float32), alpha[..., None]], axis=2)
    return FacePlate(frame, SIZE, WINDOW, rgba, alpha)


@pytest.mark.parametrize("codec", ["h264", "prores"])
def test_movie_preview_is_its_codes_outside_the_plate_and_the_composite_inside(tmp_path, codec):
    frames = _photo_frames(3)
    movie = write_mp4(frames, tmp_path / "m.mp4", 25.0) if codec == "h264" else _prores(frames, tmp_path / "m.mov")
    x0, y0, x1, y1 = WINDOW
    inside = np.zeros(SIZE[::-1], bool)
    inside[y0:y1, x0:x1] = True
    with open_plates(movie) as source:
        previews = PreviewFrames(source)
        assert previews.direct
        for number in source.info.frames:
            plate = _plate(number)
            shown = previews.frame(previews.read(number), plate)
            whole = source.colour.working_to_srgb8(merge_over(source.read(number).rgb, plate))
            display = source.read_display8(number)
            assert shown.dtype == np.uint8 and shown.shape == (SIZE[1], SIZE[0], 3)
            assert np.array_equal(shown[~inside], display[~inside])  # the decoder's own codes, untouched
            assert np.array_equal(shown[inside], whole[inside])  # the composite, bit for bit the whole-frame path's
            # the seam: the window's transparent border, converted, matches the direct codes beside it
            assert np.abs(shown.astype(int) - whole.astype(int)).max() <= (0 if codec == "h264" else 1)
            assert np.abs(shown[inside].astype(int) - display[inside].astype(int)).max() > 50  # the plate shows


def test_frame_without_a_face_is_the_movies_codes(tmp_path):
    movie = write_mp4(_photo_frames(1), tmp_path / "m.mp4", 25.0)
    with open_plates(movie) as source:
        previews = PreviewFrames(source)
        empty = FacePlate(0, SIZE, (0, 0, 1, 1), np.zeros((1, 1, 4), np.float32), np.zeros((1, 1), np.float32))
        assert np.array_equal(previews.frame(previews.read(0), empty), source.read_display8(0))


def test_scene_linear_exr_takes_the_whole_frame_path(tmp_path):
    linear = (np.random.default_rng(0).random((SIZE[1], SIZE[0], 3), dtype=np.float32) * 1.5)
    oiio.ImageBuf(linear).write(str(tmp_path / "l.0001.exr"))
    with open_plates(tmp_path / "l.####.exr") as source:
        previews = PreviewFrames(source)
        pixels = previews.read(1)
        assert not previews.direct and pixels.codes is None
        plate = _plate(1)
        assert np.array_equal(previews.frame(pixels, plate),
                              source.colour.working_to_srgb8(merge_over(source.read(1).rgb, plate)))


def test_rendered_preview_decodes_to_the_whole_frame_composite(tmp_path, actor_clip, render):
    """``render_shot --preview`` of an H.264 movie, decoded with PyAV, equals an H.264 movie (same encoder, same
    settings) of the plates as written merged over the whole frame and taken to sRGB the whole-frame way."""
    from ned_core.io.preview import PreviewWriter

    movie = write_mp4(actor_clip.frames[:6], tmp_path / "actor.mp4", 25.0)
    summary = render(movie, tmp_path / "out", emotion="happy:0.8", preview=True)
    reference = tmp_path / "reference.mp4"
    with open_plates(movie) as source:
        writer = PreviewWriter(reference, (source.info.width, source.info.height), source.info.fps)
        for path in summary.plates:
            plate, _ = read_face_plate(path)
            writer.add(source.colour.working_to_srgb8(merge_over(source.read(plate.frame).rgb, plate)))
        writer.close()

    def decoded(path: Path) -> list[np.ndarray]:
        with av.open(str(path)) as container:
            return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]

    got, want = decoded(summary.preview), decoded(reference)
    assert len(got) == len(want) == 6
    for a, b in zip(got, want):
        assert np.array_equal(a, b)
