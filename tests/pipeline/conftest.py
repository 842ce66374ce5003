"""Shared fixtures for the end-to-end render tests: real stills and a speaking actor on disk, a config, a renderer.

Everything is real: the photos and the synthetic clip are written as PNG files, rendered by
``render_shot`` into EXR plates, and the plates are read back from disk and merged over the source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.analysis.regions import interocular_distance
from ned_core.composite import merge_over
from ned_core.io.exr import FacePlate, read_face_plate
from ned_core.io.plates import open_plates
from ned_core.pipeline.analyze import ShotFit, analyze_and_fit
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest, RenderSummary
from ned_core.synthetic import (
    SyntheticActorConfig,
    SyntheticClip,
    make_synthetic_actor,
    sample_photo,
    write_mp4,
    write_png_sequence,
)

ACTOR_FIRST_FRAME = 1001
ACTOR_FRAMES = 32  # 1.3 s at 25 fps: about six syllables
HOPPER_CROP = (slice(40, 424), slice(70, 454))  # 384x384 around Grace Hopper's face (rows, columns)
NOSE_TIP = 1  # MediaPipe index


@dataclass(frozen=True)
class RenderedFrame:
    """One frame of a finished render, as a compositor sees it.

    Attributes:
        number: frame number.
        source: ``(H, W, 3) float32`` working-space source frame.
        plate: the plate read back from its EXR file.
        result: ``(H, W, 3) float32`` the plate merged over the source (``merge_over``).
        source_srgb, result_srgb: the same two as ``(H, W, 3) uint8`` display sRGB.
    """

    number: int
    source: np.ndarray
    plate: FacePlate
    result: np.ndarray
    source_srgb: np.ndarray
    result_srgb: np.ndarray


@dataclass(frozen=True)
class Shot:
    """A source on disk and what the pipeline's analysis finds in it (the default track's fit)."""

    pattern: str
    analysis: ShotFit

    @property
    def track(self):
        return self.analysis.analysis.default()

    @property
    def fit(self):
        return self.analysis.fits[self.track.track.track_id]


@pytest.fixture(scope="session")
def ned_config(tmp_path_factory, analysis_config) -> NedConfig:
    """Default settings (DWAA:45 plates) with one thread per interpreter and the analysis cache in a temp folder."""
    return NedConfig(analysis=analysis_config, cache_dir=tmp_path_factory.mktemp("analysis_cache"))


@pytest.fixture(scope="session")
def stills(tmp_path_factory) -> dict[str, Path]:
    """``{"astronaut": ..., "grace_hopper": ...}``: the two real photos written as 8-bit PNG stills."""
    folder = tmp_path_factory.mktemp("stills")
    paths = {}
    for name in ("astronaut", "grace_hopper"):
        paths[name] = folder / f"{name}.png"
        assert oiio.ImageBuf(sample_photo(name)).write(str(paths[name]))
    return paths


@pytest.fixture(scope="session")
def actor_clip(analysis_config, mesh_models, face_model) -> SyntheticClip:
    """Grace Hopper talking (known jaw motion), head turning, 384x384; no smile, no blinks: her face is neutral."""
    config = SyntheticActorConfig(num_frames=ACTOR_FRAMES, seed=0, smile_episodes=0, blinks_per_minute=0.0)
    photo = np.ascontiguousarray(sample_photo("grace_hopper")[HOPPER_CROP])
    return make_synthetic_actor(photo, config, mesh_models, face_model, analysis_config)


@pytest.fixture(scope="session")
def actor_pattern(tmp_path_factory, actor_clip) -> str:
    """The speaking actor as a PNG sequence ``actor.1001.png`` .. ``actor.1032.png``; returns ``actor.####.png``."""
    folder = tmp_path_factory.mktemp("actor")
    write_png_sequence(actor_clip.frames, folder, "actor", ACTOR_FIRST_FRAME)
    return str(folder / "actor.####.png")


@pytest.fixture(scope="session")
def analyse(ned_config, mesh_models, face_model) -> Callable[[str | Path], Shot]:
    """``analyse(source)``: the pipeline's own analysis + fit of a source (through the shared cache)."""

    def run(source: str | Path) -> Shot:
        with open_plates(str(source), colour=ned_config.colour) as plates:
            return Shot(str(source), analyze_and_fit(plates, ned_config, models=mesh_models, model=face_model))

    return run


@pytest.fixture(scope="session")
def render(ned_config, mesh_models) -> Callable[..., RenderSummary]:
    """``render(source, out_dir, config=None, **request_fields)``: one ``render_shot`` job with the shared models."""

    def run(source: str | Path, out_dir: Path, config: NedConfig | None = None, **fields) -> RenderSummary:
        request = RenderRequest(source=str(source), out_dir=str(out_dir), **fields)
        return render_shot(request, config or ned_config, models=mesh_models)

    return run


@pytest.fixture(scope="session")
def read_back(ned_config) -> Callable[[str | Path, RenderSummary], list[RenderedFrame]]:
    """``read_back(source, summary)``: every plate of a render read from disk and merged over its source frame."""

    def run(source: str | Path, summary: RenderSummary) -> list[RenderedFrame]:
        out = []
        with open_plates(str(source), colour=ned_config.colour) as plates:
            for path in summary.plates:
                plate, _ = read_face_plate(path)
                frame = plates.read(plate.frame)
                result = merge_over(frame.rgb, plate)
                out.append(RenderedFrame(plate.frame, frame.rgb, plate, result,
                                         plates.colour.working_to_srgb8(frame.rgb),
                                         plates.colour.working_to_srgb8(result)))
        return out

    return run


def lower_face(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """``(H, W, 3) uint8``: the result below the nose tip over the source above it (blended over 0.1 IOD above the
    tip): re-analysed, the mouth is read without the face mesh's pull from brows, lids or glasses the edit moved."""
    iod = float(interocular_distance(landmarks[:, :2]))
    rows = np.arange(source.shape[0], dtype=np.float32)[:, None, None]
    share = np.clip((rows - (landmarks[NOSE_TIP, 1] - 0.1 * iod)) / (0.1 * iod), 0.0, 1.0)
    return np.round(source * (1.0 - share) + result * share).astype(np.uint8)


@pytest.fixture
def tiny_movie(tmp_path) -> Callable[[int], Path]:
    """``tiny_movie(count)``: a 64x48 H.264 movie of ``count`` gradients, each frame brighter than the last."""
    ramp = np.linspace(0, 255, 64, dtype=np.float32)[None, :, None] + np.zeros((48, 64, 3), np.float32)

    def write(count: int) -> Path:
        frames = np.stack([np.clip(ramp + 30 * i, 0, 255).astype(np.uint8) for i in range(count)])
        return write_mp4(frames, tmp_path / f"tiny_{count}.mp4", 25.0)

    return write
