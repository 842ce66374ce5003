"""`ned render SOURCE --emotion happy[:0.8] --out DIR`: EXR face plates with the emotion changed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ned_core.cli.common import print_summary
from ned_core.cli.options import (
    config_from_options, json_option, model_dir_option, quiet_option, unit_option, with_c2pa_options,
    with_render_options, with_source_options,
)
from ned_core.cli.progress_bar import ProgressBars
from ned_core.composite.config import CompositeConfig
from ned_core.exceptions import RenderJobError
from ned_core.io.c2pa_sign import C2paConfig
from ned_core.io.exr import PlateWriteConfig
from ned_core.pipeline.request import RenderRequest


def request_from_options(source, frames, start_frame, emotion, keys_file, reference, track, seed, director,
                         checkpoint, out_dir, pattern, preview, write_composite, units=(), character=None,
                         edits_file=None) -> RenderRequest:
    """The RenderRequest the options describe (keys and character-edit files read and parsed here, so the
    request is data)."""
    from ned_core.analysis.characters import read_edits
    from ned_core.pipeline.request import ALL_FACES

    if character == ALL_FACES and track is None:  # every face either way (and as `ned submit` sends it)
        track, character = ALL_FACES, None

    keys = None
    if keys_file is not None:
        try:
            keys = json.loads(Path(keys_file).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise RenderJobError(f"--keys {keys_file}: not a readable JSON file: {e}") from e
    return RenderRequest(source=source, out_dir=str(out_dir), emotion=emotion, keys=keys, reference=reference,
                         frames=frames, start_frame=start_frame, track=track, seed=seed, director=director,
                         checkpoint=checkpoint, pattern=pattern, preview=preview, composite=write_composite,
                         units=tuple(units), character=character,
                         character_edits=read_edits(edits_file) if edits_file is not None else None)


@click.command()
@with_source_options
@with_render_options
@model_dir_option
@json_option
@quiet_option
@unit_option
@with_c2pa_options
@click.option("--paint-bridged", "paint_bridged", type=click.Choice(["held", "all", "none"]), default="held",
              show_default=True,
              help="Bridged frames (the face hidden, its landmarks interpolated) painted with the occlusion mask hiding "
                   "what covers the face: 'held' those where another face passes in front, 'all' every one (a hand or "
                   "a glass may get painted), 'none' every bridged frame fades to the source.")
def render(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, emotion, keys_file, reference,
           track, seed, director, checkpoint, out_dir, pattern, compression, full_frame, preview, write_composite,
           model_dir, as_json, quiet, units, character, edits_file, c2pa_cert, c2pa_key, paint_bridged, stmap=False):
    """Change the emotion of a face in SOURCE; write EXR face plates (+ mask) to --out."""
    from ned_core.io.output_lock import output_folder_lock
    from ned_core.pipeline.render_job import render_shot

    request = request_from_options(source, frames, start_frame, emotion, keys_file, reference, track, seed,
                                   director, checkpoint, out_dir, pattern, preview, write_composite, units,
                                   character, edits_file)
    if (c2pa_cert is None) != (c2pa_key is None):
        raise RenderJobError("--c2pa-cert and --c2pa-key go together: give both to sign the preview, or neither")
    composite = CompositeConfig(paint_bridged=paint_bridged == "all", paint_held=paint_bridged != "none")
    config = config_from_options(model_dir, ocio, input_space, cache_dir, no_cache,
                                 plates=PlateWriteConfig(compression=compression, full_frame=full_frame, stmap=stmap),
                                 c2pa=C2paConfig(cert=c2pa_cert, key=c2pa_key), composite=composite)
    with output_folder_lock(out_dir), ProgressBars(enabled=not quiet and not as_json) as bars:
        summary = render_shot(request, config, progress=bars)  # one writer per folder (see output_lock)
    print_summary(summary, as_json)
