"""Shared fixtures for the composite tests: the two real face photos in scene-linear float and their landmarks
(the models and photos come from the session-wide fixtures in ``tests/conftest.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.synthetic import sample_photo


@pytest.fixture(scope="session", params=["astronaut", "grace_hopper"])
def face(request, analysis_config, mesh_models) -> tuple[np.ndarray, np.ndarray]:
    """``(frame (H, W, 3) float32 scene-linear (display values ** 2.2), landmarks (478, 3))`` of each photo."""
    photo = sample_photo(request.param)
    faces = analyze_image(photo, analysis_config, mesh_models)
    assert len(faces) == 1
    return ((photo / 255.0) ** 2.2).astype(np.float32), faces[0].landmarks
