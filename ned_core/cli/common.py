"""Output helpers shared by the subcommands (their options are in ``options.py``)."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from pathlib import Path

import click

from ned_core.models.store import ModelStore, StoreConfig, default_model_dir


def make_store(model_dir: Path | None, allow_noncommercial: bool = False) -> ModelStore:
    return ModelStore(StoreConfig(root=model_dir or default_model_dir(), allow_noncommercial=allow_noncommercial))


def _plain(obj):
    if is_dataclass(obj):
        return asdict(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, default=_plain))


def print_summary(summary, as_json: bool) -> None:
    if as_json:
        echo_json({"plates": [str(p) for p in summary.plates], "frames": len(summary.frames),
                   "track": summary.track, "no_face_frames": list(summary.no_face_frames),
                   "preview": str(summary.preview) if summary.preview else None,
                   "composite": [str(p) for p in summary.composite], "warnings": list(summary.warnings),
                   "failed_outputs": list(summary.failed_outputs),
                   "timings_s": summary.timings})
        return
    n = len(summary.frames)
    fps = n / summary.timings["total"] if summary.timings.get("total") else 0.0
    track = "" if summary.track is None else f" of track {summary.track}"  # None: no face, or a node's choice
    click.echo(f"rendered {n} frames{track} in {summary.timings.get('total', 0):.1f} s "
               f"({fps:.1f} frames/s end to end)")
    if summary.plates:
        click.echo(f"EXR plates: {Path(summary.plates[0]).parent} ({Path(summary.plates[0]).name} ...)")
    if summary.no_face_frames:
        nf = summary.no_face_frames
        click.echo(f"no face in {len(nf)} frames ({nf[0]}..{nf[-1]}): transparent plates")
    if summary.composite:
        click.echo(f"composite: {Path(summary.composite[0]).parent}")
    if summary.preview:
        click.echo(f"preview: {summary.preview}")
    for w in summary.warnings:
        click.echo(f"warning: {w}", err=True)
