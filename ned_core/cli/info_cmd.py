"""`ned info`: versions, devices and models, offline."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

import click

from ned_core import __version__
from ned_core.cli.common import echo_json, make_store
from ned_core.cli.options import json_option, model_dir_option

_PACKAGES = ["torch", "numpy", "OpenImageIO", "opencolorio", "opencv-python-headless", "av", "fileseq",
             "pyzmq", "msgpack", "ai-edge-litert", "ned-protocol"]


def _devices() -> list[dict]:
    import torch

    devs = [{"name": "cpu", "kind": "cpu", "threads": torch.get_num_threads()}]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            p = torch.cuda.get_device_properties(i)
            devs.append({"name": f"cuda:{i}", "kind": "cuda", "model": p.name,
                         "memory_gib": round(p.total_memory / 2**30, 1)})
    return devs


def collect_info(model_dir: Path | None = None) -> dict:
    versions = {}
    for pkg in _PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    store = make_store(model_dir)
    return {
        "ned": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "devices": _devices(),
        "model_dir": str(store.config.root),
        "models": [{"name": s.name, "tier": s.tier, "present": s.present, "path": s.path,
                    "licence": s.licence} for s in store.status()],
    }


@click.command()
@model_dir_option
@json_option
def info(model_dir: Path | None, as_json: bool) -> None:
    """Versions, compute devices, and which models are present or missing."""
    data = collect_info(model_dir)
    if as_json:
        echo_json(data)
        return
    click.echo(f"ned {data['ned']}  (Python {data['python']}, {data['platform']})")
    click.echo("packages:")
    for k, v in data["packages"].items():
        click.echo(f"  {k:24} {v or 'not installed'}")
    click.echo("devices:")
    for d in data["devices"]:
        extra = f"{d.get('model')} {d.get('memory_gib')} GiB" if d["kind"] == "cuda" else f"{d['threads']} threads"
        click.echo(f"  {d['name']:8} {extra}")
    click.echo(f"models ({data['model_dir']}):")
    for m in data["models"]:
        click.echo(f"  {'present' if m['present'] else 'missing':8} {m['tier']:8} {m['name']}")
