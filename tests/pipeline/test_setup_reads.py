"""A renderer's set-up reads the movie in one pass: occlusion samples are read among the mouth patches, and of each
sample frame only what the occlusion reference and the spectacle rims look at."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import ned_core.io.movie_pyav as movie_pyav
import ned_core.pipeline.frame_render as frame_render
from ned_core.composite.occlusion import canonical_read_box
from ned_core.io.plates import open_plates
from ned_core.io.plate_source import Frame
from ned_core.pipeline.frame_render import MouthCanvas, SetupReads
from ned_core.render.glasses import rim_read_box, rim_vote, rims_from_votes


def test_planned_windows_are_read_in_the_same_pass_as_the_patches(tiny_movie, monkeypatch):
    # nothing kept from earlier reads: every read of a frame the decoder has passed decodes from the start again
    monkeypatch.setattr(movie_pyav, "KEEP_CONVERTED_BYTES", 0)
    monkeypatch.setattr(movie_pyav, "KEEP_DECODED_BYTES", 0)
    path = tiny_movie(8)
    planned = {1: (0, 0, 40, 30), 4: (10, 5, 60, 45), 7: (0, 0, 64, 48)}
    with open_plates(str(path)) as direct:
        want = {n: direct.read(n, box).rgb for n, box in planned.items()}
        patch_want = {n: direct.read(n, (20, 20, 30, 30)).rgb for n in (0, 2, 4, 5)}
    with open_plates(str(path)) as source:
        kept = []
        reads = SetupReads(source, planned, keep=lambda frame: kept.append(frame.number) or frame.rgb)
        for n in (0, 2, 4, 5):  # the mouth index's patches, in frame order
            assert np.array_equal(reads.read(n, (20, 20, 30, 30)).rgb, patch_want[n])
        assert kept == [1, 4]  # read ahead, each just before the first patch of its frame or a later one
        got = {n: reads.sample(n) for n in planned}
        assert source.decoded == 8  # one pass over the movie for both
        reads.close()
    assert kept == [1, 4, 7] and all(np.array_equal(got[n], want[n]) for n in planned)
    assert reads.ahead == {} and reads.planned == {}


def test_unplanned_sampling_and_close(tiny_movie):
    path = tiny_movie(4)
    with open_plates(str(path)) as source:
        reads = SetupReads(source, {2: (0, 0, 10, 10), 3: (0, 0, 10, 10)}, keep=lambda frame: frame.number)
        reads.read(2, (0, 0, 5, 5))
        assert reads.ahead == {2: 2}
        reads.close()  # a reference that came from the cache: what was read ahead is not held on to
        assert reads.ahead == {} and reads.planned == {}


def test_a_frame_sampled_for_two_uses_is_read_once(tiny_movie):
    """The occlusion reference and the spectacle rims may sample the same frame: one read serves both."""
    path = tiny_movie(4)
    with open_plates(str(path)) as source:
        kept = []
        reads = SetupReads(source, {1: (0, 0, 10, 10), 3: (0, 0, 10, 10)},
                           keep=lambda frame: kept.append(frame.number) or frame.number)
        assert [reads.sample(n) for n in (1, 3)] == [1, 3]  # the rims' samples
        assert [reads.sample(n) for n in (1, 3)] == [1, 3]  # the occlusion reference's, the same frames
        assert kept == [1, 3]


def test_mouth_canvas_holds_only_the_last_window():
    """The reused mouth-index frame equals a fresh zero frame with only the last window in place."""
    canvas = MouthCanvas((6, 8))
    first = np.full((2, 3, 3), 1.5, np.float32)
    second = np.arange(2 * 2 * 3, dtype=np.float32).reshape(2, 2, 3) + 1
    canvas.show(Frame(1, first, None, (1, 1)))
    shown = canvas.show(Frame(2, second, None, (5, 3)))
    want = np.zeros((6, 8, 3), np.float32)
    want[3:5, 5:7] = second
    assert np.array_equal(shown, want)


def test_a_rim_sample_is_read_only_where_the_rims_are_looked_for(actor_pattern, analyse, ned_config):
    """The spectacle rims' sample frames are read at ``rim_read_box`` (with the occlusion reference's box where the
    frame samples both), not as the face's window, and the shot's rims are those of the whole frames to the bit."""
    track = analyse(actor_pattern).analysis.analysis.tracks[0]
    rows = {int(n): i for i, n in enumerate(track.track.frames)}
    rim_frames = sorted(frame_render._spread(track, frame_render.GLASSES_SAMPLES))
    with open_plates(actor_pattern, colour=ned_config.colour) as source:
        size = (source.info.height, source.info.width)
        reads: dict[int, list[tuple[int, int, int, int] | None]] = {}
        real_read = source.read
        source.read = lambda n, box=None: reads.setdefault(n, []).append(box) or real_read(n, box)
        renderer = frame_render.FrameRenderer(replace(ned_config, cache_dir=None), source, track)  # rims not cached
        occlusion = frame_render._spread(track, ned_config.composite.occlusion.samples)
        whole = [rim_vote(real_read(n).rgb, track.landmarks[rows[n]]) for n in rim_frames]
    assert renderer.renderer.glasses is not False, "Grace Hopper's glasses were not found"
    assert np.array_equal(renderer.renderer.glasses.grid, rims_from_votes(whole).grid)
    for n in rim_frames:
        landmarks = track.landmarks[rows[n]]
        boxes = [rim_read_box(landmarks, size)] + ([canonical_read_box(landmarks, size)] if n in occlusion else [])
        want = tuple(f(b[i] for b in boxes) for i, f in enumerate((min, min, max, max)))
        window = frame_render.render_window(renderer.growth, landmarks, landmarks)
        assert reads[n][0] == want != window, f"frame {n}: read {reads[n][0]}"
