"""The coverage score itself: perfect tracks score 1, a split face scores its longest part, duplicates counted."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.shot import ShotAnalysis, TrackAnalysis
from ned_core.analysis.types import FaceTrack
from ned_core.synthetic.footage import ClipSpec, ShotSpec, build_footage, photo_faces
from ned_core.synthetic.footage_score import score_tracks


@pytest.fixture(scope="module")
def footage(mesh_models, analysis_config):
    clip = ClipSpec("two", (ShotSpec("astronaut", 20, "pan", seed=51), ShotSpec("grace_hopper", 20, "zoom", seed=52)))
    return build_footage(clip, photo_faces(mesh_models, analysis_config))


def track(track_id: int, footage, frames, shift: float = 0.0) -> TrackAnalysis:
    frames = np.asarray(list(frames), np.int64)
    boxes = np.stack([footage.faces[f][0].box for f in frames]) + shift
    t = FaceTrack(track_id, int(footage.shot[frames[0]]), frames, np.zeros((len(frames), 478, 3), np.float32),
                  boxes.astype(np.float32), np.ones(len(frames), np.float32))
    return TrackAnalysis(t, t.landmarks, None)


def analysis(footage, *tracks) -> ShotAnalysis:
    return ShotAnalysis(np.arange(len(footage.shot)), footage.shot, footage.frames.shape[1:3], tracks)


def test_perfect_split_and_duplicate_tracks(footage):
    perfect = score_tracks(footage, analysis(footage, track(0, footage, range(20)), track(1, footage, range(20, 40))))
    assert [(s.shot, s.actor, s.coverage, s.tracks, s.duplicates) for s in perfect] == [
        (0, "astronaut", 1.0, (0,), 0), (1, "grace_hopper", 1.0, (1,), 0)]
    split = score_tracks(footage, analysis(footage, track(0, footage, range(12)), track(1, footage, range(12, 20))))
    assert split[0].coverage == pytest.approx(12 / 20) and split[0].tracks == (0, 1) and split[0].best_track == 0
    twice = score_tracks(footage, analysis(footage, track(0, footage, range(20)), track(1, footage, range(5, 9), 2.0)))
    assert twice[0].duplicates == 4 and twice[0].coverage == 1.0
    elsewhere = score_tracks(footage, analysis(footage, track(0, footage, range(20), 500.0)))
    assert elsewhere[0].coverage == 0.0 and elsewhere[0].best_track == -1
