"""The frames the pipeline hands the analysis are held without a copy where that pins nothing and nothing changes them."""

from __future__ import annotations

import av
import numpy as np
from av.video.reformatter import ColorRange

from ned_core.analysis import analyze_image
from ned_core.io.movie_pyav import _SCALE_FLAGS, _matrix
from ned_core.io.plates import open_plates
from ned_core.analysis.shot import kept_image, look_at
from ned_core.pipeline.analyze import _srgb_frames


def test_analysis_frames_are_held_without_pinning_the_decoder(tiny_movie):
    """What the pipeline's reader hands the analysis is held as is only when that costs no memory and nothing can
    change it: arrays of their own, or the decoded codes the movie keeps (read-only) for the render."""
    with open_plates(str(tiny_movie(6))) as source:
        frames = list(_srgb_frames(source))
        assert [n for n, _, _ in frames] == list(source.info.frames)
        for number, image, look in frames:  # each with its whole-picture descriptors, made on the reader thread
            reference = look_at(image)
            assert np.array_equal(look.histogram, reference.histogram) and look.flat == reference.flat
            assert np.array_equal(look.thumbnail, reference.thumbnail)
            kept = kept_image(image, fresh=True)
            assert np.array_equal(kept, source.read_display8(number))
            if image.flags.owndata or not image.flags.writeable:
                assert kept is image
            else:
                assert kept.flags.owndata and not np.shares_memory(kept, image)


def test_held_frames_are_copied_unless_fresh_and_owned_or_read_only():
    buffer = np.arange(2 * 4 * 6 * 3, dtype=np.uint8).reshape(2, 4, 6, 3)
    view = buffer[1]  # a writable view: its owner may reuse it
    assert not np.shares_memory(kept_image(view, fresh=True), buffer)
    own = buffer[0].copy()
    assert kept_image(own, fresh=True) is own
    assert kept_image(own, fresh=False) is not own and np.array_equal(kept_image(own, fresh=False), own)
    frozen = buffer[1]
    frozen.flags.writeable = False  # read-only: nothing changes it through this array
    assert kept_image(frozen, fresh=True) is frozen
    assert not np.shares_memory(kept_image(frozen, fresh=False), buffer)


def _photo_movie(path, photo: np.ndarray, count: int):
    """``count`` frames of ``photo`` sliding right 3 px a frame, H.264 4:2:0 BT.709 limited range (crf 18)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt, stream.options = photo.shape[1], photo.shape[0], "yuv420p", \
            {"crf": "18"}
        stream.codec_context.colorspace = 1
        for i in range(count):
            rgb = av.VideoFrame.from_ndarray(np.roll(photo, 3 * i, axis=1), format="rgb24")
            for packet in stream.encode(rgb.reformat(format="yuv420p", dst_colorspace=1,
                                                     dst_color_range=ColorRange.MPEG)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_analysis_frames_give_the_landmarks_of_the_accurate_conversion(tmp_path, grace_hopper, mesh_models,
                                                                       analysis_config):
    """The analysis reads 8-bit movies through OpenCV's conversion (a few codes off swscale's accurate one, at a
    third of its CPU): on a real photo in H.264 the mesh puts each landmark within 1.5 px (0.5 on average) of where
    it puts it on swscale's accurate codes (measured <= 0.81, mean 0.15-0.37 on a ~250 px face). Red and blue
    swapped, which the bound must catch, moves them ~3 px on average."""
    path = _photo_movie(tmp_path / "hopper.mp4", grace_hopper, 3)
    with av.open(str(path)) as container:
        accurate = [p.to_ndarray(format="rgb24", src_colorspace=_matrix(p)[0], src_color_range=ColorRange.MPEG,
                                 dst_color_range=ColorRange.JPEG, interpolation=_SCALE_FLAGS)
                    for p in container.decode(video=0)]
    with open_plates(str(path)) as source:
        read = [source.read_display8(number) for number in source.info.frames]

    def distances(image: np.ndarray, reference: np.ndarray) -> np.ndarray:
        faces, want = analyze_image(image, analysis_config, mesh_models), analyze_image(reference, analysis_config,
                                                                                          mesh_models)
        assert len(faces) == len(want) == 1
        return np.linalg.norm(faces[0].landmarks[:, :2] - want[0].landmarks[:, :2], axis=1)

    for image, reference in zip(read, accurate):
        moved = distances(image, reference)
        assert moved.max() <= 1.5 and moved.mean() <= 0.5, (moved.max(), moved.mean())
    assert distances(np.ascontiguousarray(read[0][..., ::-1]), accurate[0]).mean() > 0.5


def test_a_sequence_is_read_for_the_analysis_on_two_threads_a_movie_on_one(tmp_path, tiny_movie):
    """An image sequence's files decode independently: the analysis reads them on SEQUENCE_READERS threads (one EXR's
    decode keeps one core busy, issue 13) and still gets every frame in order; a movie's one decoder, one thread."""
    import time
    import threading

    import OpenImageIO as oiio

    from ned_core.pipeline.analyze import SEQUENCE_READERS

    for number in range(1, 9):
        pixels = np.random.default_rng(number).uniform(0.0, 2.0, (24, 32, 3)).astype(np.float32)
        out = oiio.ImageOutput.create(str(tmp_path / f"s.{number:04d}.exr"))
        assert out.open(str(tmp_path / f"s.{number:04d}.exr"), oiio.ImageSpec(32, 24, 3, "half"))
        assert out.write_image(pixels)
        out.close()
    for path, readers in ((tmp_path / "s.####.exr", SEQUENCE_READERS), (tiny_movie(6), 1)):
        with open_plates(str(path)) as source:
            threads, real = set(), source.read_display8

            def read(number: int, shrink: int = 1) -> np.ndarray:
                threads.add(threading.current_thread().name)
                time.sleep(0.02)  # a decode long enough that each reader is busy when the next frame is asked for
                return real(number, shrink)

            source.read_display8 = read
            frames = list(_srgb_frames(source))
            assert [n for n, _, _ in frames] == list(source.info.frames)
            for number, image, _ in frames:
                assert np.array_equal(image, real(number))
        assert len(threads) == readers == (2 if path.suffix == ".exr" else 1)
