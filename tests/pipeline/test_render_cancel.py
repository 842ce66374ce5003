"""render_shot cancelled mid-shot and resumed, with the real pipeline on the speaking actor (no stand-in runner):
every plate reported before the cancel is complete on disk, nothing else is there, and the resumed job renders
only the rest, with plates byte-identical to an uncancelled render."""

from __future__ import annotations

from pathlib import Path

import pytest

from ned_core.exceptions import JobCancelledError
from ned_core.io.exr import read_face_plate
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest

FRAMES = list(range(1001, 1011))


def _request(source: str, out: Path) -> RenderRequest:
    return RenderRequest(source=source, out_dir=str(out), emotion="happy:0.8", frames="1001-1010")


@pytest.fixture(scope="module")
def uncancelled(tmp_path_factory, actor_pattern, ned_config, mesh_models) -> dict[int, bytes]:
    out = tmp_path_factory.mktemp("uncancelled")
    summary = render_shot(_request(actor_pattern, out), ned_config, models=mesh_models)
    return {n: Path(p).read_bytes() for n, p in zip(summary.frames, summary.plates)}


def test_cancel_then_resume(tmp_path, actor_pattern, ned_config, mesh_models, uncancelled):
    reported = []
    polls = []

    def should_cancel() -> bool:
        polls.append(len(reported))
        return len(reported) >= 3

    with pytest.raises(JobCancelledError, match="cancelled before frame"):
        render_shot(_request(actor_pattern, tmp_path), ned_config, models=mesh_models, on_frame=reported.append,
                    should_cancel=should_cancel)
    done = [r.frame for r in reported]
    assert done == FRAMES[:len(done)] and 3 <= len(done) < len(FRAMES)  # stopped early, in frame order
    assert len(polls) == len(done) + 1  # polled before every frame's render, and the cancel came at the next
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(r.path.name for r in reported)  # no partial file
    for result in reported:
        plate, _ = read_face_plate(result.path)  # a complete EXR
        assert plate.frame == result.frame and result.path.read_bytes() == uncancelled[result.frame]
    before = {r.path: r.path.stat().st_mtime_ns for r in reported}

    resumed = []
    summary = render_shot(_request(actor_pattern, tmp_path), ned_config, models=mesh_models,
                          on_frame=resumed.append, skip_frames=frozenset(done))
    assert [r.frame for r in resumed] == FRAMES[len(done):]  # only the rest rendered and reported
    assert {p: p.stat().st_mtime_ns for p in before} == before  # the finished plates were not rewritten
    paths = {r.frame: r.path for r in reported + resumed}
    assert {n: paths[n].read_bytes() for n in FRAMES} == uncancelled
    assert len(summary.plates) == len(FRAMES) - len(done)
