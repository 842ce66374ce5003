"""Mesh index sets: valid, closed outlines in the expected places on a real face."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import REGIONS, eye_centres, interocular_distance, polygon


def test_index_sets_are_valid():
    for name, idx in REGIONS.items():
        assert len(set(idx)) == len(idx), name
        limit = 478 if name.endswith("iris") else 468
        assert all(0 <= i < limit for i in idx), name


def test_outlines_are_simple_polygons_nested_as_on_a_face(photo_faces):
    _, faces = photo_faces
    lm = faces[0].landmarks
    oval = polygon(lm, "face_oval")
    area = {name: abs(cv2.contourArea(polygon(lm, name))) for name in REGIONS}
    # a non-self-intersecting outline: its area equals the area of its convex hull closely for these shapes
    for name in ("face_oval", "lips_outer", "right_eye", "left_eye"):
        hull = cv2.contourArea(cv2.convexHull(polygon(lm, name)))
        assert area[name] > 0.8 * hull, name
    assert area["face_oval"] > 5 * area["lips_outer"] and area["lips_outer"] > area["lips_inner"]
    for name in REGIONS:
        for x, y in polygon(lm, name):
            assert cv2.pointPolygonTest(oval, (float(x), float(y)), False) >= 0 or name == "face_oval", name
    right, left = eye_centres(lm[:, :2])
    assert right[0] < left[0]  # subject's right eye on the image's left
    assert abs(float(interocular_distance(lm)) - float(np.linalg.norm(left - right))) < 1e-4
