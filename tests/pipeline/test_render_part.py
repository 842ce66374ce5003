"""A render of part of a shot (the other frames in ``skip_frames``) writes the same plate bytes as the whole shot.

The shot (``long_shot``, tests/conftest.py) is made afraid: her mouth opens wider than in the source on most
frames, so the retrieved mouth interiors (which stick to the previous frame's choice) cross every chunk boundary.
"""

from __future__ import annotations

import pytest

from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest

FRAMES = 64  # long_shot's length


@pytest.mark.parametrize("chunk", [25, 7, 1])
def test_plates_of_chunks_equal_one_render_of_the_shot(long_shot, ned_config, mesh_models, exr_pixels, tmp_path,
                                                       chunk):
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
    differ = [p.name for p in whole.plates if exr_pixels(p) != exr_pixels(chunked / p.name)]
    assert differ == []
