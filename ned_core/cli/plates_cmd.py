"""`ned plates inspect`: windows, channels, compression and metadata of EXR face plates."""

from __future__ import annotations

from pathlib import Path

import click
import fileseq

from ned_core.cli.common import echo_json
from ned_core.cli.options import json_option
from ned_core.exceptions import PlateInspectError
from ned_core.io.exr_inspect import PlateFile, find_plate_files, inspect_plate


@click.group()
def plates() -> None:
    """EXR face plates written by NED."""


def _box(w: dict) -> str:
    return (f"({w['x']}, {w['y']})-({w['x'] + w['width'] - 1}, {w['y'] + w['height'] - 1})  "
            f"{w['width']}x{w['height']}")


def _channels(channels: list[dict]) -> str:
    types = {c["type"] for c in channels}
    if len(types) == 1:
        return f"{', '.join(c['name'] for c in channels)}  (all {types.pop()})"
    return ", ".join(f"{c['name']} {c['type']}" for c in channels)


def _print_plate(info: dict) -> None:
    click.echo(f"{info['path']}  (OpenEXR, {info['parts']} part{'s' if info['parts'] != 1 else ''})")
    click.echo(f"  display window  {_box(info['display_window'])}")
    click.echo(f"  data window     {_box(info['data_window'])}{'  (full frame)' if info['full_frame'] else ''}")
    click.echo(f"  compression     {info['compression']}")
    click.echo(f"  channels        {_channels(info['channels'])}")
    if info["pixels_verified"]:
        click.echo("  pixels          all decoded without error")
    click.echo("  metadata")
    width = max((len(k) for k in info["metadata"]), default=0)
    for key, value in info["metadata"].items():
        click.echo(f"    {key:{width}}  {value}")


def _summary_row(item: PlateFile, verify: bool) -> dict:
    try:
        return {"frame": item.frame, **inspect_plate(item.path, verify)}
    except PlateInspectError as e:
        return {"frame": item.frame, "path": str(item.path), "error": str(e)}


def _missing(items: list[PlateFile]) -> dict[str, str]:
    """Gaps inside each numbered sequence, fileseq range syntax (``"1003,1007-1009"``)."""
    gaps = {}
    for seq in dict.fromkeys(i.sequence for i in items):
        frames = [i.frame for i in items if i.sequence == seq and i.frame is not None]
        holes = fileseq.FrameSet(frames).invertedFrameRange() if frames else ""
        if holes:
            gaps[seq] = holes
    return gaps


def _print_summary(target: Path, rows: list[dict], missing: dict[str, str]) -> None:
    click.echo(f"{target}: {len(rows)} file{'s' if len(rows) != 1 else ''}")
    for row in rows:
        label = "-" if row["frame"] is None else str(row["frame"])
        if "error" in row:
            click.echo(f"  {label:>6}  ERROR {row['error']}")
            continue
        data, meta = row["data_window"], row["metadata"]
        click.echo(f"  {label:>6}  data {_box(data)}  {len(row['channels'])} ch  {row['compression']}"
                   f"  tc {meta.get('timeCode', '-')}  {Path(row['path']).name}")
    for seq, holes in missing.items():
        click.echo(f"missing frames in {seq}: {holes}")


@plates.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--verify", is_flag=True, help="Also decode all pixel data (finds truncated or corrupt files).")
@json_option
def inspect(path: Path, verify: bool, as_json: bool) -> None:
    """Show windows, channels, compression and metadata of PATH.

    PATH is one EXR file, a folder (every EXR in it), or a frame pattern such as
    plates/shot.####.exr, shot.%04d.exr or shot.1001-1100#.exr (one line per frame).
    Only headers are read unless --verify is given. Exits with status 2 if a file cannot be read.
    """
    if path.is_file():
        info = inspect_plate(path, verify)
        echo_json(info) if as_json else _print_plate(info)
        return
    items = find_plate_files(path)
    rows, missing = [_summary_row(i, verify) for i in items], _missing(items)
    if as_json:
        echo_json({"target": str(path), "files": rows, "missing_frames": missing})
    else:
        _print_summary(path, rows, missing)
    bad = [r for r in rows if "error" in r]
    if bad:
        raise PlateInspectError(f"{len(bad)} of {len(rows)} files unreadable; first: {bad[0]['error']}")
