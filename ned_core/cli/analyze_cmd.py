"""`ned analyze SOURCE`: face analysis + expression fit with progress; tracks listed, files written."""

from __future__ import annotations

from pathlib import Path

import click

from ned_core.cli.common import echo_json
from ned_core.cli.options import (
    characters_option, config_from_options, json_option, model_dir_option, quiet_option, with_source_options,
)
from ned_core.cli.progress_bar import ProgressBars
from ned_core.analysis.characters import read_edits
from ned_core.face3d.channels import CHANNEL_NAMES
from ned_core.io.plates import open_plates
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.character_sheet import write_character_sheet
from ned_core.pipeline.characters import SHEET_NAME, characters_doc, source_characters
from ned_core.pipeline.export import track_summaries, write_analysis


@click.command()
@with_source_options


@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write analysis.json + track_<id>.npz + characters.png here (format NedAnalysis.2).")
@characters_option
@model_dir_option
@json_option
@quiet_option


def analyze(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, out_dir, edits_file, model_dir,
            as_json, quiet):
    """Find and track the faces in SOURCE, fit their expression per frame, group them into characters."""
    config = config_from_options(model_dir, ocio, input_space, cache_dir, no_cache)
    from ned_core.analysis import FaceMeshModels
    from ned_core.models import ModelStore

    models = FaceMeshModels.load(ModelStore(config.store), config.analysis)
    with open_plates(source, frames=frames, colour=config.colour, start_frame=start_frame) as plates, \
            ProgressBars(enabled=not quiet and not as_json) as bars:
        result = analyze_and_fit(plates, config, models=models, progress=bars)
        info = plates.info
        edits = read_edits(edits_file) if edits_file is not None else None
        characters, note, whole = source_characters(plates, config, models, edits, analysis=result.analysis,
                                                    source_hash=result.source_hash)
    rows = track_summaries(result.analysis, result.fits)
    people = characters_doc(characters, whole) if characters else None  # ids and frames of the whole source
    written = write_analysis(out_dir, info, result.source_hash, result.analysis, result.fits, CHANNEL_NAMES,
                             people) if out_dir else None
    if written and characters:
        write_character_sheet(Path(out_dir) / SHEET_NAME, characters, people["characters"])
    default = result.analysis.default().track.track_id if result.analysis.tracks else None
    if as_json:
        shots = [{"shot": s, "first_frame": a, "last_frame": b, "starts_with": result.analysis.transition(s)}
                 for s, a, b in result.analysis.shot_ranges()]
        echo_json({"source": info.path, "frames": len(info.frames), "cache_hit": result.cache_hit, "shots": shots,
                   "default_track": default, "tracks": rows, "characters": people, "characters_note": note,
                   "out": str(written) if written else None})
        return
    click.echo(f"{info.path}: {len(info.frames)} frames, {info.width}x{info.height}"
               f"{' (analysis from cache)' if result.cache_hit else ''}")
    faceless = {s for s, _, _ in result.analysis.faceless_shots()}
    for shot, first, last in result.analysis.shot_ranges():
        click.echo(f"shot {shot}: frames {first}-{last} ({result.analysis.transition(shot)})"
                   f"{', no face' if shot in faceless else ''}")
    if not rows:
        click.echo("no face found")
    for r in rows:
        mark = "  (default)" if r["id"] == default else ""
        bridged = (f" ({r['interpolated_frames']} bridged, {r['held_frames']} of them behind another face)"
                   if r["interpolated_frames"] else "")
        click.echo(f"track {r['id']}: frames {r['first_frame']}-{r['last_frame']}, "
                   f"{r['frames_with_face']} with a face{bridged}, fit residual {r['mean_residual']:.2f}% IOD{mark}")
    for c in people["characters"] if people else ():
        click.echo(f"character {c['id']}: tracks {', '.join(map(str, c['tracks']))}, frames {c['frames']}")
    if note:
        click.echo(note)
    if written:
        click.echo(f"wrote {written}" + (f" and {Path(out_dir) / SHEET_NAME}" if characters else ""))
