"""analyze_shot end to end on real frames: tracks with smoothing and alignment, progress, errors."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import analyze_shot
from ned_core.exceptions import NoFaceTrackError, ShapeError


def test_shot_analysis_has_smoothed_aligned_tracks(clip_parts, config, models):
    calls = []
    frames = [(10, clip_parts["both"]), (11, clip_parts["both"]), (12, clip_parts["black"]), (13, clip_parts["both"])]
    shot = analyze_shot(iter(frames), config, models, progress=lambda done, frame: calls.append((done, frame)))
    assert calls == [(1, 10), (2, 11), (3, 12), (4, 13)]
    np.testing.assert_array_equal(shot.frames, [10, 11, 12, 13])
    np.testing.assert_array_equal(shot.shots, [0, 0, 0, 0])
    assert shot.shot_ranges() == [(0, 10, 13)]
    assert shot.frame_size == (512, 1024) and len(shot.tracks) == 2
    for t in shot.tracks:
        np.testing.assert_array_equal(t.track.frames, [10, 11, 13])
        assert t.landmarks.shape == (3, 478, 3) and t.alignment.crop_from_image.shape == (3, 2, 3)
        assert np.abs(t.landmarks - t.track.landmarks).max() < 5.0
    # both faces are equally off-centre; Grace's (left half) is twice the size: she is the default
    default = shot.default()
    assert default.track.boxes[:, 2].max() < 512
    assert shot.track(default.track.track_id) is default
    with pytest.raises(NoFaceTrackError, match="tracks: "):
        shot.track(99)


def test_shot_errors_name_the_frame(clip_parts, config, models):
    with pytest.raises(ShapeError, match="frame 8"):
        analyze_shot([(7, clip_parts["both"]), (8, clip_parts["both"][:100])], config, models)
    with pytest.raises(NoFaceTrackError):
        analyze_shot([], config, models)
    empty = analyze_shot([(1, clip_parts["black"])], config, models)
    assert empty.tracks == ()
    with pytest.raises(NoFaceTrackError, match="no face"):
        empty.default()


def test_shots_come_from_the_frames_analysed(clip_parts, config, models):
    """A hard cut to another picture (3 frames each side, the detector's window) splits shots and tracks."""
    frames = [(i, clip_parts["both"]) for i in range(5)] + [(i, clip_parts["after_cut"]) for i in range(5, 10)]
    shot = analyze_shot(iter(frames), config, models)
    assert shot.shot_ranges() == [(0, 0, 4), (1, 5, 9)] and shot.transitions == ("cut",)
    assert shot.transition(0) == "start" and shot.select(range(6, 9)).shot_ranges() == [(1, 6, 8)]
    assert sorted((t.track.shot, int(t.track.frames[0])) for t in shot.tracks) == [(0, 0), (0, 0), (1, 5)]


def test_fresh_frames_are_analysed_as_copied_ones(clip_parts, config, models):
    """Frames kept for following faces back without a copy (``fresh_frames``) give the same analysis as copies."""
    script = ["astronaut_only"] * 3 + ["both"] * 4 + ["grace_only"] * 2 + ["both"] * 3
    copied = analyze_shot(((i, clip_parts[name]) for i, name in enumerate(script)), config, models)
    fresh = analyze_shot(((i, clip_parts[name].copy()) for i, name in enumerate(script)), config, models,
                         fresh_frames=True)
    assert [t.track.track_id for t in fresh.tracks] == [t.track.track_id for t in copied.tracks]
    for a, b in zip(fresh.tracks, copied.tracks):
        np.testing.assert_array_equal(a.track.frames, b.track.frames)
        np.testing.assert_array_equal(a.landmarks, b.landmarks)


def test_shrunk_frames_give_the_full_frames_landmarks(clip_parts, config, models):
    """A shot read box-averaged by 2 (what ``pipeline.analyze`` reads of a UHD source) is analysed in the full frames'
    pixels: size, boxes and landmarks of the full frames' analysis within 1.5 px on average, with no shift (a shrunk
    pixel's centre is the middle of its 2x2 full ones: dropping that half-pixel offset shifts every point by 0.5 px,
    and a wrong scale moves them by tens)."""
    import cv2

    image = clip_parts["both"]
    full = analyze_shot([(0, image), (1, image)], config, models)
    half = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2), interpolation=cv2.INTER_AREA)
    shrunk = analyze_shot([(0, half), (1, half)], config, models, shrink=2)
    assert shrunk.frame_size == full.frame_size and len(shrunk.tracks) == len(full.tracks) == 2
    for a, b in zip(sorted(full.tracks, key=lambda t: t.track.boxes[0, 0]),
                    sorted(shrunk.tracks, key=lambda t: t.track.boxes[0, 0])):
        offset = b.track.landmarks[..., :2] - a.track.landmarks[..., :2]
        assert np.linalg.norm(offset, axis=-1).mean() < 1.5
        assert np.abs(offset.reshape(-1, 2).mean(axis=0)).max() < 0.25, offset.reshape(-1, 2).mean(axis=0)
        assert np.abs(b.track.boxes - a.track.boxes).max() < 4.0


def test_frames_read_with_their_look_are_analysed_as_bare_ones(clip_parts, config, models):
    """A reader may hand each frame with its whole-picture descriptors made ahead (``look_at``, on its own thread):
    the analysis uses them instead of making them, and gives the same result (a look saying every frame is flat,
    no content, leaves no face)."""
    from dataclasses import replace

    from ned_core.analysis.shot import look_at

    images = [clip_parts["both"]] * 3 + [clip_parts["after_cut"]] * 3  # a cut: the thumbnails are read
    bare = analyze_shot(list(enumerate(images)), config, models)
    looked = analyze_shot([(n, image, look_at(image)) for n, image in enumerate(images)], config, models)
    assert looked.shot_ranges() == bare.shot_ranges() == [(0, 0, 2), (1, 3, 5)]
    assert len(looked.tracks) == len(bare.tracks) == 3
    for a, b in zip(bare.tracks, looked.tracks):
        np.testing.assert_array_equal(a.landmarks, b.landmarks)
    flat = analyze_shot([(n, image, replace(look_at(image), flat=True)) for n, image in enumerate(images)],
                        config, models)
    assert flat.tracks == ()
