"""Fixtures shared by every test package: the face models loaded once per session and the real photos."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.face3d import EmbeddedFaceModel
from ned_core.synthetic import sample_photo


@pytest.fixture(scope="session")
def analysis_config() -> AnalysisConfig:
    return AnalysisConfig(num_threads=1)


@pytest.fixture(scope="session")
def mesh_models(analysis_config) -> FaceMeshModels:
    """The MediaPipe models (from the model store), loaded once."""
    return FaceMeshModels.load(config=analysis_config)


@pytest.fixture(scope="session")
def face_model() -> EmbeddedFaceModel:
    return EmbeddedFaceModel.from_mean_face()


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """scikit-image's astronaut, ``(512, 512, 3) uint8``."""
    return sample_photo("astronaut")


@pytest.fixture(scope="session")
def grace_hopper() -> np.ndarray:
    """matplotlib's grace_hopper.jpg, ``(600, 512, 3) uint8``."""
    return sample_photo("grace_hopper")
