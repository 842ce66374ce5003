"""`ned analyze SOURCE`: face analysis + expression fit with progress; tracks listed, files written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from ned_core.cli.common import echo_json, json_option, model_dir_option
from ned_core.cli.progress_bar import ProgressBars
from ned_core.face3d.channels import CHANNEL_NAMES
from ned_core.io.colour import ColourConfig
from ned_core.io.plates import open_plates
from ned_core.models.store import StoreConfig, default_model_dir
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.config import NedConfig, default_cache_dir
from ned_core.pipeline.export import track_summaries, write_analysis

source_options = [
    click.argument("source"),
    click.option("--frames", default=None, help="Frame range, e.g. 1001-1100 (default: the whole shot)."),
    click.option("--start-frame", type=int, default=None, help="Number of a movie's first frame (default 0)."),
    click.option("--ocio", default=None, help="OpenColorIO config (default: $OCIO, else the built-in config)."),
    click.option("--input-space", default=None, help="Source colour space (default: by file type)."),
    click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                 help="Analysis cache folder (default: $NED_CACHE_DIR or ~/.cache/ned/analysis)."),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the analysis cache."),
]


def with_source_options(fn):
    for opt in reversed(source_options):
        fn = opt(fn)
    return fn


def config_from_options(model_dir: Path | None, ocio: str | None, input_space: str | None,
                        cache_dir: Path | None, no_cache: bool, **overrides) -> NedConfig:
    """The NedConfig the shared source options describe (stage slices replaced by ``overrides``)."""
    return replace(
        NedConfig(),
        colour=ColourConfig(config=ocio, input_space=input_space),
        store=StoreConfig(root=model_dir or default_model_dir()),
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
        **overrides,
    )


@click.command()
@with_source_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write analysis.json + track_<id>.npz here (format NedAnalysis.1).")
@model_dir_option
@json_option
@click.option("--quiet", is_flag=True, help="No progress bars.")
def analyze(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, out_dir, model_dir, as_json, quiet):
    """Find and track the faces in SOURCE and fit their expression per frame."""
    config = config_from_options(model_dir, ocio, input_space, cache_dir, no_cache)
    from ned_core.analysis import FaceMeshModels
    from ned_core.models import ModelStore

    models = FaceMeshModels.load(ModelStore(config.store), config.analysis)
    with open_plates(source, frames=frames, colour=config.colour, start_frame=start_frame) as plates, \
            ProgressBars(enabled=not quiet and not as_json) as bars:
        result = analyze_and_fit(plates, config, models=models, progress=bars)
        info = plates.info
    rows = track_summaries(result.analysis, result.fits)
    written = write_analysis(out_dir, info, result.source_hash, result.analysis, result.fits, CHANNEL_NAMES) \
        if out_dir else None
    default = result.analysis.default().track.track_id if result.analysis.tracks else None
    if as_json:
        echo_json({"source": info.path, "frames": len(info.frames), "cache_hit": result.cache_hit,
                   "default_track": default, "tracks": rows, "out": str(written) if written else None})
        return
    click.echo(f"{info.path}: {len(info.frames)} frames, {info.width}x{info.height}"
               f"{' (analysis from cache)' if result.cache_hit else ''}")
    if not rows:
        click.echo("no face found")
    for r in rows:
        mark = "  (default)" if r["id"] == default else ""
        click.echo(f"track {r['id']}: frames {r['first_frame']}-{r['last_frame']}, "
                   f"{r['frames_with_face']} with a face, fit residual {r['mean_residual']:.2f}% IOD{mark}")
    if written:
        click.echo(f"wrote {written}")
