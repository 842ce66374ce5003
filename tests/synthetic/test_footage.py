"""The test-footage builder: shots, transitions, events and face truth agree with what is rendered."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ned_core.analysis.frame import analyze_image
from ned_core.analysis.ssd import iou
from ned_core.exceptions import SyntheticActorError
from ned_core.synthetic.footage import (
    CAMERAS, GRADES, TRANSITIONS, VARIANTS_DEV, VARIANTS_HELD_OUT, ClipSpec, ShotSpec, build_footage, dev_clips,
    held_out_clips, photo_faces, photo_meshes, profile_clips, turn_clips, turn_yaw, variant_clips,
)
from ned_core.synthetic.photos import SAMPLE_PHOTOS


@pytest.fixture(scope="session")
def face_boxes(mesh_models, analysis_config):
    return photo_faces(mesh_models, analysis_config)


@pytest.fixture(scope="session")
def editorial(face_boxes):
    return build_footage(dev_clips()[0], face_boxes)


def test_shots_and_transitions_where_the_spec_puts_them(editorial):
    # shots 30, 30, 36, 36 (dissolve of 8: 4 frames of its head before the cut), fade 6 + 2 black + 6
    assert editorial.cuts.tolist() == [30, 60, 92, 126]
    assert len(editorial.frames) == len(editorial.shot) == len(editorial.faces) == 162
    assert editorial.frames.shape[1:] == (240, 320, 3)
    black_gap = editorial.frames[124:126].reshape(2, -1)
    assert black_gap.max() == 0  # the fade holds two black frames before the next shot
    assert editorial.frames[123].mean() < editorial.frames[112].mean() * 0.3  # fading out
    # the dissolve: frames around the cut are mixtures, so they differ less from each other than a cut does
    step = np.abs(np.diff(editorial.frames[84:96].astype(np.float32), axis=0)).mean(axis=(1, 2, 3))
    assert step.max() < np.abs(editorial.frames[30].astype(np.float32) - editorial.frames[29]).mean() / 2
    # a dissolve frame shows the faces of both shots, each keyed by its own shot, the fainter one not visible
    assert [(f.shot, f.visible) for f in editorial.faces[90]] == [(2, True), (3, False)]
    assert [(f.shot, f.visible) for f in editorial.faces[93]] == [(2, False), (3, True)]
    assert editorial.shot[90] == 2 and editorial.shot[92] == 3


def test_the_middle_of_an_odd_length_dissolve_shows_the_new_shots_face_only(face_boxes):
    """A 13-frame mix has a frame with both pictures at half: it is the new shot's first frame, so the outgoing face
    is not visible there (it was, and the outgoing track, which ends where its picture is under half, was scored
    16/17 = 0.94 on var11 at 1280x720)."""
    clip = ClipSpec("odd", (ShotSpec("astronaut", 30, "zoom", seed=1),
                            ShotSpec("grace_hopper", 30, "zoom", seed=2, transition="dissolve", transition_frames=13)))
    footage = build_footage(clip, face_boxes)
    start = int(footage.cuts[0])
    assert [(f.shot, f.visible) for f in footage.faces[start]] == [(0, False), (1, True)]
    assert [(f.shot, f.visible) for f in footage.faces[start - 1]] == [(0, True), (1, False)]


def test_events_are_single_odd_frames(editorial):
    assert sorted(editorial.events.values()) == ["black", "flash"]
    for index, kind in editorial.events.items():
        level = editorial.frames[index].mean()
        assert (level == 0) if kind == "black" else (level > 240)
        assert editorial.shot[index - 1] == editorial.shot[index] == editorial.shot[index + 1]
        assert not any(f.visible for f in editorial.faces[index])


def test_face_truth_follows_camera_hand_and_edge(editorial, face_boxes):
    shot2 = np.flatnonzero(editorial.shot == 2)
    seen = np.array([editorial.faces[i][0].seen for i in shot2])
    tops = np.array([editorial.faces[i][0].box[1] for i in shot2])
    assert (tops < 0).all()  # the "edge" shot cuts the face by the frame's top edge
    assert seen.min() < 0.6 < seen.max()  # the hand hides part of the face for a while
    zoom = [editorial.faces[i][0].box for i in np.flatnonzero(editorial.shot == 1)]
    assert zoom[-1][3] - zoom[-1][1] > 1.8 * (zoom[0][3] - zoom[0][1])
    face = editorial.faces[5][0]  # the face box is where the face is: bright skin, not the backdrop
    x0, y0, x1, y1 = np.round(face.box).astype(int)
    assert face.actor == "astronaut" and face.visible and editorial.frames[5, y0:y1, x0:x1].mean() > 100


def test_crossing_heads_hide_the_back_face(face_boxes):
    clip = build_footage(dev_clips()[1], face_boxes)
    first = clip.faces[0]
    assert {f.actor for f in first} == {"astronaut", "grace_hopper"} and all(f.visible for f in first)
    back = [next(f for f in faces if f.actor == "grace_hopper") for faces in clip.faces[:40]]
    assert min(f.seen for f in back) < 0.3  # hidden behind the front head while they cross


def test_held_out_clips_differ_and_builds_are_reproducible(face_boxes):
    dev = {s.seed for c in dev_clips() for s in c.shots}
    held = {s.seed for c in held_out_clips() for s in c.shots}
    assert not dev & held and {s.grade for c in held_out_clips() for s in c.shots} - {
        s.grade for c in dev_clips() for s in c.shots}
    spec = held_out_clips()[1]
    np.testing.assert_array_equal(build_footage(spec, face_boxes).frames, build_footage(spec, face_boxes).frames)


def test_bad_spec_names_the_field():
    with pytest.raises(SyntheticActorError, match="camera"):
        ShotSpec("astronaut", 30, camera="dolly")
    with pytest.raises(SyntheticActorError, match="frames"):
        ClipSpec("x", (ShotSpec("astronaut", 10, transition_frames=8),))


def test_variant_clips_cover_every_camera_grade_and_transition_and_keep_some_held_out(face_boxes):
    dev, held = variant_clips(), variant_clips(held_out=True)
    assert (len(dev), len(held)) == (VARIANTS_DEV, VARIANTS_HELD_OUT)
    assert not {c.name for c in dev} & {c.name for c in held}
    assert {s for c in dev for s in c.shots}.isdisjoint({s for c in held for s in c.shots})
    shots = [s for c in dev + held for s in c.shots]
    assert {s.camera for s in shots} == set(CAMERAS) and {s.grade for s in shots} == set(GRADES)
    assert {s.transition for s in shots[1:]} == set(TRANSITIONS) and {s.actor for s in shots} == set(SAMPLE_PHOTOS)
    lengths = {s.transition_frames for s in shots if s.transition == "dissolve"}
    assert min(lengths) <= 5 and max(lengths) >= 10  # short and long dissolves
    assert variant_clips() == dev  # fixed, not drawn anew
    footage = build_footage(held[0], face_boxes)
    assert len(footage.cuts) == len(held[0].shots) - 1


@pytest.fixture(scope="session")
def face_meshes(mesh_models, analysis_config):
    return photo_meshes(mesh_models, analysis_config)


def test_head_turn_shots_turn_the_face_and_its_truth_box(face_boxes, face_meshes, mesh_models, analysis_config):
    slow, fast = (ShotSpec("astronaut", 30, "pan", seed=5, turn=turn, turn_deg=40.0) for turn in ("slow", "fast"))
    yaw = turn_yaw(slow)
    assert yaw[0] == yaw[-1] == 0 and yaw.max() == pytest.approx(40.0, abs=0.5) and 12 <= yaw.argmax() <= 17
    steps = np.abs(np.diff(turn_yaw(fast)))
    assert turn_yaw(fast).max() == 40.0 and steps.max() > 2 * np.abs(np.diff(yaw)).max()  # a whip, not an ease
    clip = build_footage(ClipSpec("turn", (slow,)), face_boxes, face_meshes)
    still = build_footage(ClipSpec("still", (replace(slow, turn="none"),)), face_boxes)
    peak = int(yaw.argmax())
    width = [float(clip.faces[i][0].box[2] - clip.faces[i][0].box[0]) for i in (0, peak)]
    assert width[1] < 0.97 * width[0]  # seen at three-quarter, the face is narrower
    found = analyze_image(clip.frames[peak], analysis_config, mesh_models)  # the truth box is where the face is
    assert len(found) == 1 and iou(found[0].box, clip.faces[peak][0].box[None])[0] > 0.75
    assert np.abs(clip.frames[peak].astype(np.float32) - still.frames[peak]).mean() > 3  # the picture turned
    assert np.abs(clip.frames[0].astype(np.float32) - still.frames[0]).mean() < 3  # ... and starts frontal
    assert all(f[0].visible for f in clip.faces)


def test_head_turn_needs_the_meshes_and_a_reachable_angle(face_boxes):
    with pytest.raises(SyntheticActorError, match="photo_meshes"):
        build_footage(turn_clips()[0], face_boxes)
    with pytest.raises(SyntheticActorError, match="turn_deg"):
        ShotSpec("astronaut", 30, turn="slow", turn_deg=95.0)  # past profile
    with pytest.raises(SyntheticActorError, match="crossing"):
        ShotSpec("astronaut", 30, camera="crossing", turn="fast")
    dev, held = turn_clips(), turn_clips(held_out=True)
    assert {s.turn for c in dev + held for s in c.shots} == {"slow", "fast"}
    assert {s.seed for c in dev for s in c.shots}.isdisjoint({s.seed for c in held for s in c.shots})
    assert all(35 <= abs(s.turn_deg) <= 50 for c in dev + held for s in c.shots)
    dev, held = profile_clips(), profile_clips(held_out=True)
    assert {s.turn for c in dev + held for s in c.shots} == {"slow", "fast", "held"}
    assert {s.seed for c in dev for s in c.shots}.isdisjoint({s.seed for c in held for s in c.shots})
    assert max(abs(s.turn_deg) for c in dev + held for s in c.shots) == 90


def test_a_turn_past_the_warp_draws_the_face_as_a_surface(face_boxes, face_meshes):
    """Past ``WARP_TURN_DEG`` a turn goes on to profile (drawn as a surface, ``test_turn_render``): at 90 degrees the
    face's box is a fifth narrower and the picture has changed; held turned, the head stays turned all through the
    shot."""
    spec = ShotSpec("grace_hopper", 40, "fill", seed=7, turn="slow", turn_deg=90.0)
    clip = build_footage(ClipSpec("profile", (spec,)), face_boxes, face_meshes)
    yaw = turn_yaw(spec)
    peak = int(np.argmax(yaw))
    assert yaw[peak] == pytest.approx(90.0, abs=0.5)
    width = [float(clip.faces[i][0].box[2] - clip.faces[i][0].box[0]) for i in (0, peak)]
    assert width[1] < 0.8 * width[0]
    assert np.abs(clip.frames[peak].astype(np.float32) - clip.frames[0]).mean() > 10
    assert (turn_yaw(replace(spec, turn="held", turn_deg=60.0)) == 60.0).all()


@pytest.mark.parametrize("kind", ["skin", "head", "glass", "cup"])
def test_occluders_are_textured_photos_that_hide_part_of_the_face(kind, face_boxes):
    spec = ShotSpec("grace_hopper", 30, "fill", "neutral", seed=7, hand=True, occluder=kind)
    clip = build_footage(ClipSpec("o", (spec,)), face_boxes)
    plain = build_footage(ClipSpec("o", (replace(spec, hand=False),)), face_boxes)
    changed = np.any(clip.frames != plain.frames, axis=-1)
    touched = np.flatnonzero(changed.any(axis=(1, 2)))
    assert 6 <= len(touched) <= 8 and touched.tolist() == list(range(touched[0], touched[-1] + 1))
    middle = int(touched[len(touched) // 2])
    assert clip.faces[middle][0].seen < 0.8 * plain.faces[middle][0].seen  # the truth knows the face is hidden
    pixels = clip.frames[middle][changed[middle]].astype(np.float32)
    assert pixels.std(axis=0).mean() > 10  # textured, not one flat colour (the flat hand: grain only)
    if kind == "skin":  # a hand in the actor's own skin tone: the face's cheek colour within 25 %
        x0, y0, x1, y1 = np.round(plain.faces[middle][0].box).astype(int)
        cheek = plain.frames[middle, int(y0 + 0.55 * (y1 - y0)):int(y0 + 0.75 * (y1 - y0)),
                             int(x0 + 0.1 * (x1 - x0)):int(x0 + 0.35 * (x1 - x0))].reshape(-1, 3).mean(axis=0)
        assert np.all(np.abs(pixels.mean(axis=0) / cheek - 1) < 0.25), (pixels.mean(axis=0), cheek)


def test_unknown_occluder_names_the_kinds():
    with pytest.raises(SyntheticActorError, match="occluder.*glass"):
        ShotSpec("astronaut", 30, hand=True, occluder="umbrella")
