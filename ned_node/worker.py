"""The worker process: renders one job at a time with the pipeline, models kept resident between jobs."""

from __future__ import annotations

import ctypes
import importlib
import inspect
import logging
import os
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from ned_core.exceptions import JobCancelledError
from ned_core.io.confined import confine_reads, confine_writes, readable_output
from ned_core.io.output_lock import output_folder_lock
from ned_node.errors import error_info
from ned_node.logs import configure_logging
from ned_node.model_cache import ModelCache
from ned_node.models import load_model_set, model_key
from ned_node.oom import is_out_of_memory
from ned_node.plate_header import read_plate_header
from ned_node.worker_messages import (
    CancelJob,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStopped,
    PlateWritten,
    RunJob,
    StopWorker,
    WorkerReady,
    WorkerSpec,
)

log = logging.getLogger("ned_node.worker")
_PR_SET_PDEATHSIG = 1


def worker_main(conn: Connection, spec: WorkerSpec) -> None:
    """Entry point of a worker process (multiprocessing ``spawn``): serve ``RunJob`` until told to stop."""
    _die_with_parent(spec.parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the node stops us itself
    os.environ["CUDA_VISIBLE_DEVICES"] = spec.device.split(":")[1] if spec.device.startswith("cuda") else ""
    configure_logging(spec.log_level, Path(spec.log_file) if spec.log_file else None, worker=spec.index)
    confine_writes(spec.write_roots)
    confine_reads(spec.read_roots)
    runner = _import(spec.runner)
    cache: ModelCache = ModelCache(spec.model_cache_size, on_evict=lambda models: _free_gpu(spec.device))
    _set_threads(spec.threads)
    conn.send(WorkerReady(os.getpid(), spec.device, _device_memory(spec.device)))
    log.info("worker ready", extra={"worker": spec.index, "device": spec.device, "pid": os.getpid()})
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return  # the node went away
        if isinstance(message, StopWorker):
            return
        if isinstance(message, RunJob):
            if not _run(conn, spec, runner, cache, message):
                return


class _Watch:
    """``should_cancel`` for the pipeline: reads the pipe between frames for a cancel or stop request."""

    def __init__(self, conn: Connection, job_id: str):
        self.conn, self.job_id = conn, job_id
        self.cancelled = self.stopping = False

    def __call__(self) -> bool:
        try:
            while self.conn.poll():
                message = self.conn.recv()
                if isinstance(message, CancelJob) and message.job_id == self.job_id:
                    self.cancelled = True
                elif isinstance(message, StopWorker):
                    self.stopping = True
        except EOFError:
            self.stopping = True  # the node is gone: stop at this frame boundary
        return self.cancelled or self.stopping


def _run(conn: Connection, spec: WorkerSpec, runner, cache: ModelCache, job: RunJob) -> bool:
    """Runs one job and reports how it ended; returns False when the worker must exit afterwards."""
    watch = _Watch(conn, job.job_id)

    def progress(event) -> None:
        conn.send(JobProgress(job.job_id, event.stage, event.done, event.total, event.fps, event.eta_s,
                              _gpu_reserved(spec.device)))

    def on_frame(result) -> None:
        with readable_output(result.path) as plate:  # the folder may have been swapped since the write
            display, data, channels = read_plate_header(plate)
        conn.send(PlateWritten(job.job_id, result.frame, str(result.path), display, data, channels))

    log.info("job started", extra={"job_id": job.job_id, "worker": spec.index, "skip": len(job.skip_frames)})
    try:
        models = cache.get(model_key(job.config), lambda: load_model_set(job.config))
        options = {"batch_size": job.batch_size} if _accepts(runner, "batch_size") and job.batch_size else {}
        with output_folder_lock(job.request.out_dir):
            summary = runner(job.request, job.config, progress=progress, on_frame=on_frame, should_cancel=watch,
                             skip_frames=job.skip_frames, models=models, **options)
    except JobCancelledError:
        conn.send(JobStopped(job.job_id, interrupted=not watch.cancelled))
        return not watch.stopping
    except Exception as exc:  # every failure becomes a structured error; the traceback stays in the log
        oom = is_out_of_memory(exc)
        log.exception("job failed", extra={"job_id": job.job_id, "worker": spec.index, "out_of_memory": oom})
        if oom:
            cache.clear()
            _free_gpu(spec.device)
        conn.send(JobFailed(job.job_id, error_info(exc), oom))
        return True
    conn.send(JobFinished(job.job_id, tuple(summary.warnings)))
    return not watch.stopping


def _accepts(function, name: str) -> bool:
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _import(target: str):
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


def _die_with_parent(parent_pid: int) -> None:
    """Linux: the kernel kills this process when the node dies (even by kill -9); exit if it is gone already."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(0)


def _set_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _device_memory(device: str) -> int | None:
    if not device.startswith("cuda"):
        return None
    import torch

    return int(torch.cuda.get_device_properties(0).total_memory) if torch.cuda.is_available() else None


def _gpu_reserved(device: str) -> int | None:
    torch = sys.modules.get("torch")
    if not device.startswith("cuda") or torch is None or not torch.cuda.is_initialized():
        return None
    return int(torch.cuda.memory_reserved(0))


def _free_gpu(device: str) -> None:
    torch = sys.modules.get("torch")
    if device.startswith("cuda") and torch is not None and torch.cuda.is_initialized():
        torch.cuda.empty_cache()
