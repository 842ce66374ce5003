"""Iris points 468-477: which eye is which, and mirror consistency."""

from __future__ import annotations

import numpy as np

from ned_core.analysis import analyze_image
from ned_core.analysis.regions import LEFT_EYE, RIGHT_EYE, interocular_distance


def test_iris_centres_sit_in_their_own_eye(photo_faces):
    _, faces = photo_faces
    lm = faces[0].landmarks
    iod = float(interocular_distance(lm))
    for centre, eye in ((468, RIGHT_EYE), (473, LEFT_EYE)):
        assert np.linalg.norm(lm[centre, :2] - lm[list(eye), :2].mean(axis=0)) < 0.1 * iod
        edge = lm[centre + 1 : centre + 5, :2]
        assert np.all(np.linalg.norm(edge - lm[centre, :2], axis=1) < 0.25 * iod)


def test_mirror_image_swaps_the_eyes(photo_faces, config, models):
    image, faces = photo_faces
    w = image.shape[1]
    mirrored = analyze_image(np.ascontiguousarray(image[:, ::-1]), config, models)[0].landmarks
    iod = float(interocular_distance(faces[0].landmarks))
    back = mirrored[:, :2] * [-1, 1] + [w - 1, 0]
    # the mirror image's right iris is the original's left iris (edge points in the same anatomical
    # order: nose side, top, outer side, bottom), and vice versa
    np.testing.assert_allclose(back[468:473], faces[0].landmarks[473:478, :2], atol=0.06 * iod)
    np.testing.assert_allclose(back[473:478], faces[0].landmarks[468:473, :2], atol=0.06 * iod)
