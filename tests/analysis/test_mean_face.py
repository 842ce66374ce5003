"""The shipped mean-face template: conventions, symmetry, and that its recipe rebuilds it."""

from __future__ import annotations

import numpy as np

from ned_core.analysis import load_mean_face, mirror_indices
from ned_core.analysis.mean_face import build_mean_face
from ned_core.analysis.regions import eye_centres


def test_template_conventions():
    t = load_mean_face()
    assert t.shape == (468, 3) and t.dtype == np.float32
    np.testing.assert_allclose(t.mean(axis=0), 0, atol=1e-5)
    right, left = eye_centres(t)
    np.testing.assert_allclose(np.linalg.norm(left - right), 1.0, rtol=1e-5)
    assert right[0] < 0 < left[0] and abs(right[1] - left[1]) < 1e-6  # subject's left eye at +x, level
    assert t[10, 1] < t[1, 1] < t[152, 1]  # forehead above nose tip above chin (y down)
    assert t[1, 2] < t[234, 2]  # nose tip nearer the camera than the cheek edge (z away)


def test_template_is_mirror_symmetric():
    t = load_mean_face()
    partner = mirror_indices(t)
    np.testing.assert_array_equal(partner[partner], np.arange(468))  # an involution
    assert partner[33] == 263 and partner[61] == 291 and partner[1] == 1
    np.testing.assert_allclose(t[partner] * [-1, 1, 1], t, atol=1e-5)


def test_recipe_rebuilds_the_shipped_file(astronaut, grace_hopper, config, models):
    rebuilt = build_mean_face([astronaut, grace_hopper], config, models)
    assert np.abs(rebuilt - load_mean_face()).max() < 0.01
