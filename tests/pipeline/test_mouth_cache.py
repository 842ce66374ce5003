"""The shot's mouth index, the track's occlusion reference and its spectacle rims are built once and kept with the
analysis cache: a second render (another chunk, another emotion) loads them instead of reading the shot's frames
again, and renders the same bytes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import ned_core.pipeline.frame_render as frame_render
from ned_core.pipeline.mouth_cache import RIMS_FOLDER, cached_shot_rims
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest
from ned_core.render.glasses import ShotRims


def test_a_second_render_loads_the_mouth_index_and_writes_the_same_plates(long_shot, ned_config, mesh_models,
                                                                         exr_pixels, tmp_path, monkeypatch):
    config = replace(ned_config, cache_dir=tmp_path / "cache")
    built, references, votes = [], [], []
    real_build, real_reference = frame_render.build_mouth_index, frame_render.reference_from_canonical
    monkeypatch.setattr(frame_render, "build_mouth_index", lambda *a: built.append(1) or real_build(*a))
    monkeypatch.setattr(frame_render, "reference_from_canonical",
                        lambda *a: references.append(1) or real_reference(*a))
    real_vote = frame_render.rim_vote
    monkeypatch.setattr(frame_render, "rim_vote", lambda *a: votes.append(1) or real_vote(*a))
    request = RenderRequest(source=long_shot, out_dir=str(tmp_path / "first"), emotion="fear", frames="1-20")
    first = render_shot(request, config, models=mesh_models)
    assert built == [1] and len(list((tmp_path / "cache" / "mouth_index").glob("*.npz"))) == 1
    assert references == [1] and len(list((tmp_path / "cache" / "occlusion_reference").glob("*.npz"))) == 1
    assert len(list((tmp_path / "cache" / RIMS_FOLDER).glob("*.npz"))) == 1
    sampled = len(votes)
    assert sampled == frame_render.GLASSES_SAMPLES
    again = render_shot(replace(request, out_dir=str(tmp_path / "again")), config, models=mesh_models)
    chunk = render_shot(replace(request, out_dir=str(tmp_path / "chunk")), config, models=mesh_models,
                        skip_frames=frozenset(range(1, 11)))  # a farm chunk of the same job: frames 11-20
    assert (built, references) == ([1], [1])  # loaded, not built (nor their frames read) again
    assert len(votes) == sampled  # the rims too: the set-up reads no frame of the shot
    assert [exr_pixels(p) for p in first.plates] == [exr_pixels(p) for p in again.plates]
    assert [exr_pixels(p) for p in first.plates[10:]] == [exr_pixels(p) for p in chunk.plates]

    other = replace(config, render=replace(config.render, max_patches=4))  # other settings: another index
    render_shot(replace(request, out_dir=str(tmp_path / "other")), other, models=mesh_models)
    assert built == [1, 1] and references == [1, 1]


@pytest.mark.parametrize("damage", [b"", b"not an npz"])
def test_a_damaged_stored_index_is_built_again(long_shot, ned_config, mesh_models, exr_pixels, tmp_path, damage):
    config = replace(ned_config, cache_dir=tmp_path / "cache")
    request = RenderRequest(source=long_shot, out_dir=str(tmp_path / "a"), emotion="fear", frames="1-10")
    first = render_shot(request, config, models=mesh_models)
    stored = [next((tmp_path / "cache" / folder).glob("*.npz"))
              for folder in ("mouth_index", "occlusion_reference", RIMS_FOLDER)]
    for path in stored:
        path.write_bytes(damage)
    again = render_shot(replace(request, out_dir=str(tmp_path / "b")), config, models=mesh_models)
    assert [exr_pixels(p) for p in first.plates] == [exr_pixels(p) for p in again.plates]
    assert all(path.stat().st_size > 1000 for path in stored)  # replaced by good ones


@pytest.mark.parametrize("rims", [None, np.eye(5, 7, dtype=bool)])
def test_stored_rims_load_as_built(ned_config, tmp_path, rims):
    """No glasses (None) and a rim grid both round-trip: the second call loads what the first built."""
    config = replace(ned_config, cache_dir=tmp_path / "cache")
    built = []
    shot = None if rims is None else ShotRims(rims)
    first = cached_shot_rims(config, "k", lambda: built.append(1) or shot)
    again = cached_shot_rims(config, "k", lambda: built.append(1) or shot)
    assert built == [1]
    for got in (first, again):
        assert (got is None) if rims is None else (got.grid.dtype == bool and np.array_equal(got.grid, rims))
