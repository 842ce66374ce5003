"""A resumed render (``skip_frames``) reports render progress over the whole job, not restarting at 1."""

from __future__ import annotations

from pathlib import Path

from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest



def test_render_progress_continues_at_the_frames_done_before(actor_pattern, ned_config, mesh_models, tmp_path):
    first = 1001  # the actor's first frame (conftest)
    request = RenderRequest(source=actor_pattern, out_dir=str(tmp_path), emotion="happy",
                            frames=f"{first}-{first + 4}")
    events = []
    summary = render_shot(request, ned_config, models=mesh_models, progress=events.append,
                          skip_frames=frozenset({first, first + 1, first + 2}))
    render = [(e.done, e.total) for e in events if e.stage == "render"]
    assert render[0] == (4, 5) and render[-1] == (5, 5)  # 3 done before, then frames 4 and 5 of 5
    assert all(e.fps >= 0 and (e.eta_s is None or e.eta_s >= 0) for e in events if e.stage == "render")
    assert [Path(p).name for p in summary.plates] == [
        f"actor.ned.{first + 3}.exr", f"actor.ned.{first + 4}.exr"]
