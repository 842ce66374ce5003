"""BlazeFace detection on real photos: boxes, keypoint order, any roll, empty frames."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from ned_core.analysis import detect
from ned_core.analysis.detect import detect_faces, detection_region


def test_best_detection_is_the_face_with_keypoints_in_mediapipe_order(photo, config, models):
    dets = detect_faces(photo, models, config)
    assert len(dets) >= 1  # weak extra candidates are rejected later by the mesh's presence score
    d = dets[0]
    assert d.score > 0.8 and d.keypoints.shape == (6, 2)
    right_eye, left_eye, nose, mouth = d.keypoints[:4]
    assert right_eye[0] < nose[0] < left_eye[0]  # subject's right eye on the image left
    assert max(right_eye[1], left_eye[1]) < nose[1] < mouth[1]
    assert np.all(d.keypoints[:4] >= d.box[:2]) and np.all(d.keypoints[:4] <= d.box[2:])


def test_upside_down_face_gets_the_right_roll(photo, config, models):
    flipped = np.ascontiguousarray(photo[::-1, ::-1])  # 180 degrees
    dets = detect_faces(flipped, models, config)
    region = detection_region(dets[0], config.roi_scale)
    assert abs(abs(region.angle) - math.pi) < math.radians(20)


def test_nothing_in_a_flat_frame(config, models):
    assert detect_faces(np.full((720, 1280, 3), 128, np.uint8), models, config) == []


def test_a_face_share_floor_tiles_a_uhd_frame_as_coarsely_as_a_1080p_one(grace_hopper, config, models, monkeypatch):
    """``min_face_share`` 1/30: a UHD frame (analysed shrunk to 1920x1080, as the pipeline reads it) is searched for
    faces down to 128 of its pixels, as a 1080p frame down to 64: a third of the detector runs (measured 33 -> 11);
    a 100 px face (of the UHD frame) is still found, by the coarser tiles; a 1080p frame is searched as before."""
    runs = []
    real = detect.run_detector
    monkeypatch.setattr(detect, "run_detector", lambda *a: runs.append(1) or real(*a))
    face = cv2.resize(grace_hopper, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)  # her face ~50 px here
    frame = np.full((1080, 1920, 3), 90, np.uint8)
    frame[500:500 + face.shape[0], 900:900 + face.shape[1]] = face
    found, count = {}, {}
    for share in (0.0, 1 / 30):
        runs.clear()
        found[share] = detect.detect_faces(frame, models, replace(config, min_face_share=share).shrunk(2))
        count[share] = len(runs)
    assert count[1 / 30] * 2 < count[0.0], count
    assert len(found[1 / 30]) == 1 and np.allclose(found[1 / 30][0].box, found[0.0][0].box, atol=8)
    assert detect.face_floor(replace(config, min_face_share=1 / 30), 1920, 1080) == config.min_face_px
