"""dlib's face descriptor on Face-Mesh-aligned chips: same actor close, another actor far; no opt-in; CLI flag."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from ned_core.cli.main import cli
from ned_core.evaluate import shot_eval
from ned_core.evaluate.identity import IdentityEmbedder, identity_distance
from ned_core.analysis.identity import CHIP_SIZE, face_chip
from ned_core.evaluate.identity_dlib import DlibIdentityEmbedder
from ned_core.exceptions import ShapeError
from ned_core.models.store import ModelStore, StoreConfig
from ned_core.synthetic import sample_photo, write_png_sequence

ASTRONAUT_FACE = (slice(0, 256), slice(96, 352))  # 256x256 around the astronaut's face (rows, columns)


@pytest.fixture(scope="module")
def embedder(tmp_path_factory) -> DlibIdentityEmbedder:
    """Loaded from an empty store: the model is found in the installed face-recognition-models package."""
    return DlibIdentityEmbedder.load(ModelStore(StoreConfig(root=tmp_path_factory.mktemp("models"))))


def embed(embedder, face_of, image: np.ndarray) -> np.ndarray:
    face = face_of(image)
    return embedder.embed(image, face.box, landmarks=face.landmarks)


def test_same_actor_is_much_closer_than_another_actor(embedder, face_of):
    assert isinstance(embedder, IdentityEmbedder) and "dlib" in embedder.name
    astronaut, hopper = sample_photo("astronaut"), sample_photo("grace_hopper")
    brighter = np.clip(astronaut.astype(np.int16) + 25, 0, 255).astype(np.uint8)
    shifted = np.roll(astronaut, (7, -5), axis=(0, 1))
    e = np.stack([embed(embedder, face_of, img) for img in (astronaut, hopper, brighter, shifted)])
    assert e.shape == (4, 128) and np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    other, bright, shift = identity_distance(e[[0, 0, 0]], e[1:])
    # measured (1 - cosine): other actor 0.11; brightness +25 0.0008; 7 px shift 0.0001
    assert other > 0.05
    assert other > 20 * max(bright, shift)
    assert identity_distance(e[[0]], e[[1]], "l2")[0] > 0.3  # measured 0.47 (dlib's same-person bound is 0.6)


def test_chip_is_upright_and_centred(face_of):
    astronaut = sample_photo("astronaut")
    chip = face_chip(astronaut, face_of(astronaut).landmarks)
    assert chip.shape == (CHIP_SIZE, CHIP_SIZE, 3) and chip.dtype == np.uint8
    rotated = face_chip(np.ascontiguousarray(np.rot90(astronaut)), face_of(np.rot90(astronaut)).landmarks)
    assert np.abs(rotated.astype(int) - chip).mean() < 12  # the same chip whatever the head's roll


def test_embed_needs_landmarks(embedder):
    image = np.zeros((64, 64, 3), np.uint8)
    with pytest.raises(ShapeError, match="landmarks"):
        embedder.embed(image, np.array([0, 0, 63, 63]))
    with pytest.raises(ShapeError, match="468"):
        embedder.embed(image, np.array([0, 0, 63, 63]), landmarks=np.zeros((5, 2)))


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> str:
    """Three frames of the astronaut drifting 2 px a frame, 256x256 PNGs 1001-1003; returns the pattern."""
    face = sample_photo("astronaut")
    frames = np.stack([np.roll(face, 2 * i, axis=1)[ASTRONAUT_FACE] for i in range(3)])
    folder = tmp_path_factory.mktemp("clip")
    write_png_sequence(frames, folder, "clip", 1001)
    return str(folder / "clip.####.png")


def test_cli_identity_flag_measures_against_the_source_baseline(clip):
    result = CliRunner().invoke(cli, ["eval", "shot", clip, "--self", "--no-cache", "--identity", "--json"])
    assert result.exit_code == 0, result.output
    evaluation = shot_eval.from_json(result.stdout)
    s = evaluation.results.summary
    assert "dlib" in evaluation.results.identity_embedder
    assert s.identity_distance is not None and s.identity_distance < 0.05
    assert evaluation.source_identity_baseline is not None and evaluation.source_identity_baseline < 0.05
    assert evaluation.results.series.identity.shape == (3,)
    assert any("the source vs itself 2 frames later" in n for n in evaluation.results.notes)

