"""Fixtures shared by every test package: the face models loaded once per session and the real photos."""

from __future__ import annotations

import subprocess

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


@pytest.fixture
def small_fs(tmp_path):
    """``mount(folder, size)``: a real size-limited file system (tmpfs) at ``folder``; skips the test where this
    machine does not let it mount one (not root, no CAP_SYS_ADMIN). Unmounted at teardown."""
    mounted: list = []

    def mount(folder, size: str):
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a size-limited tmpfs here ({done.stderr.strip() or done.returncode}); "
                        "run as root or with CAP_SYS_ADMIN to test a full disk")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
