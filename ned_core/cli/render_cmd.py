"""`ned render SOURCE --emotion happy[:0.8] --out DIR`: EXR face plates with the emotion changed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ned_core.cli.analyze_cmd import config_from_options, with_source_options
from ned_core.cli.common import echo_json, json_option, model_dir_option
from ned_core.cli.progress_bar import ProgressBars
from ned_core.exceptions import RenderJobError
from ned_core.io.exr import PlateWriteConfig
from ned_core.pipeline.request import DEFAULT_PATTERN, RenderRequest

render_options = [
    click.option("--emotion", default=None,
                 help="Target: neutral, happy, sad, angry, fear, surprised, disgusted, with an optional "
                      "intensity 0-1.5 (happy:0.8) or a blend (happy:0.6+surprised:0.4)."),
    click.option("--keys", "keys_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
                 help="Keyframed emotion (JSON, schema EmotionKeys.2 or .1)."),
    click.option("--reference", default=None, help="Reference clip whose style to copy ('like this clip')."),
    click.option("--track", type=int, default=None, help="Face track id (see `ned analyze`); default: largest, "
                                                         "most central face."),
    click.option("--seed", type=int, default=0, show_default=True, help="Seed, recorded in the plates."),
    click.option("--director", type=click.Choice(["prior", "learned"]), default="prior", show_default=True,
                 help="Embedded EMFACS prior, or the learned manipulator (needs --checkpoint)."),
    click.option("--checkpoint", default=None, help="Manipulator checkpoint for --director learned."),
    click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
                 help="Output folder for the plates."),
    click.option("--pattern", default=DEFAULT_PATTERN, show_default=True, help="Plate file name."),
    click.option("--compression", default="dwaa:45", show_default=True,
                 help="EXR compression: dwaa[:level], dwab[:level], zip, zips, piz, none."),
    click.option("--full-frame", is_flag=True, help="Data window = full frame (for hosts that need it, e.g. Resolve)."),
    click.option("--preview", is_flag=True, help="Also write an H.264 preview with the source audio."),
    click.option("--composite", "write_composite", is_flag=True,
                 help="Also write a full-frame composite EXR sequence (plate merged over the source)."),
]


def with_render_options(fn):
    for opt in reversed(render_options):
        fn = opt(fn)
    return fn


UNIT_HELP = ("Per-unit override on top of the emotion, NAME=VALUE in -1.5..1.5 (e.g. brow_inner_up=-0.5); "
             "repeatable. Names: the expression channels and their L/R groups (`ned info` lists them).")


def request_from_options(source, frames, start_frame, emotion, keys_file, reference, track, seed, director,
                         checkpoint, out_dir, pattern, preview, write_composite, units=()) -> RenderRequest:
    """The RenderRequest the options describe (keys file read and parsed here, so the request is data)."""
    keys = None
    if keys_file is not None:
        try:
            keys = json.loads(Path(keys_file).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise RenderJobError(f"--keys {keys_file}: not a readable JSON file: {e}") from e
    return RenderRequest(source=source, out_dir=str(out_dir), emotion=emotion, keys=keys, reference=reference,
                         frames=frames, start_frame=start_frame, track=track, seed=seed, director=director,
                         checkpoint=checkpoint, pattern=pattern, preview=preview, composite=write_composite,
                         units=tuple(units))


def print_summary(summary, as_json: bool) -> None:
    if as_json:
        echo_json({"plates": [str(p) for p in summary.plates], "frames": len(summary.frames),
                   "track": summary.track, "no_face_frames": list(summary.no_face_frames),
                   "preview": str(summary.preview) if summary.preview else None,
                   "composite": [str(p) for p in summary.composite], "warnings": list(summary.warnings),
                   "timings_s": summary.timings})
        return
    n = len(summary.frames)
    fps = n / summary.timings["total"] if summary.timings.get("total") else 0.0
    click.echo(f"rendered {n} frames of track {summary.track} in {summary.timings.get('total', 0):.1f} s "
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


@click.command()
@with_source_options
@with_render_options
@model_dir_option
@json_option
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--unit", "units", multiple=True, metavar="NAME=VALUE", help=UNIT_HELP)
def render(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, emotion, keys_file, reference,
           track, seed, director, checkpoint, out_dir, pattern, compression, full_frame, preview, write_composite,
           model_dir, as_json, quiet, units):
    """Change the emotion of a face in SOURCE; write EXR face plates (+ mask) to --out."""
    from ned_core.pipeline.render_job import render_shot

    request = request_from_options(source, frames, start_frame, emotion, keys_file, reference, track, seed,
                                   director, checkpoint, out_dir, pattern, preview, write_composite, units)
    config = config_from_options(model_dir, ocio, input_space, cache_dir, no_cache,
                                 plates=PlateWriteConfig(compression=compression, full_frame=full_frame))
    with ProgressBars(enabled=not quiet and not as_json) as bars:
        summary = render_shot(request, config, progress=bars)
    print_summary(summary, as_json)
