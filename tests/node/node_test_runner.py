"""A pipeline stand-in with ``render_shot``'s contract, for node tests that need control the real one lacks.

It reads the real source frames and writes real EXR plates (the face box is the image's centre half),
honouring ``skip_frames``, ``on_frame`` after each complete plate, ``should_cancel`` between frames and
``progress``. Behaviour knobs are read for every job from the JSON file named by ``$NED_TEST_CONTROL``:

- ``started``: a file created when a job starts.
- ``start_delay``: seconds to sleep before the first frame, deaf to ``should_cancel`` (a long analysis).
- ``frame_delay``: seconds to sleep per frame (default 0).
- ``oom_above``: raise a CUDA-style out-of-memory error while ``batch_size`` is above this (None: first run).
- ``crash_at``: the worker process exits (as if it crashed) when it reaches this frame.
- ``log``: append ``<frame>`` lines for every plate written here (to count renders across restarts).
- ``warnings``: what the summary reports as warnings (e.g. an optional output that failed).
"""

from __future__ import annotations

import json
import os
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from ned_core.exceptions import JobCancelledError
from ned_core.io.exr import FacePlate, PlateMetadata, write_face_plate
from ned_core.io.plates import open_plates
from ned_core.pipeline.naming import plate_path
from ned_core.pipeline.request import FrameResult, RenderSummary
from ned_core.progress import ProgressEvent


class FakeOutOfMemoryError(RuntimeError):
    """Same message as torch's CUDA allocation failure."""


def render_shot(request, config, *, progress=None, on_frame=None, should_cancel=None, skip_frames=frozenset(),
                models=None, batch_size=None):
    control = json.loads(Path(os.environ["NED_TEST_CONTROL"]).read_text()) if "NED_TEST_CONTROL" in os.environ else {}
    delay = control.get("frame_delay", 0.0)
    oom_above = control.get("oom_above")
    if oom_above is not None and (batch_size is None or batch_size > oom_above):
        raise FakeOutOfMemoryError(f"CUDA out of memory. Tried to allocate 2.00 GiB (batch {batch_size})")
    if control.get("started"):
        Path(control["started"]).touch()
    time.sleep(control.get("start_delay", 0.0))
    plates, frames = [], []
    with open_plates(request.source, frames=request.frames, colour=config.colour) as source:
        total = len(source)
        for done, frame in enumerate(source, 1):
            if should_cancel is not None and should_cancel():
                raise JobCancelledError(f"cancelled before frame {frame.number}")
            frames.append(frame.number)
            if frame.number in skip_frames:
                continue
            if control.get("crash_at") == frame.number:
                os._exit(3)
            time.sleep(delay)
            path = plate_path(request, source.info, frame.number)  # the pipeline's naming ({stem}, ####)
            height, width = frame.rgb.shape[:2]
            window = (width // 4, height // 4, width // 4 + width // 2, height // 4 + height // 2)
            crop = frame.rgb[window[1]:window[3], window[0]:window[2]].astype(np.float32)
            rgba = np.concatenate([crop, np.ones(crop.shape[:2] + (1,), np.float32)], axis=2)
            plate = FacePlate(frame.number, (width, height), window, np.clip(rgba, 0, 1),
                              np.full(crop.shape[:2], 0.5, np.float32))
            write_face_plate(path, plate, PlateMetadata(fps=Fraction(24)), config.plates)
            if control.get("log"):
                with open(control["log"], "a") as log:
                    log.write(f"{frame.number}\n")
            plates.append(path)
            if on_frame is not None:
                on_frame(FrameResult(frame.number, path, True, window))
            if progress is not None:
                progress(ProgressEvent("render", done, total, 1.0, float(total - done)))
    return RenderSummary(tuple(plates), tuple(frames), (), None, warnings=tuple(control.get("warnings", ())))
