"""load_shot_inputs: a real render's plates and composites, read back and re-analysed, and its clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.evaluate.shot_inputs import find_exr_sequence, load_shot_inputs
from ned_core.exceptions import (
    NoFaceToEvaluateError,
    ShotResultMismatchError,
    ShotResultMissingError,
)
from ned_core.face3d import EmbeddedFaceModel
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest
from ned_core.synthetic import (
    SyntheticActorConfig,
    make_synthetic_actor,
    sample_photo,
    write_png_sequence,
)

FRAMES = 12
HOPPER_CROP = (slice(40, 424), slice(70, 454))  # 384x384 around Grace Hopper's face (rows, columns)


@pytest.fixture(scope="module")
def config() -> NedConfig:
    return NedConfig(analysis=AnalysisConfig(num_threads=1), cache_dir=None)


@pytest.fixture(scope="module")
def models(config) -> FaceMeshModels:
    return FaceMeshModels.load(config=config.analysis)


@pytest.fixture(scope="module")
def actor(tmp_path_factory, config, models) -> str:
    """Grace Hopper talking, 384x384, frames 1001-1012 as PNGs; returns the sequence pattern."""
    photo = np.ascontiguousarray(sample_photo("grace_hopper")[HOPPER_CROP])
    clip = make_synthetic_actor(photo, SyntheticActorConfig(num_frames=FRAMES, seed=0, smile_episodes=0,
                                                            blinks_per_minute=0.0),
                                models, EmbeddedFaceModel.from_mean_face(), config.analysis)
    folder = tmp_path_factory.mktemp("actor")
    write_png_sequence(clip.frames, folder, "actor", 1001)
    return str(folder / "actor.####.png")


@pytest.fixture(scope="module")
def happy(tmp_path_factory, actor, config, models) -> Path:
    """A real happy render of the actor with plates and composites (``composite/``)."""
    out = tmp_path_factory.mktemp("happy")
    render_shot(RenderRequest(source=actor, out_dir=str(out), emotion="happy", composite=True), config,
                models=models)
    return out


def test_plates_and_composites_give_the_same_shot(actor, happy, config, models):
    from_plates = load_shot_inputs(actor, happy, "plates", config, models)
    from_comps = load_shot_inputs(actor, happy, "composites", config, models)
    a, b = from_plates.inputs, from_comps.inputs
    assert a.frames.tolist() == list(range(1001, 1001 + FRAMES)) == b.frames.tolist()
    assert a.source.shape == (FRAMES, 384, 384, 3) and a.source.dtype == np.uint8
    np.testing.assert_array_equal(a.source, b.source)
    assert np.abs(a.result.astype(int) - b.result.astype(int)).max() <= 1  # plate read back == composite
    assert a.source_landmarks.shape == (FRAMES, 478, 3) == a.result_landmarks.shape
    assert a.masks.shape == (FRAMES, 384, 384) and (a.masks > 0.5).mean() > 0.1  # the face covers the frame
    # the edit is inside the face: changed pixels are almost all under the source's face mask
    changed = np.abs(a.result.astype(int) - a.source.astype(int)).max(axis=-1) > 8
    assert changed.sum() > 1000 and (a.masks[changed] > 0).mean() > 0.9
    assert 150 < from_plates.crop_side < 600 and from_plates.notes == ()


def test_frame_range_loads_only_those_frames(actor, happy, config, models):
    loaded = load_shot_inputs(actor, happy, "plates", config, models, frames="1003-1006")
    assert loaded.inputs.frames.tolist() == [1003, 1004, 1005, 1006]


def test_a_missing_plate_is_named(actor, happy, config, models, tmp_path):
    for p in happy.glob("*.exr"):
        shutil.copy(p, tmp_path)
    next(tmp_path.glob("*.1007.exr")).unlink()
    with pytest.raises(ShotResultMismatchError, match="source frame 1007"):
        load_shot_inputs(actor, tmp_path, "plates", config, models)


def test_plates_of_another_size_are_refused(happy, config, models, tmp_path):
    frames = np.full((FRAMES, 200, 300, 3), 128, np.uint8)
    write_png_sequence(frames, tmp_path, "small", 1001)
    with pytest.raises(ShotResultMismatchError, match="384x384 frame, the source is 300x200"):
        load_shot_inputs(str(tmp_path / "small.####.png"), happy, "plates", config, models)


def test_a_source_without_face_is_refused(happy, config, models, tmp_path):
    rng = np.random.default_rng(0)
    write_png_sequence(rng.integers(0, 255, (FRAMES, 384, 384, 3), dtype=np.uint8), tmp_path, "noise", 1001)
    with pytest.raises(NoFaceToEvaluateError, match="no face found in the source"):
        load_shot_inputs(str(tmp_path / "noise.####.png"), happy, "plates", config, models)


def test_empty_or_ambiguous_folders_are_refused(happy, tmp_path):
    with pytest.raises(ShotResultMissingError, match="no numbered EXR sequence"):
        find_exr_sequence(tmp_path, "plates")
    with pytest.raises(ShotResultMissingError, match="not a folder"):
        find_exr_sequence(tmp_path / "nothing", "plates")
    for p in happy.glob("*.exr"):
        shutil.copy(p, tmp_path)
        shutil.copy(p, tmp_path / p.name.replace("actor", "other"))
    with pytest.raises(ShotResultMissingError, match="several EXR sequences"):
        find_exr_sequence(tmp_path, "plates")
