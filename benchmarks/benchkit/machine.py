"""Describe the machine a benchmark ran on: CPU, cores, RAM, GPU, load, and library versions."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import socket
import sys
from pathlib import Path

#: Distributions whose versions go into every results file (PyPI names).
PACKAGES = ("numpy", "torch", "OpenImageIO", "opencv-python-headless", "opencolorio", "av", "ai-edge-litert",
            "scipy", "pyzmq")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def describe_gpus() -> list[dict]:
    """CUDA devices torch sees: ``[{"name", "memory_gb", "capability"}]``; empty without torch or CUDA."""
    try:
        import torch
    except ImportError:
        return []
    if not torch.cuda.is_available():
        return []
    gpus = []
    for index in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(index)
        gpus.append({"name": props.name, "memory_gb": round(props.total_memory / 2**30, 1),
                     "capability": f"{props.major}.{props.minor}"})
    return gpus


def describe_machine() -> dict:
    """Everything that explains a timing: host, CPU model, cores, RAM, load average, GPUs, versions.

    Returns:
        ``{"host", "os", "cpu", "logical_cores", "usable_cores", "ram_gb", "load_average", "gpus",
        "python", "packages": {name: version or None}}``.
    """
    return {
        "host": socket.gethostname(),
        "os": platform.platform(),
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": _usable_cores(),
        "ram_gb": _ram_gb(),
        "load_average": [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "gpus": describe_gpus(),
        "python": sys.version.split()[0],
        "packages": {name: _version(name) for name in PACKAGES},
    }


def machine_lines(machine: dict) -> list[str]:
    """A few human-readable lines describing ``machine`` (as from :func:`describe_machine`)."""
    gpus = ", ".join(f"{g['name']} ({g['memory_gb']} GB)" for g in machine.get("gpus", [])) or "none"
    load = machine.get("load_average")
    versions = ", ".join(f"{k} {v}" for k, v in machine.get("packages", {}).items() if v)
    return [
        f"host {machine.get('host')} | {machine.get('os')}",
        f"CPU {machine.get('cpu')} | {machine.get('usable_cores')} usable of {machine.get('logical_cores')} "
        f"logical cores | RAM {machine.get('ram_gb')} GB | load average {load}",
        f"GPU {gpus}",
        f"Python {machine.get('python')} | {versions}",
    ]


def limit_cores(count: int) -> int:
    """Pin this process to at most ``count`` of its usable cores (Linux); returns the number it may use.

    Lets a goal stated "on 2 cores" be measured on a bigger machine. Call it before thread pools start.
    """
    if not hasattr(os, "sched_setaffinity"):
        return _usable_cores()
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) > count:
        os.sched_setaffinity(0, cores[:count])
    return len(os.sched_getaffinity(0))
