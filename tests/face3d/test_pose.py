"""Head pose: Procrustes recovers known poses; Pose conversions are exact inverses."""

from __future__ import annotations

import numpy as np

from ned_core.face3d import Pose
from ned_core.face3d.pose import fit_poses


def test_euler_round_trip_and_sign_conventions():
    angles = np.array([[0.3, -0.2, 0.1], [-0.5, 0.4, -1.0], [0.0, 0.0, 0.0]])
    pose = Pose.from_euler(angles, np.ones(3), np.zeros((3, 3)))
    np.testing.assert_allclose(pose.euler(), angles, atol=1e-12)
    identity = np.tile(np.eye(3), (3, 1, 1))
    np.testing.assert_allclose(pose.rotation @ pose.rotation.transpose(0, 2, 1), identity, atol=1e-12)
    yaw = Pose.from_euler(np.array([[0.2, 0, 0]]), np.ones(1), np.zeros((1, 3))).apply(np.array([[1.0, 0, 0]]))
    assert yaw[0, 0, 2] < 0  # yaw > 0: the subject's left side (x > 0) comes nearer the camera
    roll = Pose.from_euler(np.array([[0, 0, 0.2]]), np.ones(1), np.zeros((1, 3))).apply(np.array([[1.0, 0, 0]]))
    assert roll[0, 0, 1] > 0  # roll > 0: clockwise on screen (y points down)


def test_apply_and_invert_are_inverse(basis):
    angles = np.array([[0.1, 0.2, -0.3], [0.0, -0.1, 0.5]])
    pose = Pose.from_euler(angles, np.array([50.0, 120.0]), np.array([[10.0, 20, 3], [-5, 0, 1]]))
    image = pose.apply(basis.template)
    assert image.shape == (2, 468, 3)
    np.testing.assert_allclose(pose.invert(image), np.broadcast_to(basis.template, (2, 468, 3)), atol=1e-9)


def test_fit_poses_recovers_known_poses(basis):
    rng = np.random.default_rng(3)
    truth = Pose.from_euler(rng.uniform(-0.5, 0.5, (20, 3)), rng.uniform(30, 300, 20), rng.uniform(-500, 500, (20, 3)))
    observed = truth.apply(basis.template) + rng.normal(scale=0.1, size=(20, 468, 3))
    fit = fit_poses(basis.template, observed, np.ones(468))
    np.testing.assert_allclose(fit.euler(), truth.euler(), atol=2e-3)
    np.testing.assert_allclose(fit.scale, truth.scale, rtol=2e-3)


def test_scale_smoothing_keeps_the_rigid_centroid(basis):
    t = np.arange(60)
    scale = 100.0 + 20.0 * (t > 30) + 3.0 * np.sin(2.5 * t)  # a zoom step plus fast flicker
    truth = Pose.from_euler(np.zeros((60, 3)), scale, np.tile([200.0, 100.0, 0.0], (60, 1)))
    observed = truth.apply(basis.template)
    weights = basis.rigid_weights(0.01)
    smooth = fit_poses(basis.template, observed, weights, scale_smoothing=3.0)
    assert np.abs(np.diff(smooth.scale)[:25]).max() < 0.5 * np.abs(np.diff(scale)[:25]).max()  # flicker damped
    assert abs(smooth.scale[-1] - 120.0) < 2.0 and abs(smooth.scale[0] - 100.0) < 2.0  # the zoom is kept
    w = weights / weights.sum()
    centroid = np.einsum("n,tnk->tk", w, smooth.apply(basis.template))
    np.testing.assert_allclose(centroid, np.einsum("n,tnk->tk", w, observed), atol=1e-9)
