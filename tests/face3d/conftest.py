"""Shared fixtures for the face3d tests: the embedded model (built once), real photos and their landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.face3d import EmbeddedFaceModel, ExpressionBasis, Pose
from ned_core.synthetic import sample_photo


@pytest.fixture(scope="session")
def model() -> EmbeddedFaceModel:
    return EmbeddedFaceModel.from_mean_face()


@pytest.fixture(scope="session")
def basis(model) -> ExpressionBasis:
    return model.basis


@pytest.fixture(scope="session")
def photos() -> dict[str, np.ndarray]:
    astronaut = sample_photo("astronaut")
    return {
        "astronaut": astronaut,
        "astronaut_mirrored": np.ascontiguousarray(astronaut[:, ::-1]),
        "grace_hopper": sample_photo("grace_hopper"),
    }


@pytest.fixture(scope="session")
def photo_landmarks(photos, analysis_config, mesh_models) -> dict[str, np.ndarray]:
    """``(478, 3)`` landmarks of the (largest) face in each photo."""
    return {name: analyze_image(img, analysis_config, mesh_models)[0].landmarks for name, img in photos.items()}


@pytest.fixture(scope="session")
def simulated_shot(basis: ExpressionBasis):
    """A track made from the model itself: known rest, expression, pose, plus landmark noise.

    The rest is the mean face plus a smooth random identity change; expressions are sparse,
    non-negative and each channel sits at 0 in some frames; poses turn up to ~12 degrees.

    Returns:
        ``(landmarks (T, 468, 3), rest (468, 3), expression (T, K), pose)``, ``T = 300``, noise
        0.4 % of the inter-ocular distance per coordinate.
    """
    num_frames, noise_iod = 300, 0.004
    rng = np.random.default_rng(7)
    k = len(basis.channel_names)
    t = np.arange(num_frames)
    identity = basis.template + 0.03 * np.sin(basis.template @ rng.normal(size=(3, 3)))
    phase = rng.uniform(0, 2 * np.pi, size=k)
    rate = rng.uniform(0.02, 0.15, size=k)
    expression = np.clip(1.2 * np.sin(rate * t[:, None] + phase) - 0.2, 0.0, 1.0)
    expression *= rng.random(k) < 0.6  # some channels never move
    angles = 0.2 * np.sin(np.outer(t, [0.05, 0.031, 0.043]) + rng.uniform(0, 6, 3))
    shift = np.stack([300 + 10 * np.sin(0.07 * t), 200 + 0 * t, 0 * t], axis=1)
    pose = Pose.from_euler(angles, 80.0 + 5 * np.sin(0.02 * t), shift)
    shapes = identity + np.einsum("tk,kvc->tvc", expression, basis.displacements)
    landmarks = pose.apply(shapes) + rng.normal(scale=noise_iod * 80.0, size=(num_frames, 468, 3))
    return landmarks, identity, expression, pose
