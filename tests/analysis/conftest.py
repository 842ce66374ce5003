"""Shared fixtures for the analysis tests: models loaded once, the two real face photos, their analyses."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import skimage.data

from ned_core.analysis import AnalysisConfig, FaceMeshModels, analyze_image


@pytest.fixture(scope="session")
def config(analysis_config) -> AnalysisConfig:
    return analysis_config


@pytest.fixture(scope="session")
def models(mesh_models) -> FaceMeshModels:
    return mesh_models


@pytest.fixture(scope="session", params=["astronaut", "grace_hopper"])
def photo(request) -> np.ndarray:
    """Each real face photo in turn."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def photo_faces(photo, config, models):
    """(image, analyze_image result) for each photo."""
    return photo, analyze_image(photo, config, models)


@pytest.fixture(scope="session")
def clip_parts(astronaut, grace_hopper) -> dict[str, np.ndarray]:
    """1024x512 frames built from the two photos: both faces, swapped, one face, a cut, black."""
    g = grace_hopper[:512]
    blur_g, blur_a = cv2.GaussianBlur(g, (0, 0), 40), cv2.GaussianBlur(astronaut, (0, 0), 40)
    stars = cv2.resize(skimage.data.hubble_deep_field(), (512, 512), interpolation=cv2.INTER_AREA)
    return {
        "both": np.concatenate([g, astronaut], axis=1),  # Grace left, astronaut right
        "swapped": np.concatenate([astronaut, g], axis=1),
        "astronaut_only": np.concatenate([blur_g, astronaut], axis=1),  # Grace's side without her face
        "grace_only": np.concatenate([g, blur_a], axis=1),
        "after_cut": np.concatenate([stars, astronaut], axis=1),  # another shot, astronaut at the same place
        "black": np.zeros((512, 1024, 3), np.uint8),
    }
