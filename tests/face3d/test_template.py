"""Template space: the mean face normalised (eyes on x, IOD 1), symmetric, and mirrored faces refused."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import load_mean_face
from ned_core.analysis.regions import LEFT_EYE, RIGHT_EYE
from ned_core.exceptions import TemplateError
from ned_core.face3d import Pose
from ned_core.face3d.template import to_template_space


def test_template_space_is_similarity_invariant():
    mean = load_mean_face().astype(np.float64)
    pose = Pose.from_euler(np.array([[0.05, -0.1, 0.3]]), np.array([173.0]), np.array([[400.0, 250.0, 7.0]]))
    moved = pose.apply(mean)[0]
    a, b = to_template_space(mean), to_template_space(moved)
    # the input's pitch/yaw are partly kept (y is the input's y made orthogonal to x) but eyes land on x
    for t in (a, b):
        np.testing.assert_allclose(t[list(LEFT_EYE)].mean(0) - t[list(RIGHT_EYE)].mean(0), [1, 0, 0], atol=1e-9)
        assert t[:, 2].min() < -0.3  # the nose is in front of the eyes (z away from camera)
    np.testing.assert_allclose(a, to_template_space(load_mean_face()), atol=1e-12)


def test_template_is_exactly_symmetric(basis):
    t = basis.template
    np.testing.assert_allclose(t[basis.mirror] * [-1, 1, 1], t, atol=1e-12)


def test_rejects_mirrored_and_malformed_faces():
    mean = load_mean_face().astype(np.float64)
    with pytest.raises(TemplateError, match="mirrored"):
        to_template_space(mean * [1, 1, -1])  # depth flipped: a mirror image
    with pytest.raises(TemplateError, match=r"\(468, 3\)"):
        to_template_space(mean[:400])
    bad = mean.copy()
    bad[5, 1] = np.nan
    with pytest.raises(TemplateError):
        to_template_space(bad)
