"""A render of part of a shot (the other frames in ``skip_frames``) writes the same plate bytes as the whole shot.

The shot is the speaking actor, 64 frames at 192x192, made afraid: her mouth opens wider than in the source on
most frames, so the retrieved mouth interiors (which stick to the previous frame's choice) are exercised across
every chunk boundary.
"""

from __future__ import annotations

import cv2
import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest
from ned_core.synthetic import SyntheticActorConfig, make_synthetic_actor, sample_photo, write_png_sequence

from .conftest import HOPPER_CROP

FRAMES = 64
SIZE = 192


@pytest.fixture(scope="module")
def long_shot(tmp_path_factory, analysis_config, mesh_models, face_model) -> str:
    photo = cv2.resize(np.ascontiguousarray(sample_photo("grace_hopper")[HOPPER_CROP]), (SIZE, SIZE),
                       interpolation=cv2.INTER_AREA)
    config = SyntheticActorConfig(num_frames=FRAMES, seed=0, smile_episodes=0, blinks_per_minute=0.0)
    clip = make_synthetic_actor(photo, config, mesh_models, face_model, analysis_config)
    folder = tmp_path_factory.mktemp("long_shot")
    write_png_sequence(clip.frames, folder, "talk", 1)
    return str(folder / "talk.####.png")


def pixels(path) -> bytes:
    """Every channel of the plate's data window, as stored (half floats)."""
    image = oiio.ImageBuf(str(path))
    assert not image.has_error, image.geterror()
    return image.get_pixels(oiio.HALF).tobytes()


@pytest.mark.parametrize("chunk", [25, 7, 1])
def test_plates_of_chunks_equal_one_render_of_the_shot(long_shot, ned_config, mesh_models, tmp_path, chunk):
    whole = render_shot(RenderRequest(source=long_shot, out_dir=str(tmp_path / "whole"), emotion="fear"),
                        ned_config, models=mesh_models)
    frames = list(whole.frames)
    assert len(frames) == FRAMES
    chunked = tmp_path / "chunks"
    for start in range(0, FRAMES, chunk):
        part = frames[start:start + chunk]
        summary = render_shot(RenderRequest(source=long_shot, out_dir=str(chunked), emotion="fear"), ned_config,
                              models=mesh_models, skip_frames=frozenset(frames) - set(part))
        assert [p.name for p in summary.plates] == [f"talk.ned.{n:04d}.exr" for n in part]
    differ = [p.name for p in whole.plates if pixels(p) != pixels(chunked / p.name)]
    assert differ == []
