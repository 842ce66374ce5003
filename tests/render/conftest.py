"""Shared fixtures for the render tests: the two real face photos in scene-linear float, their landmarks,
and a short synthetic speaking clip (open and closed mouths, real photo pixels)."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.face3d import EmbeddedFaceModel
from ned_core.render.base import ShotContext
from ned_core.synthetic import SyntheticActorConfig, SyntheticClip, make_synthetic_actor, sample_photo


def to_linear(srgb: np.ndarray) -> np.ndarray:
    """``(..., 3) uint8`` display values -> float32 scene-linear (gamma 2.2)."""
    return ((srgb.astype(np.float64) / 255.0) ** 2.2).astype(np.float32)


@pytest.fixture(scope="session", params=["astronaut", "grace_hopper"])
def face(request, analysis_config, mesh_models) -> tuple[np.ndarray, np.ndarray]:
    """``(frame (H, W, 3) float32 linear, landmarks (478, 3) float32)`` of each real photo in turn."""
    photo = sample_photo(request.param)
    faces = analyze_image(photo, analysis_config, mesh_models)
    assert len(faces) == 1
    return to_linear(photo), faces[0].landmarks


@pytest.fixture(scope="session")
def astronaut_face(analysis_config, mesh_models) -> tuple[np.ndarray, np.ndarray]:
    photo = sample_photo("astronaut")
    return to_linear(photo), analyze_image(photo, analysis_config, mesh_models)[0].landmarks


@pytest.fixture(scope="session")
def speaking_clip(analysis_config, mesh_models) -> SyntheticClip:
    """1.2 s of Grace Hopper talking (mouth opening and closing, teeth painted in), no smile, no blinks."""
    config = SyntheticActorConfig(num_frames=30, seed=3, smile_episodes=0, blinks_per_minute=0.0, yaw_deg=2.0,
                                  pitch_deg=1.0, roll_deg=1.0)
    return make_synthetic_actor(sample_photo("grace_hopper"), config, mesh_models, EmbeddedFaceModel.from_mean_face(),
                                analysis_config)


@pytest.fixture(scope="session")
def speaking_shot(speaking_clip) -> ShotContext:
    """The speaking clip as a shot (frames 1001-1030, scene-linear), read through a frame reader."""
    frames = [to_linear(f) for f in speaking_clip.frames]
    numbers = np.arange(1001, 1001 + len(frames))
    return ShotContext(numbers, speaking_clip.landmarks, frames[0].shape[:2], lambda n: frames[n - 1001])
