"""`render_shot` with the learned director: a checkpoint file drives the render end to end."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import RenderJobError
from ned_core.io.exr import read_face_plate
from ned_core.manipulation.checkpoint import save_checkpoint
from ned_core.manipulation.config import sized_config
from ned_core.manipulation.model import build_manipulator
from ned_core.manipulation.space import EMBEDDED_SPACE
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """An (untrained, seeded) small manipulator saved in our checkpoint format."""
    model = build_manipulator(sized_config("small", 27), EMBEDDED_SPACE, seed=0).eval()
    return save_checkpoint(tmp_path_factory.mktemp("ckpt") / "small.pt", model, step=0, provenance={"test": True})


def test_learned_director_renders_and_is_recorded(render, stills, checkpoint, tmp_path):
    still = stills["grace_hopper"]
    first = render(still, tmp_path / "a", emotion="happy", director="learned", checkpoint=str(checkpoint), seed=3)
    again = render(still, tmp_path / "b", emotion="happy", director="learned", checkpoint=str(checkpoint), seed=3)
    plate, meta = read_face_plate(first.plates[0])
    assert meta.params["director"] == "learned"
    assert meta.params["direct/director"] == "learned_manipulator"
    assert np.isfinite(plate.rgba).all() and plate.mask.max() > 0.5
    assert first.plates[0].read_bytes() == again.plates[0].read_bytes()  # seeded: reproducible


def test_learned_director_needs_a_checkpoint(render, stills, tmp_path):
    with pytest.raises(RenderJobError, match="--checkpoint"):
        render(stills["grace_hopper"], tmp_path / "c", emotion="happy", director="learned")


def test_smaller_batches_give_the_same_plates(ned_config, mesh_models, actor_pattern, checkpoint, tmp_path):
    """The render node retries a GPU out-of-memory job with smaller batches: the result must not change
    beyond floating-point rounding."""
    plates = []
    for batch in (None, 2):  # 3 windows: one call vs two
        request = RenderRequest(source=actor_pattern, out_dir=str(tmp_path / f"b{batch}"), emotion="sad",
                                director="learned", checkpoint=str(checkpoint), frames="1001-1012")
        plates.append(render_shot(request, ned_config, models=mesh_models, batch_size=batch).plates)
    # the networks' float results may differ in the last bits with the batch composition, nothing more
    for a, b in zip(plates[0], plates[1], strict=True):
        (pa, _), (pb, _) = read_face_plate(a), read_face_plate(b)
        assert pa.data_window == pb.data_window
        np.testing.assert_allclose(pa.rgba, pb.rgba, atol=0.01)


def test_learned_director_takes_a_reference_clip(ned_config, mesh_models, actor_pattern, checkpoint, tmp_path):
    """'Like this clip' with the learned director: the style comes from the reference's style codes."""
    request = RenderRequest(source=actor_pattern, out_dir=str(tmp_path / "r"), emotion="0.8", director="learned",
                            checkpoint=str(checkpoint), reference=actor_pattern, frames="1001-1012")
    summary = render_shot(request, ned_config, models=mesh_models)
    plate, meta = read_face_plate(summary.plates[0])
    assert meta.params["reference"] == actor_pattern and meta.params["direct/director"] == "learned_manipulator"
    assert np.isfinite(plate.rgba).all()
