"""Tracks over a real clip: stable ids through swaps, entries, exits, black frames and cuts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ned_core.analysis import analyze_frames, default_track, track_faces
from ned_core.analysis.signature import face_colour
from ned_core.analysis.types import FaceObservation, FaceTrack, FrameFaces
from ned_core.exceptions import NoFaceTrackError

SCRIPT = (
    ["astronaut_only"] * 3  # 100-102 astronaut alone (right)
    + ["both"] * 3  # 103-105 Grace enters (left)
    + ["swapped"] * 2  # 106-107 they swap sides
    + ["both"]  # 108 back
    + ["black"]  # 109 black frame
    + ["both"] * 2  # 110-111
    + ["astronaut_only"] * 2  # 112-113 Grace leaves
    + ["both"] * 2  # 114-115 Grace comes back
    + ["after_cut"] * 3  # 116-118 cut: another shot
)


def centre_x(track: FaceTrack) -> np.ndarray:
    return (track.boxes[:, 0] + track.boxes[:, 2]) / 2


@pytest.fixture(scope="module")
def clip_tracks(clip_parts, config, models):
    per_frame, _ = analyze_frames(((100 + i, clip_parts[name]) for i, name in enumerate(SCRIPT)), config, models)
    # the montage jumps between stills; a content detector rightly calls the half-frame jumps cuts, so the
    # script's own shots are set here (shot detection is tested in test_cuts on the footage builder's clips)
    per_frame = [dataclasses.replace(f, shot=int(f.frame >= 116)) for f in per_frame]
    return per_frame, track_faces(per_frame, config)


def test_ids_follow_the_actors(clip_tracks):
    per_frame, tracks = clip_tracks
    assert [len(f.faces) for f in per_frame] == [1, 1, 1, 2, 2, 2, 2, 2, 2, 0, 2, 2, 1, 1, 2, 2, 1, 1, 1]
    assert len(tracks) == 3
    astro, grace, after = tracks
    assert (astro.track_id, grace.track_id, after.track_id) == (0, 1, 2)
    # astronaut: every frame of the first shot but the black one, right side except while swapped
    np.testing.assert_array_equal(astro.frames, [*range(100, 109), *range(110, 116)])
    assert np.all((centre_x(astro) < 512) == np.isin(astro.frames, [106, 107]))
    # Grace: enters at 103, keeps her id across the swap, the black frame, and her exit and return
    observed = grace.frames[~grace.interpolated]
    np.testing.assert_array_equal(observed, [103, 104, 105, 106, 107, 108, 110, 111, 114, 115])
    assert np.all((centre_x(grace)[~grace.interpolated] > 512) == np.isin(observed, [106, 107]))
    # her 2-frame absence is bridged with flagged, interpolated landmarks; the black frame is never filled
    np.testing.assert_array_equal(grace.frames[grace.interpolated], [112, 113])
    assert (grace.scores[grace.interpolated] == 0).all() and not astro.interpolated.any()
    assert [(s.start, s.stop) for s in grace.segments()] == [(0, 6), (6, 12)]


def test_cut_ends_tracks(clip_tracks):
    _, tracks = clip_tracks
    astro, grace, after = tracks
    assert (astro.shot, grace.shot, after.shot) == (0, 0, 1)
    np.testing.assert_array_equal(after.frames, [116, 117, 118])
    # same actor at the same place, but after a cut: a new track, not a continuation
    assert abs(centre_x(after)[0] - centre_x(astro)[-1]) < 5


def _faded_out(frame: FrameFaces) -> FrameFaces:
    """``frame`` without the astronaut (right half, left while swapped: 106-107), as after a dissolve out of her shot."""
    keep = [j for j, f in enumerate(frame.faces) if ((f.box[0] + f.box[2]) / 2 < 512) != (frame.frame in (106, 107))]
    return dataclasses.replace(frame, faces=tuple(frame.faces[j] for j in keep), appearance=frame.appearance[keep])


def test_dissolve_frames_belong_to_both_shots(clip_tracks, config):
    """A dissolve mixing frames 102-105, the new shot starting at 104, the astronaut fading out after 104: her track
    (outgoing shot) goes on past the shot start to where she is last seen; Grace, entering in the mix before the new
    shot's first frame, starts the new shot's track there. (Split at 104, the astronaut's track ended a frame early
    and Grace's first frame was a dropped track of its own.)"""
    per_frame, _ = clip_tracks
    mixed = [dataclasses.replace(f if f.frame < 105 else _faded_out(f), shot=int(f.frame >= 104),
                                 in_dissolve=102 <= f.frame <= 105) for f in per_frame[:8]]  # frames 100-107
    astro, grace = track_faces(mixed, config)
    assert (astro.shot, grace.shot) == (0, 1)
    np.testing.assert_array_equal(astro.frames, [100, 101, 102, 103, 104])
    np.testing.assert_array_equal(grace.frames, [103, 104, 105, 106, 107])
    assert centre_x(grace)[0] < 512 < centre_x(astro)[-1]


def test_a_face_still_followed_at_the_mix_end_is_the_incoming_shots(clip_tracks, config):
    """The astronaut at the same place in both shots of a dissolve (mix 102-104, new shot from 104): the outgoing
    picture has faded out by the mix's last frame, so the face followed there is the incoming shot's, from its start."""
    per_frame, _ = clip_tracks
    mixed = [dataclasses.replace(f, shot=int(f.frame >= 104), in_dissolve=102 <= f.frame <= 104)
             for f in per_frame[:8]]  # frames 100-107
    astro, grace, astro_after = track_faces(mixed, config)
    assert (astro.shot, grace.shot, astro_after.shot) == (0, 1, 1)
    np.testing.assert_array_equal(astro.frames, [100, 101, 102, 103])
    np.testing.assert_array_equal(grace.frames, [103, 104, 105, 106, 107])
    np.testing.assert_array_equal(astro_after.frames, [104, 105, 106, 107])


def test_a_face_lost_inside_the_mix_is_the_outgoing_shots(clip_tracks, config):
    """Grace, a background face of the outgoing shot, is hidden (3-4), shows again inside a dissolve's mix (5-8, new
    shot from 7) and is lost there (from 7): she faded out with the outgoing picture, so her reappearance continues her
    outgoing-shot track. (Taken for an incoming face, it was a new-shot tracklet lying in the mix, dropped.)"""
    per_frame, _ = clip_tracks
    both, alone = per_frame[3:6], per_frame[:3]  # Grace left of the astronaut / the astronaut alone
    rows = [*both, *alone[:2], *both[:2], *alone, per_frame[12]]
    mixed = [dataclasses.replace(f, frame=i, shot=int(i >= 7), in_dissolve=5 <= i <= 8) for i, f in enumerate(rows)]
    grace = [t for t in track_faces(mixed, config) if centre_x(t)[0] < 512]
    assert len(grace) == 1 and grace[0].shot == 0
    np.testing.assert_array_equal(grace[0].frames[~grace[0].interpolated], [0, 1, 2, 5, 6])


def _lost_in_the_mix(clip_tracks) -> list[FrameFaces]:
    """A dissolve's mix (2-8, new shot from 6): the astronaut alone (0-3), lost (4-5), then Grace fading in (6-11)."""
    per_frame, _ = clip_tracks
    alone = per_frame[:3]
    lost = dataclasses.replace(alone[0], faces=(), appearance=alone[0].appearance[:0])
    grace = [_faded_out(f) for f in per_frame[3:6]]
    rows = [*alone, alone[0], lost, lost, *grace, *grace]
    mixed = [dataclasses.replace(f, frame=i, shot=int(i >= 6), in_dissolve=2 <= i <= 8) for i, f in enumerate(rows)]
    return mixed


def test_a_face_lost_in_the_mix_is_carried_to_the_new_shots_start(clip_tracks, config):
    """The astronaut, the outgoing shot's face, lost inside a dissolve's mix (2-8, new shot from 6) at 4, while her
    picture is still over half opaque: her track is carried on over 4-5 at her last pose, flagged as bridged. (It ended
    at 3.)"""
    astro = [t for t in track_faces(_lost_in_the_mix(clip_tracks), config) if t.shot == 0]
    assert len(astro) == 1
    np.testing.assert_array_equal(astro[0].frames, [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(astro[0].interpolated, [False] * 4 + [True] * 2)
    np.testing.assert_allclose(astro[0].boxes[4:], astro[0].boxes[[3, 3]], atol=1.0)  # she stood still


def test_each_mixed_frame_records_the_faces_share_of_the_mix(clip_tracks, config):
    """The outgoing astronaut of the carried-face clip above (mix 2-8, new shot from 6) holds 1 - (f - 2) / 6 of the
    mixed picture on frames 2-5 and all of it before; an incoming face (Grace, found from 6) holds (f - 2) / 6. The
    plates take this as their opacity there (``FaceTrack.mix_share``)."""
    tracks = track_faces(_lost_in_the_mix(clip_tracks), config)
    astro = [t for t in tracks if t.shot == 0][0]
    np.testing.assert_allclose(astro.mix_share, [1, 1, 1, 5 / 6, 4 / 6, 3 / 6], atol=1e-6)
    incoming = [t for t in tracks if t.shot == 1]
    assert incoming, "Grace's face starts the incoming shot's track"
    for t in incoming:
        np.testing.assert_allclose(t.mix_share, np.minimum((t.frames - 2) / 6, 1.0), atol=1e-6)
    assert astro.take(np.array([4, 5])).mix_share.tolist() == pytest.approx([4 / 6, 3 / 6])  # kept by take


def _shrunk(face: FaceObservation, scale: float, inside: np.ndarray, at: tuple[float, float],
            score: float) -> FaceObservation:
    """``face``'s mesh shrunk by ``scale`` and moved to the point at ``at`` (fractions of width and height) of the box
    ``inside``, scored ``score``: a small mesh found on a part of the picture there."""
    centre = np.array([*((face.box[:2] + face.box[2:]) / 2), 0.0], np.float32)
    to = np.array([inside[0] + at[0] * (inside[2] - inside[0]), inside[1] + at[1] * (inside[3] - inside[1]), 0.0],
                  np.float32)
    landmarks = (to + (face.landmarks - centre) * scale).astype(np.float32)
    box = np.concatenate([landmarks[:468, :2].min(0), landmarks[:468, :2].max(0)]).astype(np.float32)
    return dataclasses.replace(face, box=box, landmarks=landmarks, score=score)


def test_a_track_does_not_shrink_onto_a_part_of_a_face_in_the_mix(clip_tracks, config):
    """The astronaut, the outgoing shot's face, in a dissolve's mix (2-8, new shot from 6): at 4 the detector finds her
    (score 0.9) and, surer, a small mesh on a part of the picture inside her face (a third of her size, lower right: in
    footage, the chin of the incoming face showing through hers), and at 4-5 another small face inside hers (upper
    left, lost at 5 while she is lost too: a face fading out inside the mix). Her track is carried over 4-5 at her own
    size and place, bridged. (It took the small mesh at 4 as her face found twice, on its higher score, and the edit
    shrank onto it at the mix's opacity; with that mended, the fading face, dropped at last as lying wholly in the
    dissolve, first took frames 4-5 from her carried track, observed beating bridged.)"""
    per_frame, _ = clip_tracks
    alone = per_frame[:3]
    her = alone[1].faces[0]
    part = _shrunk(her, 0.33, her.box, (0.75, 0.8), 0.98)
    fading = _shrunk(her, 0.3, her.box, (0.3, 0.3), 1.0)
    blue = face_colour(np.full((512, 1024, 3), (40, 60, 200), np.uint8), fading.landmarks)[None]  # like no one here
    found_twice = dataclasses.replace(alone[1], faces=(dataclasses.replace(her, score=0.9), part, fading),
                                      appearance=np.concatenate([alone[1].appearance, alone[1].appearance, blue]))
    other = dataclasses.replace(alone[2], faces=(fading,), appearance=blue)
    grace = [_faded_out(f) for f in per_frame[3:6]]
    rows = [*alone, alone[0], found_twice, other, *grace, *grace]
    mixed = [dataclasses.replace(f, frame=i, shot=int(i >= 6), in_dissolve=2 <= i <= 8) for i, f in enumerate(rows)]
    astro = [t for t in track_faces(mixed, config) if t.shot == 0]
    assert len(astro) == 1
    np.testing.assert_array_equal(astro[0].frames, [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(astro[0].interpolated, [False] * 4 + [True] * 2)
    np.testing.assert_allclose(astro[0].boxes[4:], astro[0].boxes[[3, 3]], atol=1.0)  # she stood still


def _with_incoming_astronaut(frame: FrameFaces) -> FrameFaces:
    """``frame`` (the astronaut alone) with her face held where it was (the outgoing one, hidden as the incoming picture
    covers it) and the incoming shot's astronaut found 4 px to the right of it."""
    face = frame.faces[0]
    incoming = dataclasses.replace(face, box=face.box + np.array([4.0, 0.0, 4.0, 0.0], np.float32),
                                   landmarks=face.landmarks + np.array([4.0, 0.0, 0.0], np.float32))
    held = dataclasses.replace(face, held=True, score=0.0)
    return dataclasses.replace(frame, faces=(held, incoming), appearance=np.repeat(frame.appearance, 2, axis=0))


def test_the_more_opaque_face_keeps_the_mix_frames(clip_tracks, config):
    """The astronaut at the same place in both shots of a dissolve (mix 2-8, new shot from 4): the outgoing one is
    followed to 6 (her mesh sat there), the incoming one first found at 7. From the shot start the incoming picture is
    the more opaque: the incoming track is carried back over 4-6 (bridged), and those frames leave the outgoing track.
    (The outgoing track kept 4-6 and the incoming face had none of them.)"""
    per_frame, _ = clip_tracks
    alone = per_frame[:3]
    rows = [*alone, *alone, alone[0], *(_with_incoming_astronaut(f) for f in alone[:2]), *alone]
    mixed = [dataclasses.replace(f, frame=i, shot=int(i >= 4), in_dissolve=2 <= i <= 8) for i, f in enumerate(rows)]
    before, after = track_faces(mixed, config)
    assert (before.shot, after.shot) == (0, 1)
    np.testing.assert_array_equal(before.frames, [0, 1, 2, 3])
    np.testing.assert_array_equal(after.frames, range(4, 12))
    np.testing.assert_array_equal(after.frames[after.interpolated], [4, 5, 6])


def test_face_found_late_is_followed_back_to_its_entry(clip_parts, config, models):
    no_change_trigger = dataclasses.replace(config, redetect_change=1.0, detect_interval=3)
    script = ["astronaut_only"] * 2 + ["both"] * 4
    per_frame, _ = analyze_frames(((i, clip_parts[n]) for i, n in enumerate(script)), no_change_trigger, models)
    assert [len(f.faces) for f in per_frame] == [1, 1, 2, 2, 2, 2]
    per_frame = [dataclasses.replace(f, shot=0) for f in per_frame]  # one shot (see clip_tracks)
    grace, = (t for t in track_faces(per_frame, no_change_trigger) if centre_x(t)[0] < 512)
    np.testing.assert_array_equal(grace.frames, [2, 3, 4, 5])


def test_a_followed_face_scored_under_redetect_presence_runs_the_detector(clip_parts, config, models):
    """Grace enters while the astronaut is followed; the histogram and interval triggers are off, so only the
    followed face's mesh presence under ``redetect_presence`` can run the detector that finds her."""
    script = ["astronaut_only"] * 2 + ["both"] * 3
    quiet = dataclasses.replace(config, redetect_change=1.0, detect_interval=100, redetect_presence=0.0)

    def faces_per_frame(redetect_presence: float) -> tuple[list[int], float]:
        per_frame, _ = analyze_frames(((i, clip_parts[n]) for i, n in enumerate(script)),
                                      dataclasses.replace(quiet, redetect_presence=redetect_presence), models)
        return [len(f.faces) for f in per_frame], float(per_frame[2].faces[0].score)

    counts, score = faces_per_frame(0.0)
    assert counts == [1, 1, 1, 1, 1]  # the astronaut alone: nothing else runs the detector
    assert faces_per_frame(score - 0.01)[0] == [1, 1, 1, 1, 1]  # she scores above the bar: no re-detection
    assert faces_per_frame(score + 0.01)[0] == [1, 1, 2, 2, 2]  # under it: re-detected, Grace found at once


def _track(track_id: int, box: tuple[float, float, float, float], frames: int) -> FaceTrack:
    return FaceTrack(track_id, 0, np.arange(frames), np.zeros((frames, 478, 3), np.float32),
                     np.tile(np.array(box, np.float32), (frames, 1)), np.ones(frames, np.float32))


def test_default_track_prefers_large_central_faces():
    central = _track(0, (860, 440, 1060, 640), 20)
    corner_big = _track(1, (0, 0, 300, 300), 20)
    small_central = _track(2, (940, 520, 980, 560), 20)
    assert default_track([corner_big, small_central, central], (1080, 1920)).track_id == 0
    assert default_track([small_central, _track(3, (860, 440, 1060, 640), 2)], (1080, 1920)).track_id == 2
    with pytest.raises(NoFaceTrackError, match="no face"):
        default_track([], (1080, 1920))
