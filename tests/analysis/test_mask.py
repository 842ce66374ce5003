"""Face and feature masks from the mesh, and pupils."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis import face_mask, feature_masks, pupils
from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.regions import interocular_distance


def test_face_mask_covers_the_face(photo_faces, config):
    image, faces = photo_faces
    lm = faces[0].landmarks
    mask = face_mask(lm, image.shape[:2], config.mask_feather).full(image.shape[:2])
    assert mask.dtype == np.float32 and mask.min() >= 0 and mask.max() == 1.0
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    (x, y, w, h), = cascade.detectMultiScale(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), 1.1, 5)
    # the central half of the independently found face box is face
    assert mask[y + h // 4 : y + 3 * h // 4, x + w // 4 : x + 3 * w // 4].mean() > 0.95
    # nothing far from the face
    far = np.ones_like(mask, dtype=bool)
    far[max(y - h, 0) : y + 2 * h, max(x - w, 0) : x + 2 * w] = False
    assert mask[far].max() == 0.0
    # eyes, nose tip and mouth are inside; the edge is soft
    for idx in (1, 13, 468, 473):
        px, py = np.round(lm[idx, :2]).astype(int)
        assert mask[py, px] == 1.0
    assert 0.05 < ((mask > 0) & (mask < 1)).sum() / (mask > 0).sum() < 0.5


def test_feature_masks_lie_inside_the_face(photo_faces, config):
    image, faces = photo_faces
    lm = faces[0].landmarks
    face = face_mask(lm, image.shape[:2], 0.0).full(image.shape[:2])
    masks = feature_masks(lm, image.shape[:2], config.mask_feather)
    assert set(masks) == {"lips_outer", "lips_inner", "right_eye", "left_eye", "right_brow", "left_brow"}
    for name, window in masks.items():
        full = window.full(image.shape[:2])
        assert full.sum() > 0, name
        assert (full * (1 - face)).sum() < 0.05 * full.sum(), name
    lips, mouth = masks["lips_outer"].full(image.shape[:2]), masks["lips_inner"].full(image.shape[:2])
    assert mouth.sum() <= lips.sum()
    right_eye = masks["right_eye"].full(image.shape[:2])
    px, py = np.round(lm[468, :2]).astype(int)  # the right iris centre lies in the right eye opening
    assert right_eye[py, px] > 0


def test_pupils_are_iris_centres_with_plausible_radii(photo_faces):
    _, faces = photo_faces
    lm = faces[0].landmarks
    centres, radii = pupils(lm)
    np.testing.assert_array_equal(centres, lm[[468, 473], :2])
    iod = float(interocular_distance(lm))
    assert np.all((radii > 0.05 * iod) & (radii < 0.2 * iod))  # human iris ~ 0.09 IOD
    batch_centres, batch_radii = pupils(np.stack([lm, lm]))
    assert batch_centres.shape == (2, 2, 2) and batch_radii.shape == (2, 2)


def test_polygon_mask_hard_and_soft_edges_and_clipping():
    square = np.array([[10, 10], [49, 10], [49, 49], [10, 49]], dtype=np.float32)
    hard = polygon_mask(square, (60, 60), 0.0).full((60, 60))
    assert hard[10:50, 10:50].min() == 1.0 and hard.sum() == 40 * 40
    soft = polygon_mask(square, (60, 60), 8.0).full((60, 60))
    assert soft[30, 30] == 1.0 and 0 < soft[30, 12] < 0.5 and soft[30, 5] == 0
    outside = polygon_mask(square + 100, (60, 60), 4.0)
    assert outside.full((60, 60)).sum() == 0
