"""A shot without a face: alone it is bad input for a render (a clear error naming its frames, nothing written);
inside a range with faces it is a cutaway (transparent plates and a warning naming it) (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import NoFaceInShotError
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest
from ned_core.synthetic import ClipSpec, ShotSpec, build_footage, photo_faces, write_png_sequence


def test_render_names_the_shot_without_a_face(tmp_path, mesh_models, analysis_config):
    footage = build_footage(ClipSpec("two", (ShotSpec("astronaut", 24, "pan", seed=41),
                                             ShotSpec("grace_hopper", 24, "zoom", seed=42))),
                            photo_faces(mesh_models, analysis_config))
    frames = footage.frames.copy()
    frames[24:] = np.flip(frames[24:, :40, :80].repeat(6, axis=1).repeat(4, axis=2), axis=1)  # no face: a texture
    write_png_sequence(frames, tmp_path / "src", "shot", 1)
    out = tmp_path / "out"
    source = str(tmp_path / "src" / "shot.####.png")
    config = NedConfig(analysis=analysis_config, cache_dir=None)
    with pytest.raises(NoFaceInShotError, match=r"shot 1 \(frames 25-48\)"):
        render_shot(RenderRequest(source=source, out_dir=str(out), emotion="happy", frames="25-48"), config,
                    models=mesh_models)
    assert not out.exists() or not list(out.glob("*.exr"))
    # the whole range renders: the face edited in shot 0, the faceless shot 1 transparent and named
    summary = render_shot(RenderRequest(source=source, out_dir=str(out), emotion="happy"), config, models=mesh_models)
    assert len(summary.plates) == 48 and set(summary.no_face_frames) == set(range(25, 49))
    assert "no face in shot 1 (frames 25-48): transparent plates" in summary.warnings
