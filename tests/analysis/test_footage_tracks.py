"""End to end on the footage builder's clips: in every shot one track covers the visible face, no duplicates.

Coverage per clip (``python -m benchmarks.bench_footage`` prints the table) is measured on the dev clips the
analysis was tuned on and on held-out clips (other seeds, grades and orders) kept aside for measuring.
"""

from __future__ import annotations

import math
import numpy as np
import pytest

from ned_core.analysis import analyze_shot
from ned_core.analysis.mesh import yaw_angle
from ned_core.analysis.ssd import iou
from ned_core.synthetic.footage import (
    ClipSpec, ShotSpec, build_footage, dev_clips, held_out_clips, photo_faces, photo_meshes, profile_clips, turn_clips,
    turn_yaw,
)
from ned_core.synthetic.footage_score import score_tracks

COVERAGE = 0.95


@pytest.fixture(scope="module")
def face_boxes(models, config):
    return photo_faces(models, config)


def analysed(clip, face_boxes, config, models):
    footage = build_footage(clip, face_boxes)
    return footage, analyze_shot(((i, f) for i, f in enumerate(footage.frames)), config, models)


@pytest.mark.parametrize("clip", dev_clips(), ids=lambda c: c.name)
def test_dev_clips_one_track_per_face_per_shot(clip, face_boxes, config, models):
    footage, analysis = analysed(clip, face_boxes, config, models)
    scores = score_tracks(footage, analysis)
    assert {(s.shot, s.actor) for s in scores} >= {(int(k), f.actor) for k in set(footage.shot.tolist())
                                                   for f in footage.faces[int((footage.shot == k).argmax())]
                                                   if f.visible}
    for s in scores:
        assert s.coverage >= COVERAGE, s
        assert s.duplicates == 0, s
    # a track stays in its shot but for the mix of a dissolve either side (the outgoing face goes on through it, the
    # incoming one starts in it), and the ids are 0, 1, ... in order of first frame
    firsts = [int(t.track.frames[0]) for t in analysis.tracks]
    assert firsts == sorted(firsts) and [t.track.track_id for t in analysis.tracks] == list(range(len(firsts)))
    for t in analysis.tracks:
        others = set(analysis.shots[t.track.frames - analysis.frames[0]].tolist()) - {t.track.shot}
        assert all(analysis.transition(max(o, t.track.shot)) == "dissolve" and abs(o - t.track.shot) == 1
                   for o in others), (t.track.track_id, t.track.shot, others)
    # the faces fading in and out over the dissolve are not tracks of their own: one track per face and shot
    if clip.name == "dev_editorial":
        assert len(analysis.tracks) == len(scores) == 5


@pytest.mark.parametrize("clip", held_out_clips(), ids=lambda c: c.name)
def test_held_out_clips(clip, face_boxes, config, models):
    """Measured, not tuned on: every face >= 0.9 with one track (most shots 1.00), never two tracks at once."""
    footage, analysis = analysed(clip, face_boxes, config, models)
    for s in score_tracks(footage, analysis):
        assert s.coverage >= 0.9 and s.duplicates == 0, s


def test_face_dissolving_in_over_a_close_up_is_tracked_from_its_shot_start(face_boxes, config, models):
    """The incoming, smaller face lies centred in the outgoing close-up's box: it used to count as that face
    again (detections and backward following dropped) until the mesh lost the close-up, 2 frames late. Its track
    starts where it shows in the mix (the 10-frame dissolve's first 5 frames lie before the shot start)."""
    from ned_core.synthetic.footage import ClipSpec, ShotSpec

    clip = ClipSpec("close_up_dissolve", (ShotSpec("astronaut", 30, "fill", "warm", seed=71),
                                          ShotSpec("grace_hopper", 32, "zoom", "dark", seed=72, transition="dissolve",
                                                   transition_frames=10)))
    footage, analysis = analysed(clip, face_boxes, config, models)
    start = int(footage.cuts[0])
    assert int(np.flatnonzero(np.diff(analysis.shots))[0]) + 1 == start
    incoming = [s for s in score_tracks(footage, analysis) if s.shot == 1][0]
    assert incoming.coverage == 1.0 and incoming.duplicates == 0, incoming
    assert start - 5 <= int(analysis.track(incoming.best_track).track.frames[0]) <= start


def test_face_fading_in_over_a_long_dissolve_is_no_track_of_its_own(face_boxes, config, models):
    """A 20-frame dissolve: the incoming face followed in the outgoing shot's half was a 7-frame extra track when
    the dissolve was taken as 6 frames either side of its middle; now the fitted span of the mix is used."""
    from ned_core.synthetic.footage import ClipSpec, ShotSpec

    clip = ClipSpec("long_dissolve", (ShotSpec("astronaut", 48, "zoom", "neutral", seed=3),
                                      ShotSpec("grace_hopper", 48, "pan", "warm", seed=4, transition="dissolve",
                                               transition_frames=20)))
    footage, analysis = analysed(clip, face_boxes, config, models)
    scores = score_tracks(footage, analysis)
    assert len(analysis.tracks) == len(scores) == 2, [(t.track.frames[0], t.track.frames[-1]) for t in analysis.tracks]
    assert all(s.coverage >= COVERAGE and len(s.tracks) == 1 for s in scores), scores


@pytest.fixture(scope="module")
def face_meshes(models, config):
    return photo_meshes(models, config)


def analysed_turns(clip, face_boxes, face_meshes, config, models):
    footage = build_footage(clip, face_boxes, face_meshes)
    return footage, analyze_shot(((i, f) for i, f in enumerate(footage.frames)), config, models)


def one_full_track_per_shot(clip, face_boxes, face_meshes, config, models):
    """``(footage, analysis, scores)`` of ``clip``, asserting one track per face and shot over every visible frame and
    no duplicates."""
    footage, analysis = analysed_turns(clip, face_boxes, face_meshes, config, models)
    scores = score_tracks(footage, analysis)
    assert len(scores) == len(clip.shots) == len(analysis.tracks)
    for s in scores:
        assert s.coverage >= COVERAGE and len(s.tracks) == 1 and s.duplicates == 0, s
    return footage, analysis, scores


def test_a_face_turning_to_three_quarter_and_past_keeps_one_track(face_boxes, face_meshes, config, models):
    """Slow and fast turns of 35-50 degrees: one track per face and shot over every visible frame. The mesh scores a
    head turned 50 degrees below ``mesh_presence`` in frames of the edge shot (0.34-0.89 of its 50-degree frames):
    the face used to be dropped there, a 9-frame hole in its track (coverage 0.74, too long to bridge); it is now
    followed at ``turned_presence``."""
    clip = turn_clips()[0]
    footage, analysis, scores = one_full_track_per_shot(clip, face_boxes, face_meshes, config, models)
    turned = analysis.track(scores[3].best_track)
    yaw = turn_yaw(clip.shots[3])
    peak = int(np.argmax(np.abs(yaw))) + int(footage.cuts[2])
    row = int(np.flatnonzero(turned.track.frames == peak)[0])
    assert not turned.track.interpolated[row] and turned.track.scores[row] < config.mesh_presence  # followed, unsure
    assert float(iou(turned.track.boxes[row], footage.faces[peak][0].box[None])[0]) > 0.7
    assert math.degrees(abs(yaw_angle(turned.track.landmarks[row]))) > 15  # the mesh reads the turn
    # a hand over the (frontal) face in the zoom shot is still a gap, bridged and flagged, not followed over
    hand = analysis.track(scores[2].best_track).track
    assert hand.interpolated.any()
    assert not hand.held.any()  # a hand is no face held in front: its gap is not painted by default
    # every frame turned past 45 degrees is observed, several at a presence the old rule (mesh_presence in every
    # frame) refuses. The old rule itself no longer loses this face since the synthetic actors' mouths are painted
    # with teeth, cavity and tongue: re-detected at 50 degrees, the mesh reads it at 0.92-0.99 (it read nothing on
    # the flat painted slab); under it (turned_presence = mesh_presence) no 50-degree frame reads below
    # mesh_presence and the last line fails
    turned_rows = np.flatnonzero(np.isin(turned.track.frames, np.flatnonzero(np.abs(yaw) > 45) + int(footage.cuts[2])))
    assert len(turned_rows) == int((np.abs(yaw) > 45).sum()) and not turned.track.interpolated[turned_rows].any()
    assert (turned.track.scores[turned_rows] < config.mesh_presence).sum() >= 3, turned.track.scores[turned_rows]


def test_held_out_turns(face_boxes, face_meshes, config, models):
    """Measured, not tuned on: turns of 38-50 degrees with other cameras, grades, a dissolve and a hand."""
    one_full_track_per_shot(turn_clips(held_out=True)[0], face_boxes, face_meshes, config, models)


def test_a_face_turning_to_profile_and_back_keeps_one_track(face_boxes, face_meshes, config, models):
    """Slow and fast turns to 90 and 75 degrees, then the first actor back after a cut, held turned 60 degrees: one
    track per face and shot over every visible frame, no duplicates. From about 75 degrees the mesh scores the face
    0.02-0.12 (what it gives a hand or a wall) and the detector misses it: 10-13 frames lost at each profile, more than
    ``bridge_frames`` (coverage 0.68-0.75); a gap whose ends both read turned to one side is now bridged (flagged
    ``interpolated``, not painted) up to ``turned_bridge_frames``."""
    clip = profile_clips()[0]
    footage, analysis, scores = one_full_track_per_shot(clip, face_boxes, face_meshes, config, models)
    starts = [0, *footage.cuts.tolist()]
    for k in (0, 1):  # the profile frames are bridged, the frames turned less than 60 degrees observed
        track = analysis.track(scores[k].best_track).track
        yaw = np.abs(turn_yaw(clip.shots[k]))
        rows = np.searchsorted(track.frames, starts[k] + np.arange(len(yaw)))
        rows = rows[rows < len(track.frames)]
        local = track.frames[rows] - starts[k]
        assert track.interpolated[rows][yaw[local] >= 85].all() and not track.interpolated[rows][yaw[local] < 60].any()
        # a head turned away is no face held behind another: its gap fades, it is not painted (the 90-degree fill
        # shot's 12 profile frames were marked held, a detection on the profile read as a face in front)
        assert not track.held.any()
    held = analysis.track(scores[3].best_track).track  # back turned 60 degrees: followed, not bridged
    assert not held.interpolated.any() and len(held.frames) == clip.shots[3].frames


def test_a_face_filling_a_1080p_frame_turning_to_profile_keeps_one_track(face_boxes, face_meshes, config, models):
    """The dev profile clip's first shot at 1920x1080 (the face as tall as the frame, turned to 90 degrees and back):
    coming back the mesh also followed a cheek (half the face's size, 0.996 presence) and on one frame only the cheek,
    so the face re-detected next started a second track, and two frames read the far side of the profile as the near
    side, so the profile gap was not bridged: 24 of 40 frames covered, two tracks. Frames off the face are gaps now."""
    clip = ClipSpec("profile_1080p", (profile_clips()[0].shots[0],), (1920, 1080))
    footage, analysis = analysed_turns(clip, face_boxes, face_meshes, config, models)
    [s] = score_tracks(footage, analysis)
    assert s.coverage >= COVERAGE and len(s.tracks) == 1 and s.duplicates == 0, s
    track = analysis.track(s.best_track).track
    truth = np.stack([footage.faces[int(f)][0].box for f in track.frames])
    seen = ~track.interpolated
    assert (iou_rows(track.boxes[seen], truth[seen]) > 0.5).all()  # every observed frame on the whole face


def iou_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(T,)`` IoU of the boxes ``a`` and ``b`` ``(T, 4)`` row by row."""
    return np.array([float(iou(x, y[None])[0]) for x, y in zip(a, b)])


def test_held_out_profile_turns(face_boxes, face_meshes, config, models):
    """Measured, not tuned on: turns to 85, 90 and 65 degrees, a head held turned 65 degrees after a cut, a fade.
    Every face covered, never two tracks at once; the face held turned as it fades out gets a second, 2-frame track
    in the fade's last frames (known, left as measured)."""
    footage, analysis = analysed_turns(profile_clips(held_out=True)[0], face_boxes, face_meshes, config, models)
    scores = score_tracks(footage, analysis)
    for s in scores:
        assert s.coverage >= COVERAGE and s.duplicates == 0, s
    assert [len(s.tracks) for s in scores] == [1, 1, 2, 1], scores


def test_a_face_coming_out_from_behind_a_skin_toned_hand_keeps_its_track(face_boxes, config, models):
    """A hand of skin in the actor's own tone sweeping across the face: one track for the whole shot (the joining
    rule for a face found first by its visible part is tested in test_tracklets)."""
    spec = ShotSpec("astronaut", 36, "edge", "neutral", seed=3, hand=True, occluder="skin")
    footage, analysis = analysed(ClipSpec("skin_hand", (spec,)), face_boxes, config, models)
    scores = score_tracks(footage, analysis)
    assert len(scores) == 1 and len(analysis.tracks) == 1
    assert scores[0].coverage >= COVERAGE and scores[0].duplicates == 0, scores
