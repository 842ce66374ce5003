"""Shared fixtures for the synthetic-actor tests: models, and one clip generated and analysed once."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.synthetic import SyntheticActorConfig, SyntheticClip, make_synthetic_actor


@pytest.fixture(scope="session")
def hopper_clip(grace_hopper, analysis_config, mesh_models, face_model) -> SyntheticClip:
    """3 s at 25 fps of Grace Hopper talking, smiling twice and turning her head (seed 0)."""
    return make_synthetic_actor(grace_hopper, SyntheticActorConfig(seed=0), mesh_models, face_model, analysis_config)


@pytest.fixture(scope="session")
def hopper_clip_landmarks(hopper_clip, analysis_config, mesh_models) -> np.ndarray:
    """``(T, 478, 3)`` landmarks of the face found in each frame by ``analyze_image``."""
    found = [analyze_image(frame, analysis_config, mesh_models) for frame in hopper_clip.frames]
    assert all(len(faces) == 1 for faces in found)
    return np.stack([faces[0].landmarks for faces in found])
