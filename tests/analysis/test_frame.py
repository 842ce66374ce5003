"""analyze_image / follow_faces on real photos: one face, landmarks on the face, any roll, small and multiple faces."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import analyze_image, follow_faces
from ned_core.analysis.regions import LEFT_IRIS_CENTRE, RIGHT_IRIS_CENTRE
from ned_core.exceptions import ShapeError


def face_size(landmarks: np.ndarray) -> float:
    return float(np.ptp(landmarks[:468, :2], axis=0).max())


def haar(image: np.ndarray, name: str) -> np.ndarray:
    """Independent OpenCV Haar-cascade boxes (x, y, w, h) on ``image``."""
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)
    return cascade.detectMultiScale(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), 1.1, 5)


def test_one_face_with_landmarks_on_it(photo_faces):
    image, faces = photo_faces
    assert len(faces) == 1
    face = faces[0]
    assert face.landmarks.shape == (478, 3) and face.landmarks.dtype == np.float32
    assert face.score > 0.9 and abs(face.roll) < np.radians(10)
    (x, y, w, h), = haar(image, "haarcascade_frontalface_default.xml")
    cx, cy = face.landmarks[:468, :2].mean(axis=0)
    assert x < cx < x + w and y < cy < y + h
    assert 0.6 < face_size(face.landmarks) / w < 1.6


def test_iris_centres_inside_independently_found_eyes(photo_faces):
    image, faces = photo_faces
    eyes = haar(image, "haarcascade_eye.xml")
    assert len(eyes) >= 1
    irises = faces[0].landmarks[[RIGHT_IRIS_CENTRE, LEFT_IRIS_CENTRE], :2]
    for x, y, w, h in eyes:
        inside = (irises[:, 0] > x) & (irises[:, 0] < x + w) & (irises[:, 1] > y) & (irises[:, 1] < y + h)
        assert inside.sum() == 1
    # 468 is the subject's right eye: on the image's left in these upright, unmirrored photos
    assert irises[0, 0] < irises[1, 0]


@pytest.mark.parametrize("degrees", [30, 90, 180, 270, -135])
def test_rolled_face_matches_rotated_original(photo_faces, config, models, degrees):
    image, faces = photo_faces
    h, w = image.shape[:2]
    turn = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), degrees, 1.0)
    rolled = cv2.warpAffine(image, turn, (w, h))
    found = analyze_image(rolled, config, models)
    assert len(found) == 1
    expected = faces[0].landmarks[:, :2] @ turn[:, :2].T + turn[:, 2]
    error = np.linalg.norm(found[0].landmarks[:, :2] - expected, axis=1)
    assert error.mean() < 0.03 * face_size(faces[0].landmarks)
    # roll is counter-clockwise on screen for positive cv2 angles: the eye line turns by -degrees
    turned = np.angle(np.exp(1j * (found[0].roll - faces[0].roll + np.radians(degrees))))
    assert abs(turned) < np.radians(8)


@pytest.mark.parametrize("target_px", [64, 80])
def test_small_face_in_large_frame(astronaut, config, models, target_px):
    reference = analyze_image(astronaut, config, models)[0].landmarks
    scale = target_px / face_size(reference)
    small = cv2.resize(astronaut, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((1080, 1920, 3), 90, dtype=np.uint8)
    frame[600 : 600 + small.shape[0], 1300 : 1300 + small.shape[1]] = small
    faces = analyze_image(frame, config, models)
    assert len(faces) == 1
    size = face_size(faces[0].landmarks)
    assert abs(size - target_px) < 0.1 * target_px
    expected = reference[:, :2] * scale + [1300, 600]
    assert np.linalg.norm(faces[0].landmarks[:, :2] - expected, axis=1).mean() < 0.05 * size


def test_two_faces_side_by_side(astronaut, grace_hopper, config, models):
    h = min(astronaut.shape[0], grace_hopper.shape[0])
    pair = np.concatenate([grace_hopper[:h], astronaut[:h]], axis=1)
    faces = analyze_image(pair, config, models)
    assert len(faces) == 2
    centres = sorted(float(f.landmarks[:468, 0].mean()) for f in faces)
    assert centres[0] < grace_hopper.shape[1] < centres[1]


def test_no_face_in_black_or_flat_frames(config, models):
    assert analyze_image(np.zeros((480, 640, 3), np.uint8), config, models) == []
    assert analyze_image(np.full((64, 64, 3), 200, np.uint8), config, models) == []


def test_rejects_non_rgb_uint8(config, models):
    with pytest.raises(ShapeError, match=r"\(H, W, 3\) uint8"):
        analyze_image(np.zeros((32, 32), np.uint8), config, models)
    with pytest.raises(ShapeError):
        analyze_image(np.zeros((32, 32, 3), np.float32), config, models)


def test_follow_faces_keeps_a_moving_face_and_drops_a_vanished_one(astronaut, config, models):
    first = analyze_image(astronaut, config, models)
    moved = np.roll(astronaut, (12, -15), axis=(0, 1))
    followed = follow_faces(moved, first, config, models)
    assert len(followed) == 1
    shift = followed[0].landmarks[:468, :2].mean(axis=0) - first[0].landmarks[:468, :2].mean(axis=0)
    np.testing.assert_allclose(shift, [-15, 12], atol=2.0)
    assert follow_faces(np.zeros_like(astronaut), first, config, models) == []
