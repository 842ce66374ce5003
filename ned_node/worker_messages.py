"""What the node and its worker processes tell each other over their pipe (pickled frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass

from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.request import RenderRequest


@dataclass(frozen=True)
class WorkerSpec:
    """How to start one worker process.

    Attributes:
        index: worker number (stable across restarts, used in logs and metrics).
        device: ``"cpu"`` or ``"cuda:N"``.
        threads: compute threads (torch, LiteRT) of this worker.
        runner: ``module:function`` with ``render_shot``'s signature.
        model_cache_size: model sets kept loaded.
        parent_pid: the node's pid; the worker exits when it goes away.
        log_level: logging level name.
        log_file: JSON-lines log file shared with the node; None = stderr.
        write_roots: the only folders the worker writes below (``ned_core.io.confined``): output roots, state
            dir, analysis cache.
        read_roots: the only folders the worker opens images and movies below: those and the input roots.
    """

    index: int
    device: str
    threads: int
    runner: str
    model_cache_size: int
    parent_pid: int
    log_level: str = "INFO"
    log_file: str | None = None
    write_roots: tuple[str, ...] = ()
    read_roots: tuple[str, ...] = ()


# --- node -> worker ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RunJob:
    """Render ``request`` leaving out ``skip_frames`` (finished before); ``batch_size`` None = the default."""

    job_id: str
    request: RenderRequest
    config: NedConfig
    skip_frames: frozenset[int]
    batch_size: int | None


@dataclass(frozen=True)
class CancelJob:
    """Stop ``job_id`` at the next frame boundary."""

    job_id: str


@dataclass(frozen=True)
class StopWorker:
    """Stop the running job at the next frame boundary (it resumes later), then exit."""


# --- worker -> node ---------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkerReady:
    """The worker imported the pipeline and waits for jobs; ``memory_bytes`` of its CUDA device."""

    pid: int
    device: str
    memory_bytes: int | None


@dataclass(frozen=True)
class JobProgress:
    """A pipeline progress event; ``gpu_memory_bytes`` reserved by torch on the worker's device."""

    job_id: str
    stage: str
    done: int
    total: int
    fps: float
    eta_s: float | None
    gpu_memory_bytes: int | None


@dataclass(frozen=True)
class PlateWritten:
    """A plate is complete on disk; windows ``(xmin, ymin, xmax, ymax)`` inclusive, as in EXR."""

    job_id: str
    frame: int
    path: str
    display_window: tuple[int, int, int, int]
    data_window: tuple[int, int, int, int]
    channels: tuple[str, ...]


@dataclass(frozen=True)
class JobFinished:
    """The pipeline returned; its warnings (e.g. frames without the face) go to the node's log."""

    job_id: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class JobFailed:
    """The pipeline raised; ``error`` is ``{code, ename, evalue, details}``."""

    job_id: str
    error: dict
    out_of_memory: bool


@dataclass(frozen=True)
class JobStopped:
    """The job stopped at a frame boundary: cancelled, or interrupted by ``StopWorker`` (``interrupted``)."""

    job_id: str
    interrupted: bool
