"""Tracklets of one face joined, duplicates folded, overlaps dropped, short gaps bridged (on real landmarks)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ned_core.analysis.mesh import mesh_box
from ned_core.analysis.tracklets import bridge_gaps, drop_overlaps, join_tracklets, without_parts
from ned_core.analysis.types import FaceTrack


@pytest.fixture(scope="module")
def faces(astronaut, grace_hopper, config, models):
    """Landmarks ``(478, 3)`` of the two real faces, both moved to the same place and size."""
    from ned_core.analysis import analyze_image

    out = []
    for photo in (astronaut, grace_hopper):
        lm = analyze_image(photo, config, models)[0].landmarks.astype(np.float64)
        box = mesh_box(lm)
        lm[:, :2] = (lm[:, :2] - box[:2]) * (100.0 / (box[3] - box[1]))
        out.append(lm.astype(np.float32))
    return out


def moving(track_id: int, landmarks: np.ndarray, frames, start=(0.0, 0.0), speed=(5.0, 0.0), score=1.0,
           shot: int = 0) -> FaceTrack:
    """A tracklet of ``landmarks`` moving at ``speed`` px/frame from ``start`` at frame 0 (positions by frame)."""
    frames = np.asarray(list(frames), np.int64)
    shift = np.asarray(start) + frames[:, None] * np.asarray(speed)
    lm = np.repeat(landmarks[None], len(frames), axis=0).copy()
    lm[:, :, :2] += shift[:, None, :].astype(np.float32)
    return FaceTrack(track_id, shot, frames, lm, np.stack([mesh_box(x) for x in lm]),
                     np.full(len(frames), score, np.float32))


def test_a_face_lost_for_a_while_continues_its_track(faces, config):
    astro = faces[0]
    first, second = moving(0, astro, range(0, 10)), moving(1, astro, range(15, 25))
    elsewhere = moving(2, astro, range(12, 25), start=(400.0, 300.0))
    joined = join_tracklets([second, elsewhere, first], config)
    assert len(joined) == 2
    whole = next(t for t in joined if t.track_id == 0)
    np.testing.assert_array_equal(whole.frames, [*range(10), *range(15, 25)])
    # a new face far from where the lost one was heading starts its own track
    assert next(t for t in joined if t.track_id == 2).frames[0] == 12
    # another shot never continues a track
    assert len(join_tracklets([first, dataclasses.replace(second, shot=1)], config)) == 2


def test_with_another_face_about_proportions_must_agree(faces, config):
    astro, grace = faces
    lost = moving(0, astro, range(0, 10))
    other_person = moving(1, grace, range(15, 25))  # starts exactly where the astronaut was heading
    bystander = moving(2, grace, range(0, 25), start=(0.0, 300.0), speed=(0.0, 0.0))
    assert len(join_tracklets([lost, other_person, bystander], config)) == 3
    same_person = moving(3, astro, range(15, 25))
    assert len(join_tracklets([lost, same_person, bystander], config)) == 2
    # alone in the shot, motion decides (a hand or the frame edge distorts the proportions)
    assert len(join_tracklets([lost, other_person], config)) == 1


def test_one_face_found_twice_is_one_track(faces, config):
    astro = faces[0]
    a = moving(0, astro, range(0, 10), score=0.95)
    b = moving(1, astro, range(3, 14), start=(2.0, 1.0), score=0.99)
    joined = join_tracklets([a, b], config)
    assert len(joined) == 1 and joined[0].track_id == 0
    np.testing.assert_array_equal(joined[0].frames, range(0, 14))
    np.testing.assert_allclose(joined[0].scores, [0.95] * 3 + [0.99] * 11)  # the surer observation per frame


def test_where_two_tracks_sit_on_one_face_the_surer_keeps_the_frame(faces):
    astro, grace = faces
    front = moving(0, astro, range(0, 10), speed=(0.0, 0.0))
    # the back face walks into the front one; its crop slides onto it for frames 6-9 with lower presence
    walking = moving(1, grace, range(0, 6), start=(300.0, 0.0), speed=(-50.0, 0.0), score=0.93)
    slid = moving(1, grace, range(6, 10), start=(2.0, 0.0), speed=(0.0, 0.0), score=0.93)
    back = FaceTrack(1, 0, np.concatenate([walking.frames, slid.frames]),
                     np.concatenate([walking.landmarks, slid.landmarks]), np.concatenate([walking.boxes, slid.boxes]),
                     np.concatenate([walking.scores, slid.scores]))
    kept = drop_overlaps([front, back])
    np.testing.assert_array_equal(kept[0].frames, range(10))
    np.testing.assert_array_equal(kept[1].frames, range(6))


def test_short_gaps_are_bridged_and_flagged(faces, config):
    track = moving(0, faces[0], [0, 1, 2, 6, 7, 20, 21])
    bridged = bridge_gaps(track, frozenset({4}), config)
    np.testing.assert_array_equal(bridged.frames, [0, 1, 2, 3, 5, 6, 7, 20, 21])  # 4 is flat; 8-19 too long
    np.testing.assert_array_equal(bridged.interpolated, [0, 0, 0, 1, 1, 0, 0, 0, 0])
    expected = moving(0, faces[0], [3, 5])
    np.testing.assert_allclose(bridged.landmarks[[3, 4]], expected.landmarks, atol=1e-3)
    assert (bridged.scores[bridged.interpolated] == 0).all()
    assert bridge_gaps(track, frozenset(), dataclasses.replace(config, bridge_frames=0)) is track


def turned(landmarks: np.ndarray, degrees: float) -> np.ndarray:
    """``landmarks`` turned about the vertical through their centre (``mesh.yaw_angle`` reads the turn's side)."""
    a = np.radians(degrees)
    centre = landmarks.mean(axis=0)
    x, z = landmarks[:, 0] - centre[0], landmarks[:, 2] - centre[2]
    out = landmarks.copy()
    out[:, 0], out[:, 2] = centre[0] + np.cos(a) * x - np.sin(a) * z, centre[2] + np.sin(a) * x + np.cos(a) * z
    return out


@pytest.mark.parametrize("before, after, bridged", [(40, 40, True), (40, 30, True), (40, -40, False), (0, 0, False),
                                                    (40, 0, False)], ids=["turned", "turned less", "other sides",
                                                                          "frontal", "one end frontal"])
def test_a_face_turned_away_to_profile_and_back_is_bridged_over_a_longer_gap(faces, config, before, after, bridged):
    """A head turned past what the mesh follows (towards profile) is lost for 10-13 frames of the test footage's turns
    to 90 degrees: a gap read turned to the same side at both ends is bridged up to ``turned_bridge_frames``; any
    other gap up to ``bridge_frames`` (8) only."""
    track = moving(0, faces[0], [0, 1, 2, 15, 16])  # a 12-frame gap
    track.landmarks[:3] = turned(faces[0], before)[None] + (track.landmarks[:3] - faces[0][None])
    track.landmarks[3:] = turned(faces[0], after)[None] + (track.landmarks[3:] - faces[0][None])
    out = bridge_gaps(track, frozenset(), config)
    assert len(out.frames) == (17 if bridged else 5) and int(out.interpolated.sum()) == (12 if bridged else 0)
    shorter = dataclasses.replace(config, turned_bridge_frames=10)  # the gap is longer than this
    assert len(bridge_gaps(track, frozenset(), shorter).frames) == 5


def test_a_face_found_first_by_its_visible_part_after_a_hand_continues_its_track(faces, config):
    """As a hand leaves the face, the mesh first finds the part of the face beside it as a small face of its own
    (a third of the size, off the face's centre); the whole face, found a frame later, sits on the same place as that
    part. Both continue the track from before the hand (the part alone is too small to join it); the frame only the
    part has is left a gap (its landmarks are a small face on the cheek, no edit's), bridged later like a missed face."""
    astro = faces[0]
    before = moving(0, astro, range(0, 20), speed=(1.0, 0.0))
    part = moving(1, astro * np.float32([0.35, 0.35, 0.35]), range(21, 24), start=(10.0, 20.0), speed=(1.0, 0.0))
    whole = moving(2, astro, range(22, 36), speed=(1.0, 0.0))
    joined = join_tracklets([before, part, whole], config)
    assert len(joined) == 1 and joined[0].track_id == 0
    np.testing.assert_array_equal(joined[0].frames, [*range(20), *range(22, 36)])
    # a face elsewhere at the same time as the part is not pulled in
    other = moving(3, faces[1], range(0, 36), start=(400.0, 300.0), speed=(0.0, 0.0))
    assert len(join_tracklets([before, part, whole, other], config)) == 2


def test_two_claims_on_one_frame_keep_the_one_the_size_continues(faces, config):
    """A face found twice where one of the two is on a part of it (a third of its size, on the chin) or on more than
    it (a box twice its size around it), the mesh surer of that one: the face's track keeps the observation at the
    face's size on the frames about it, whatever the presence says. Of one size, the surer observation is kept."""
    astro = faces[0]
    face = moving(0, astro, range(0, 20), speed=(1.0, 0.0), score=0.9)
    chin = moving(1, astro * np.float32([0.33, 0.33, 0.33]), range(8, 11), start=(60.0, 70.0), speed=(1.0, 0.0),
                  score=0.99)
    around = moving(2, astro * np.float32([2.0, 2.0, 2.0]), range(12, 15), start=(-50.0, -50.0), speed=(1.0, 0.0),
                    score=0.99)
    for fragment in (chin, around):
        joined, = join_tracklets([face, fragment], config)
        np.testing.assert_array_equal(joined.frames, range(20))
        np.testing.assert_allclose(joined.boxes, face.boxes)  # the face all through
        np.testing.assert_allclose(joined.scores, 0.9)
    # only ever seen together: a part lies inside the face it is on
    same_frames = dataclasses.replace(chin, frames=face.frames[8:11])
    joined, = join_tracklets([face.take(np.arange(8, 11)), same_frames], config)
    np.testing.assert_allclose(joined.boxes, face.boxes[8:11])


def test_a_small_track_passing_over_a_face_does_not_take_its_frames(faces):
    """A small track (a third of the face's size: a hand or a part of the picture found as a face) passes over the
    face on frames 6-10, the mesh surer of it there: the face keeps its observed frames; the small track loses those
    it lay on the face. (The surer one kept them: the face was bridged over 6-10, on the small track's say-so.)"""
    astro = faces[0]
    front = moving(0, astro, range(0, 13), speed=(0.0, 0.0), score=0.9)
    small = astro * np.float32([0.33, 0.33, 0.33])
    passing = moving(1, small, range(0, 13), start=(-130.0, 40.0), speed=(20.0, 0.0), score=0.99)
    on_face = [int(f) for f, b in zip(passing.frames, passing.boxes)
               if front.boxes[0, 0] <= (b[0] + b[2]) / 2 <= front.boxes[0, 2]]
    assert on_face == [6, 7, 8, 9, 10]
    kept_front, kept_passing = drop_overlaps([front, passing])
    np.testing.assert_array_equal(kept_front.frames, range(13))
    np.testing.assert_array_equal(kept_passing.frames, [0, 1, 2, 3, 4, 5, 11, 12])
    # of one size, the surer one keeps the frame (a hidden face's crop sliding onto the face in front)
    same_size = moving(1, astro, range(0, 13), start=(-150.0, 0.0), speed=(25.0, 0.0), score=0.99)
    assert len(drop_overlaps([front, same_size])[0].frames) < 13


def test_a_part_of_the_face_at_a_tracklets_end_does_not_split_the_track(faces, config):
    """A face filling a 1080p frame turning back from profile (the dev profile clip's first shot): for three frames the
    mesh also followed a part of it (half its size, inside it), and on the third only the part; the whole face,
    re-detected a frame later, started a second track (its size 1.9x the part's, too far off to join it): 24 of 40
    frames covered. The part's frames are no observations of the face: left a gap, and the face joins on."""
    astro = faces[0]
    before = moving(0, astro, range(0, 20), speed=(1.0, 0.0))
    part = moving(1, astro * np.float32([0.5, 0.5, 0.5]), range(17, 21), start=(20.0, 30.0), speed=(1.0, 0.0))
    after = moving(2, astro, range(21, 30), speed=(1.0, 0.0))
    joined = join_tracklets([before, part, after], config)
    assert len(joined) == 1, [t.frames for t in joined]
    np.testing.assert_array_equal(joined[0].frames, [*range(20), *range(21, 30)])
    assert np.ptp([b[3] - b[1] for b in joined[0].boxes]) < 1.0  # every box the face's
    assert len(without_parts(before).frames) == len(before.frames)  # the face alone loses nothing


def test_the_far_side_of_a_profile_read_as_the_near_side_is_no_observation(faces, config):
    """Coming back from 90 degrees the mesh read two frames turned to the other side (the far side of the profile read
    as the near side) between frames turned to one side: the gap to them read turned both ways, so it was not bridged
    (10 frames, more than ``bridge_frames``; the same 1080p shot). Such a short run is dropped: the turned gap is
    bridged over it. A head that faces the camera between the two sides (turning from one to the other) keeps every
    frame."""

    def track_turned(degrees: list[float]) -> FaceTrack:
        track = moving(0, faces[0], [0, 1, 2, 13, 14, 15, 16, 17])
        for r, deg in enumerate(degrees):
            track.landmarks[r] += turned(faces[0], deg) - faces[0]
        return track

    out = bridge_gaps(without_parts(track_turned([-40, -40, -40, 40, 40, -40, -40, -40])), frozenset(), config)
    np.testing.assert_array_equal(out.frames, range(18))
    assert out.interpolated[3:15].all() and not out.interpolated[[0, 1, 2, 15, 16, 17]].any()
    turning = track_turned([-40, -40, -40, 0, 40, 40, 40, 40])  # through frontal: a real turn
    assert len(without_parts(turning).frames) == len(turning.frames)
