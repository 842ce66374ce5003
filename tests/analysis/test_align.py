"""Procrustes alignment to the mean face and aligned crops."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import align_landmarks, aligned_crop, analyze_image
from ned_core.analysis.align import alignment_points, template_in_crop
from ned_core.analysis.crop import apply_affine
from ned_core.exceptions import ShapeError


def test_aligned_face_sits_on_the_template_whatever_the_pose(photo_faces, config, models):
    image, faces = photo_faces
    h, w = image.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), 35, 0.8)
    moved = cv2.warpAffine(image, turn, (w, h))
    moved_lm = analyze_image(moved, config, models)[0].landmarks
    al = align_landmarks(np.stack([faces[0].landmarks, moved_lm]), config.crop_size, config.crop_iod_fraction)
    assert al.crop_from_image.shape == (2, 2, 3) and al.crop_size == 256
    target = template_in_crop(config.crop_size, config.crop_iod_fraction)
    idx = alignment_points()
    in_crop = [apply_affine(m, lm[:, :2]) for m, lm in zip(al.crop_from_image, [faces[0].landmarks, moved_lm])]
    iod = config.crop_iod_fraction * config.crop_size
    for pts in in_crop:
        assert np.linalg.norm(pts[idx] - target[idx], axis=1).mean() < 0.15 * iod  # a real face vs the mean face
    assert np.linalg.norm(in_crop[0] - in_crop[1], axis=1).mean() < 0.03 * iod  # same face, same crop
    for fwd, inv in zip(al.crop_from_image, al.image_from_crop):
        np.testing.assert_allclose(apply_affine(inv, apply_affine(fwd, faces[0].landmarks[:, :2])),
                                   faces[0].landmarks[:, :2], atol=1e-3)
    crops = [aligned_crop(img, m, 256) for img, m in zip([image, moved], al.crop_from_image)]
    assert crops[0].shape == (256, 256, 3) and crops[0].dtype == np.uint8
    centre = slice(64, 192)
    diff = np.abs(crops[0][centre, centre].astype(float) - crops[1][centre, centre]).mean()
    shifted = np.abs(crops[0][centre, centre].astype(float) - crops[0][72:200, centre]).mean()
    assert diff < 0.6 * shifted  # the two crops show the same face in the same place (not 8 px apart)


def test_large_crop_and_shape_check(photo_faces, config):
    _, faces = photo_faces
    al = align_landmarks(faces[0].landmarks[None], 1024, config.crop_iod_fraction)
    pts = apply_affine(al.crop_from_image[0], faces[0].landmarks[:468, :2])
    assert pts.min() > 0 and pts.max() < 1024
    with pytest.raises(ShapeError):
        align_landmarks(np.zeros((3, 10, 3)), 256, 0.25)
