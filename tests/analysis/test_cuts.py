"""Shot boundaries on the footage builder's clips: cuts, dissolves, fades found; flash and black frames ignored."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.cuts import ShotDetector
from ned_core.analysis.signature import frame_summary
from ned_core.synthetic.footage import (
    ClipSpec, ShotSpec, build_footage, dev_clips, held_out_clips, pan_dissolve_clips, photo_faces,
)


@pytest.fixture(scope="module")
def face_boxes(models, config):
    return photo_faces(models, config)


def detect(frames: np.ndarray) -> ShotDetector:
    detector = ShotDetector()
    for image in frames:
        detector.add(image, frame_summary(image)[1])
    return detector


def found_and_true(clip, face_boxes):
    footage = build_footage(clip, face_boxes)
    detector = detect(footage.frames)
    return [b.index for b in detector.boundaries()], footage.cuts.tolist(), detector, footage


@pytest.mark.parametrize("clip", dev_clips(), ids=lambda c: c.name)
def test_dev_clips_cut_within_one_frame(clip, face_boxes):
    found, truth, detector, footage = found_and_true(clip, face_boxes)
    assert len(found) == len(truth) and np.abs(np.subtract(found, truth)).max() <= 1, (found, truth)
    np.testing.assert_array_equal(np.abs(detector.shot_index() - footage.shot).max() <= 1, True)
    assert [b.kind for b in detector.boundaries()] == [s.transition for s in clip.shots[1:]]


def test_dev_clip_transitions_by_kind(face_boxes):
    found, _, detector, footage = found_and_true(dev_clips()[0], face_boxes)
    # shots 1, 2 (dark, warm) cut; 3 dissolves in; 4 fades in from black (its first frame, right after black)
    assert [b.kind for b in detector.boundaries()] == ["cut", "cut", "dissolve", "fade"]
    assert footage.frames[found[3] - 1].max() == 0 and footage.frames[found[3]].max() > 0
    for index in footage.events:  # the black and the flash frame inside shot 3 split nothing
        assert all(abs(index - f) > 2 for f in found)


@pytest.mark.parametrize("clip", held_out_clips(), ids=lambda c: c.name)
def test_held_out_clips_cut_within_one_frame(clip, face_boxes):
    """Held out (not tuned on): cuts, fades and the dissolves all within +-1 frame (was +-2 with the first test), each
    reported as the kind of transition it is."""
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert len(found) == len(truth) and np.abs(np.subtract(found, truth)).max() <= 1, (found, truth)
    assert [b.kind for b in detector.boundaries()] == [s.transition for s in clip.shots[1:]]


DISSOLVES = [  # (length, first shot, second shot): unlike pictures, grades and camera moves; 4 to 20 frames
    (4, ShotSpec("astronaut", 30, "fill", "neutral", seed=201), ShotSpec("grace_hopper", 30, "crossing", "cool_night")),
    (4, ShotSpec("grace_hopper", 30, "edge", "dark", seed=202), ShotSpec("astronaut", 30, "edge", "warm")),
    (6, ShotSpec("grace_hopper", 30, "pan", "neutral", seed=205), ShotSpec("astronaut", 30, "pan", "bleach")),
    (8, ShotSpec("grace_hopper", 30, "pan", "cool_night", seed=208), ShotSpec("astronaut", 30, "crossing", "bleach")),
    (10, ShotSpec("astronaut", 30, "fill", "dark", seed=210), ShotSpec("grace_hopper", 30, "fill", "neutral")),
    (16, ShotSpec("astronaut", 40, "fill", "cool_night", seed=216), ShotSpec("grace_hopper", 40, "fill", "neutral")),
    (20, ShotSpec("astronaut", 48, "zoom", "neutral", seed=219), ShotSpec("grace_hopper", 48, "crossing", "warm")),
]


@pytest.mark.parametrize("length, first, second", DISSOLVES, ids=lambda v: str(v) if isinstance(v, int) else "")
def test_dissolves_of_many_lengths_found_within_one_frame(length, first, second, face_boxes):
    """The first dissolve test (one 13-frame window, ends' contrast) found 4 of 21 such dissolves; now 16."""
    from dataclasses import replace

    clip = ClipSpec("dissolve", (first, replace(second, seed=first.seed + 100, transition="dissolve",
                                                transition_frames=length)))
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert len(found) == 1 and abs(found[0] - truth[0]) <= 1, (found, truth)
    boundary = detector.boundaries()[0]
    mixed = truth[0] - length // 2  # the first mixed row (build_footage: rows start .. start + length - 1)
    assert boundary.kind == "dissolve" and boundary.span is not None
    assert abs(boundary.span[0] - (mixed - 1)) <= 2 and abs(boundary.span[1] - (mixed + length)) <= 2, boundary


@pytest.mark.parametrize("camera", ["pan", "zoom", "fill", "crossing"])
def test_moving_camera_and_fades_make_no_dissolve(camera, face_boxes):
    """Camera moves, a blur, a hand, black and flash frames, then a fade: one shot start, the fade's."""
    clip = ClipSpec("moving", (ShotSpec("astronaut", 40, camera, "cool_night", seed=7, blur=True, hand=True,
                                        black_frame=True, flash_frame=True),
                               ShotSpec("grace_hopper", 30, "zoom", "warm", seed=8, transition="fade",
                                        transition_frames=6)))
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert found == truth and [b.kind for b in detector.boundaries()] != ["dissolve"], (found, truth)


def test_dark_film_sharing_a_palette_still_cuts(face_boxes):
    """The histogram threshold of the first version never fired here: two dark warm shots of one palette."""
    clip = ClipSpec("dark", (ShotSpec("astronaut", 24, "pan", "dark_warm", seed=31),
                             ShotSpec("astronaut", 24, "zoom", "dark_warm", seed=32)))
    found, truth, _, _ = found_and_true(clip, face_boxes)
    assert found == truth == [24]


def test_flash_and_black_frames_inside_a_still_shot_do_not_split(face_boxes):
    footage = build_footage(ClipSpec("still", (ShotSpec("grace_hopper", 30, "fill", "warm", seed=33,
                                                        black_frame=True, flash_frame=True),)), face_boxes)
    assert sorted(footage.events.values()) == ["black", "flash"]
    detector = detect(footage.frames)
    assert detector.boundaries() == [] and not detector.shot_index().any()


def test_empty_detector():
    assert ShotDetector().boundaries() == [] and ShotDetector().shot_index().shape == (0,)


def test_dissolve_between_two_moving_cameras_found(face_boxes):
    """Both shots' cameras cross during the dissolve, so at 16 pixels across the middle frame is no mix of the
    window's ends (residual about 0.5); at 8 across it is. Missed before the coarser scale (issue 11, var01)."""
    clip = ClipSpec("two moving", (
        ShotSpec("astronaut", 36, "crossing", "bleach", seed=11, blur=True),
        ShotSpec("grace_hopper", 45, "crossing", "neutral", seed=12, hand=True, transition="dissolve",
                 transition_frames=10)))
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert len(found) == 1 and abs(found[0] - truth[0]) <= 1, (found, truth)
    assert detector.boundaries()[0].kind == "dissolve"



def test_dissolve_out_of_a_filled_frame_into_a_zoom_placed_exactly(face_boxes):
    """A 9-frame dissolve from a face filling the frame into a zoom that goes on after it (issue 11, var07's shots):
    the mix is the run of frame steps pointing from the first picture to the last, so its ends are the dissolve's
    and the new shot starts on its frame. (A ramp fitted to the mix weight put the start 2 frames late: the zoom
    kept raising the weight after the mix.)"""
    clip = ClipSpec("fill into zoom", (
        ShotSpec("grace_hopper", 34, "fill", "cool_night", seed=71),
        ShotSpec("astronaut", 40, "zoom", "neutral", seed=72, hand=True, transition="dissolve", transition_frames=9)))
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert len(found) == 1 and found[0] == truth[0], (found, truth)
    assert detector.boundaries()[0].span == (truth[0] - 5, truth[0] + 5)  # last unmixed frame, first after the mix


@pytest.mark.parametrize("size", [(320, 240), (320, 180)], ids=["4:3", "16:9"])
@pytest.mark.parametrize("first, second", [
    (ShotSpec("astronaut", 32, "pan", "neutral", seed=406),
     ShotSpec("grace_hopper", 36, "fill", "dark_warm", seed=456)),
    (ShotSpec("grace_hopper", 32, "fill", "warm", seed=407), ShotSpec("astronaut", 36, "zoom", "neutral", seed=457)),
], ids=["pan into fill", "fill into zoom"])
def test_dissolve_span_is_the_mix_at_either_frame_shape(first, second, size, face_boxes):
    """10-frame dissolves placed exactly, their span the mix (within a frame), in 4:3 and 16:9 frames. The windows
    read as a mix reach several frames into the shots; the mix direction taken between their ends held the cameras'
    moves over those frames, so steps outside the mix leaned towards it and joined it: 2 frames late over
    (21, 37) into the zoom, 2 early over (18, 32) out of the pan at 16:9 (issue 11)."""
    from dataclasses import replace

    clip = ClipSpec("dissolve", (first, replace(second, transition="dissolve", transition_frames=10)), size=size)
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert len(found) == 1 and found[0] == truth[0], (found, truth)
    span = detector.boundaries()[0].span
    assert span is not None and abs(span[0] - (truth[0] - 6)) <= 1 and abs(span[1] - (truth[0] + 5)) <= 1, span


@pytest.mark.parametrize("size", [(320, 180), (640, 360)], ids=["320x180", "640x360"])
@pytest.mark.parametrize("first, second", [
    (ShotSpec("grace_hopper", 37, "pan", "neutral", seed=92),
     ShotSpec("astronaut", 39, "fill", "cool_night", seed=93, transition="dissolve", transition_frames=7)),
    (ShotSpec("astronaut", 30, "fill", "dark", seed=210),
     ShotSpec("grace_hopper", 30, "fill", "neutral", seed=310, transition="dissolve", transition_frames=10)),
], ids=["pan into still", "still dark out"])
def test_a_dissolve_into_or_out_of_a_still_shot_is_no_cut(first, second, size, face_boxes):
    """Next to a still shot the content detector's neighbouring scores are the grain's, so one step of the mix can
    pass its ratio: the last step into the still fill (var09's shots 3-4), the first out of the still dark shot
    (a DISSOLVES clip). That cut hid the dissolve: read as a hard cut at the mix's end, 4 late, or at its start,
    5 early, at 320x180, 640x360, 1280x720 and 1080p (issue 11). A step that is a small share of the mix is the
    dissolve's."""
    clip = ClipSpec("still", (first, second), size=size)
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert [b.kind for b in detector.boundaries()] == ["dissolve"] and found == truth, (detector.boundaries(), truth)
    span = detector.boundaries()[0].span
    length = second.transition_frames
    mixed = truth[0] - length // 2
    assert span == (mixed - 1, mixed + length), span  # the last unmixed frame and the first after the mix


@pytest.mark.parametrize("clip", pan_dissolve_clips(), ids=lambda c: c.name)
def test_long_dissolve_out_of_a_fast_pan_placed_exactly(clip, face_boxes):
    """16-frame dissolves from a fast pan into a darker edge shot (12 of h98's 16-clip corpus; seeds 6 and 7 are held
    out, bench_footage). On 16-px thumbnails the pan's steps are about 4x a mix step, so the mix's first steps (the pan
    still most of the picture) point along the pan: they were left out of the mix, its start 4-7 frames late, then
    (read on 6-px thumbnails) 2-3 late on 4 of 16. The pan's own move is now taken out of each mix step at the pan's
    share, so every mix starts on its frame; and the dark warm pan (g1) no longer reads as a dissolve of its own: its
    only windows reached into the real mix (issue 11)."""
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert [b.kind for b in detector.boundaries()] == ["dissolve"] and found == truth, (detector.boundaries(), truth)
    mixed = truth[0] - 8  # the first mixed row
    assert detector.boundaries()[0].span == (mixed - 1, mixed + 16), detector.boundaries()[0]


@pytest.mark.parametrize("name", ["pan_dissolve_g0", "pan_dissolve_g1", "pan_dissolve_g3"])
def test_long_dissolve_out_of_a_fast_pan_placed_exactly_at_720p(name, face_boxes):
    """At 1280x720 the same clips were found 2 late (g0, g3: the pan's steps hid the mix's first 4) or 3 early (g1: the
    dark pan's windows, reaching into the mix, joined it and the mix's start had to lie before their middles)."""
    from dataclasses import replace

    clip = replace(next(c for c in pan_dissolve_clips() if c.name == name), size=(1280, 720))
    found, truth, detector, _ = found_and_true(clip, face_boxes)
    assert [b.kind for b in detector.boundaries()] == ["dissolve"] and found == truth, (detector.boundaries(), truth)
    assert detector.boundaries()[0].span == (truth[0] - 9, truth[0] + 8), detector.boundaries()[0]
