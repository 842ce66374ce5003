"""Fixtures shared by every test package: the face models loaded once per session and the real photos."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.face3d import EmbeddedFaceModel
from ned_core.synthetic import sample_photo


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``gpu`` when torch sees no CUDA device (torch is imported only if there are any)."""
    gpu_tests = [item for item in items if item.get_closest_marker("gpu")]
    if not gpu_tests:
        return
    import torch

    if not torch.cuda.is_available():
        for item in gpu_tests:
            item.add_marker(pytest.mark.skip(reason="needs a CUDA device (torch.cuda.is_available() is False)"))


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


@pytest.fixture(scope="session")
def pair_still(tmp_path_factory, astronaut, grace_hopper) -> Path:
    """The astronaut (left) and Grace Hopper (right) side by side in one 8-bit PNG still: two faces."""
    pair = np.zeros((grace_hopper.shape[0], astronaut.shape[1] + grace_hopper.shape[1], 3), np.uint8)
    pair[: astronaut.shape[0], : astronaut.shape[1]] = astronaut
    pair[:, astronaut.shape[1]:] = grace_hopper
    path = tmp_path_factory.mktemp("pair") / "pair.png"
    assert oiio.ImageBuf(np.ascontiguousarray(pair)).write(str(path))
    return path


# --- the learned manipulator (tests/manipulation, tests/training, tests/pipeline); torch imported on use ---

# Small enough for CPU tests, big enough to learn the synthetic emotions in a few hundred steps.
def _test_sizes():
    from ned_core.manipulation.config import ManipulatorConfig

    return ManipulatorConfig(expr_dim=27, translator_width=48, translator_head=96, encoder_widths=(48, 48),
                             encoder_lstm=24, encoder_head=(24, 24), lstm_layers=1)


def _tiny_sizes():
    from ned_core.manipulation.config import sized_config

    return sized_config("small", 27)


@pytest.fixture(scope="session")
def train_set():
    """6 synthetic actors x 7 emotions x 2 clips of 100 frames (embedded space)."""
    from ned_core.training.dataset_synthetic import synthetic_dataset

    return synthetic_dataset(actors=6, clips_per_emotion=2, frames=100, seed=0)


@pytest.fixture(scope="session")
def test_set():
    """3 other synthetic actors (ids 100-102), other clips."""
    from ned_core.training.dataset_synthetic import synthetic_dataset

    return synthetic_dataset(actors=3, clips_per_emotion=2, frames=100, seed=1, first_actor=100)


@pytest.fixture(scope="session")
def small_set():
    """2 actors x 7 emotions x 1 clip of 40 frames: for fast mechanics tests."""
    from ned_core.training.dataset_synthetic import synthetic_dataset

    return synthetic_dataset(actors=2, clips_per_emotion=1, frames=40, seed=2)


@pytest.fixture(scope="session")
def tiny_sizes():
    """The "small" preset (fast mechanics tests)."""
    return _tiny_sizes()


@pytest.fixture(scope="session")
def test_sizes():
    """Sizes of the training-quality test."""
    return _test_sizes()


@pytest.fixture()
def untrained():
    """A freshly initialised small manipulator (embedded space), eval mode."""
    from ned_core.manipulation.model import build_manipulator
    from ned_core.manipulation.space import EMBEDDED_SPACE

    return build_manipulator(_tiny_sizes(), EMBEDDED_SPACE, seed=0).eval()


def _linear(gen, out, inp):
    import torch

    return {"weight": torch.randn(out, inp, generator=gen) / inp**0.5, "bias": torch.randn(out, generator=gen) * 0.1}


def _lstm(gen, inp, hidden, layers=2):
    import torch

    state = {}
    for layer in range(layers):
        size = inp if layer == 0 else 2 * hidden
        for suffix in ("", "_reverse"):
            state[f"weight_ih_l{layer}{suffix}"] = torch.randn(4 * hidden, size, generator=gen) / size**0.5
            state[f"weight_hh_l{layer}{suffix}"] = torch.randn(4 * hidden, hidden, generator=gen) / hidden**0.5
            state[f"bias_ih_l{layer}{suffix}"] = torch.randn(4 * hidden, generator=gen) * 0.1
            state[f"bias_hh_l{layer}{suffix}"] = torch.randn(4 * hidden, generator=gen) * 0.1
    return state


def _net(gen, seq1, lstm, seq2):
    """seq1.{0,2} Linear layers, LSTM, seq2.{0,2,4} Linear layers; sizes as (out, in) pairs."""
    state = {}
    for name, layers in (("seq1", seq1), ("seq2", seq2)):
        for i, (out, inp) in enumerate(layers):
            state.update({f"{name}.{2 * i}.{k}": v for k, v in _linear(gen, out, inp).items()})
    state.update({f"LSTM.{k}": v for k, v in _lstm(gen, *lstm).items()})
    return state


def _official_doc(seed=0, domains=7, prefix=""):
    import torch

    gen = torch.Generator().manual_seed(seed)
    mapping = {}
    for i, (out, inp) in enumerate([(64, 4), (64, 64), (64, 64)]):
        mapping.update({f"shared.{2 * i}.{k}": v for k, v in _linear(gen, out, inp).items()})
    for d in range(domains):
        for i, (out, inp) in enumerate([(64, 64), (16, 64)]):
            mapping.update({f"unshared.{d}.{2 * i}.{k}": v for k, v in _linear(gen, out, inp).items()})
    doc = {
        "generator": _net(gen, [(512, 67), (512, 512)], (512, 512), [(1024, 1024), (1024, 1024), (51, 1024)]),
        "style_encoder": _net(gen, [(512, 51), (256, 512)], (256, 128), [(128, 256), (64, 128), (16, 64)]),
        "discriminator": _net(gen, [(512, 51), (256, 512)], (256, 128), [(128, 256), (64, 128), (domains, 64)]),
        "mapping_network": mapping,
    }
    return {net: {prefix + k: v for k, v in state.items()} for net, state in doc.items()}


@pytest.fixture(scope="session")
def official_doc():
    """``official_doc(seed=0, domains=7, prefix="")`` -> a dict in the official layout, paper sizes, random weights."""
    return _official_doc


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


# --- issue 14: a shot long enough to chunk (render farms) ---
LONG_SHOT_FRAMES = 64


@pytest.fixture(scope="session")
def long_shot(tmp_path_factory, analysis_config, mesh_models, face_model) -> str:
    """Grace Hopper speaking, 64 frames at 192x192 (PNG sequence ``talk.0001.png`` ..; returns ``talk.####.png``).

    Small in pixels so that chunked renders run fast; with ``--emotion fear`` her mouth opens wider than in the
    source on most frames, so retrieved mouth interiors (which stick to the previous frame's choice) cross every
    chunk boundary.
    """
    import cv2

    from ned_core.synthetic import SyntheticActorConfig, make_synthetic_actor, write_png_sequence

    photo = cv2.resize(np.ascontiguousarray(sample_photo("grace_hopper")[40:424, 70:454]), (192, 192),
                       interpolation=cv2.INTER_AREA)
    config = SyntheticActorConfig(num_frames=LONG_SHOT_FRAMES, seed=0, smile_episodes=0, blinks_per_minute=0.0)
    clip = make_synthetic_actor(photo, config, mesh_models, face_model, analysis_config)
    folder = tmp_path_factory.mktemp("long_shot")
    write_png_sequence(clip.frames, folder, "talk", 1)
    return str(folder / "talk.####.png")


def _exr_pixels(path) -> bytes:
    import OpenImageIO as oiio

    image = oiio.ImageBuf(str(path))
    assert not image.has_error, image.geterror()
    return image.get_pixels(oiio.HALF).tobytes()


@pytest.fixture(scope="session")
def exr_pixels():
    """``exr_pixels(path) -> bytes``: every channel of an EXR's data window as stored (half floats), via OpenImageIO."""
    return _exr_pixels
