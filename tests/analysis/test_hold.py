"""Another actor's head crossing in front of the tracked face: the track stays on its actor (held, bridged and flagged
interpolated while the face is mostly hidden) instead of following the face in front, as it did before
(``analysis.hold``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ned_core.analysis import analyze_shot
from ned_core.analysis.hold import SHAPE_CHANGE, shape_change
from ned_core.synthetic.footage import ClipSpec, ShotSpec, build_footage, photo_faces
from ned_core.synthetic.footage_score import score_tracks

MOUTH = (13, 14)  # inner lip midpoints
OFF = 0.25  # eyes and mouth this far (in inter-ocular distances) from where they are: the mesh is off the face


def _features(landmarks: np.ndarray) -> np.ndarray:
    """``(3, 2)`` iris centres and mouth centre."""
    return np.stack([landmarks[468, :2], landmarks[473, :2], landmarks[list(MOUTH), :2].mean(axis=0)])


@pytest.fixture(scope="module")
def face_boxes(models, config):
    return photo_faces(models, config)


@pytest.mark.parametrize("spec", [ShotSpec("astronaut", 36, "edge", "neutral", seed=3, hand=True, occluder="head"),
                                  ShotSpec("grace_hopper", 36, "fill", "warm", seed=7, hand=True, occluder="head")],
                         ids=["astronaut_edge", "grace_hopper_fill"])
def test_the_track_stays_on_its_face_while_another_head_crosses_in_front(spec, face_boxes, config, models):
    """Where the other head covers the face, the actor's track's eyes and mouth stay within 0.25 inter-ocular
    distances of where the mesh finds them without the other head (before: up to 0.67 and 0.48, the mesh sliding
    onto the face in front), and the track covers every frame, the mostly hidden ones bridged and flagged."""
    clip = build_footage(ClipSpec("head", (spec,)), face_boxes)
    plain = build_footage(ClipSpec("head", (replace(spec, hand=False),)), face_boxes)
    occluded = np.any(clip.frames != plain.frames, axis=-1).sum(axis=(1, 2)) > 50
    analysis = analyze_shot(((i, f) for i, f in enumerate(clip.frames)), config, models)
    truth = analyze_shot(((i, f) for i, f in enumerate(plain.frames)), config, models)
    track = analysis.track(score_tracks(clip, analysis)[0].best_track).track
    reference = truth.track(score_tracks(plain, truth)[0].best_track).track
    assert len(track.frames) == len(clip.frames) and occluded.sum() >= 6
    errors = []
    for frame in np.flatnonzero(occluded):
        mine, true = track.landmarks[track.frames == frame][0], reference.landmarks[reference.frames == frame][0]
        iod = float(np.linalg.norm(true[468, :2] - true[473, :2]))
        errors.append(float(np.linalg.norm(_features(mine) - _features(true), axis=1).mean()) / iod)
    assert max(errors) < OFF, errors
    assert track.interpolated[np.isin(track.frames, np.flatnonzero(occluded))].sum() >= 3  # held, not followed
    # and the analysis says why those frames were bridged: held behind another face (the renderer paints them)
    assert track.held.sum() >= 3 and not (track.held & ~track.interpolated).any()
    assert track.held[np.isin(track.frames, np.flatnonzero(occluded))].sum() >= 3


def test_shape_change_ignores_moves_turns_and_size_but_not_a_mesh_pulled_aside(photo_faces):
    _, faces = photo_faces
    lm = faces[0].landmarks.astype(np.float64)
    angle = np.radians(25)
    turn = np.array([[np.cos(angle), 0, np.sin(angle)], [0, 1, 0], [-np.sin(angle), 0, np.cos(angle)]])
    moved = (lm - lm.mean(axis=0)) @ turn.T * 1.3 + lm.mean(axis=0) + [40, -12, 5]
    assert shape_change(lm, moved) < 1e-3
    pulled = lm.copy()
    lower = pulled[:, 1] > np.median(pulled[:, 1])
    pulled[lower, 0] -= 0.15 * np.ptp(lm[:, 0])  # the lower face stretched towards a face beside it
    assert shape_change(lm, pulled) > SHAPE_CHANGE


@pytest.mark.parametrize("spec", [ShotSpec("grace_hopper", 36, "fill", "neutral", seed=900, hand=True, occluder="glass"),
                                  ShotSpec("grace_hopper", 36, "edge", "dark", seed=901, hand=True, occluder="glass")],
                         ids=["fill", "edge_dark"])
def test_a_face_held_behind_a_glass_is_not_marked_as_behind_another_face(spec, face_boxes, config, models):
    """A glass bends the mesh out of shape, so the face is held and bridged there too, and the detector finds the
    face itself through the glass; but no other face is in front, so the bridged frames are not marked ``held``
    (which the renderer paints): the detection's eyes sit where the held face's are (within 0.5 IOD), not elsewhere
    as another head's are. Measured: 3 and 4 bridged frames, all marked before the eye test, none now."""
    clip = build_footage(ClipSpec("glass", (spec,)), face_boxes)
    analysis = analyze_shot(((i, f) for i, f in enumerate(clip.frames)), config, models)
    track = analysis.track(score_tracks(clip, analysis)[0].best_track).track
    assert track.interpolated.any() and not track.held.any()
