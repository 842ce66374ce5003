"""Options and output helpers shared by the subcommands."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from pathlib import Path

import click

from ned_core.models.store import ModelStore, StoreConfig, default_model_dir

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
model_dir_option = click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Model store folder (default: $NED_MODEL_DIR or ~/.local/share/ned/models).",
)
noncommercial_option = click.option(
    "--allow-noncommercial",
    is_flag=True,
    help="Opt in to models under non-commercial licences (FLAME, DECA, FAN, dlib 68-point).",
)


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
