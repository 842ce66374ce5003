"""`render_shot` lets a frame's face window go once its plate is composited, before the plate is written (the EXR
write is the longest step, and a 4K close-up's window is ~31 MB)."""

from __future__ import annotations

import gc
from pathlib import Path

from ned_core.io.plate_source import Frame
from ned_core.pipeline import render_job


def test_the_window_is_not_held_while_the_plate_is_written(stills, render, tmp_path: Path, monkeypatch):
    held: dict[int, int] = {}
    stage = render_job.stage_face_plate

    def staged(path, plate, *args, **kwargs):
        held[plate.frame] = sum(1 for o in gc.get_objects() if isinstance(o, Frame) and o.number == plate.frame)
        return stage(path, plate, *args, **kwargs)

    monkeypatch.setattr(render_job, "stage_face_plate", staged)
    summary = render(stills["grace_hopper"], tmp_path, emotion="happy")
    assert len(summary.plates) == 1 and summary.no_face_frames == ()
    assert held == {summary.frames[0]: 0}
