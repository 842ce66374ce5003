"""The rest shape found from a shot is the actor's face with every unit at rest, despite glitches."""

from __future__ import annotations

import numpy as np

from ned_core.face3d import FitConfig
from ned_core.face3d.rest import estimate_rest, inlier_frames
from ned_core.face3d.system import build_system


def test_rest_is_the_least_activated_face(basis, simulated_shot):
    _, identity, expression, _ = simulated_shot
    talking = expression.copy()
    talking[:, 0] = 0.5 + 0.5 * np.sin(0.3 * np.arange(len(talking)))  # mouth open most of the shot
    config = FitConfig(channel_priors=())
    shapes = identity + np.einsum("tk,kvc->tvc", talking, basis.displacements)
    rest = estimate_rest(shapes, build_system(basis, config), config)
    err = np.linalg.norm(rest - identity, axis=1)
    assert err.mean() < 0.004  # 0.4 % of the inter-ocular distance (the L1 term's small bias)
    lower_lip = [14, 17, 84, 314]
    median_err = np.linalg.norm(np.median(shapes, axis=0) - identity, axis=1)
    assert median_err[lower_lip].min() > 0.1 > 0.01 > err[lower_lip].max()  # the median keeps the mouth open


def test_glitch_frames_are_left_out(basis, simulated_shot):
    _, identity, expression, _ = simulated_shot
    shapes = identity + np.einsum("tk,kvc->tvc", expression, basis.displacements)
    shapes[[10, 50, 90]] += np.random.default_rng(0).normal(scale=0.3, size=(3, 468, 3))  # tracking glitches
    kept = inlier_frames(shapes, 5.0)
    assert not kept[[10, 50, 90]].any() and kept.sum() >= 0.7 * len(shapes)
    config = FitConfig(channel_priors=())
    rest = estimate_rest(shapes, build_system(basis, config), config)
    assert np.linalg.norm(rest - identity, axis=1).mean() < 0.004
