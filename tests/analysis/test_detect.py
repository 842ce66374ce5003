"""BlazeFace detection on real photos: boxes, keypoint order, any roll, empty frames."""

from __future__ import annotations

import math

import numpy as np

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
