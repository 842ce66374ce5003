"""`ned submit --node ADDRESS ...`: `ned render`'s arguments, rendered by a node, with the same progress and outputs;
`ned submit --farm ENGINE ...`: the same shot as a chunked farm job (the export of `ned farm ENGINE`), submitted."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import click
from click.core import ParameterSource

from ned_core.cli.common import print_summary
from ned_core.cli.node_client import client_options, connect, follow
from ned_core.cli.options import (
    json_option, model_dir_option, quiet_option, unit_option, with_render_options, with_source_options,
)
from ned_core.farm.export import ENGINES


def _range(frames: tuple[int, ...], option: str) -> dict:
    """``{first, last, step}`` of evenly spaced frame numbers (what a job can name)."""
    step = frames[1] - frames[0] if len(frames) > 1 else 1
    if tuple(range(frames[0], frames[-1] + 1, step)) != frames:
        raise click.UsageError(f"{option}: a node renders evenly spaced frames (first-last or first-lastxstep)")
    return {"first": frames[0], "last": frames[-1], "step": step}


def _frames_of(path: str, frames: str | None, start_frame: int | None, option: str) -> dict:
    """The frames of a source as a range: from ``--frames``, else by reading the source's headers here."""
    from ned_core.exceptions import PlateError
    from ned_core.io.plate_source import parse_frame_range
    from ned_core.io.plates import open_plates

    if frames is not None:
        return _range(parse_frame_range(frames), "--frames")
    try:
        with open_plates(path, start_frame=start_frame) as plates:
            return _range(plates.info.frames, option)
    except PlateError as exc:
        raise click.UsageError(f"{option}: cannot read {path} on this machine to find its frames ({exc}); "
                               "pass --frames") from exc


def _emotion(emotion: str | None, keys_file: Path | None, reference: str | None, seed: int, director: str,
             frames: dict, units: tuple[str, ...] = ()) -> dict:
    """The protocol's emotion map from `ned render`'s emotion options (checked here as `ned render` checks them)."""
    from ned_core.direct.config import DirectConfig
    from ned_core.direct.keys_file import parse_emotion_keys
    from ned_core.direct.spec import parse_emotion_spec
    from ned_core.direct.units import parse_unit_overrides
    from ned_core.exceptions import RenderJobError
    from ned_core.face3d.channels import EMOTIONS

    content: dict = {"seed": seed, "director": director}
    overrides = parse_unit_overrides(units)
    if overrides:
        content["units"] = dict(overrides)  # protocol 1.3
    if keys_file is not None:
        try:
            doc = json.loads(Path(keys_file).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise RenderJobError(f"--keys {keys_file}: not a readable JSON file: {exc}") from exc
        parse_emotion_keys(doc, frames["first"], frames["last"], DirectConfig(), source=str(keys_file))
        content["keys"] = doc["keys"]
        content.update({name: doc[name] for name in ("transition", "ease") if name in doc})
    if emotion is not None:
        key = parse_emotion_spec(emotion, 0, 0, DirectConfig()).keys[0]
        if key.weights is not None:
            amounts = {label: float(w) * float(key.intensity) for label, w in zip(EMOTIONS, key.weights) if w > 0}
            # in the order they were typed (the node writes the spec back into the plates' metadata): the first
            # three letters name each emotion and its accepted spellings uniquely (surprise(d), anger/angry, ...)
            content["target"] = dict(sorted(amounts.items(), key=lambda item: emotion.lower().find(item[0][:3])))
        content["intensity"] = float(key.intensity)
    if reference is not None:
        path = str(Path(reference).absolute())
        content["reference"] = {"path": path, "frames": _frames_of(path, None, None, "--reference")}
    return content


#: `ned submit` options of a render node (refused with --farm) and of a farm (refused without it)
NODE_ONLY = ("address", "key_file", "server_key", "client_key", "timeout", "priority", "no_overwrite", "request_id",
             "no_wait")
FARM_ONLY = ("chunk_size", "job_dir", "name", "show", "cuebot", "report")


def _only_with(ctx: click.Context, farm: str | None) -> None:
    """Refuses node options given with --farm and farm options given without it (a typed one, not an env var)."""
    wrong = FARM_ONLY if farm is None else NODE_ONLY
    for param in ctx.command.params:
        if param.name in wrong and ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE:
            flag = max(param.opts, key=len)
            raise click.UsageError(f"{flag} applies to a render farm (give --farm ENGINE)" if farm is None else
                                   f"{flag} applies to a render node (`ned submit --node`), not to --farm {farm}")


def _submit_to_farm(engine: str, job_dir: Path | None, show: str, cuebot: str | None) -> None:
    """`ned farm ENGINE ... --submit`: the job written (into ``job_dir`` or OUT/.ned-farm/ENGINE_SHOT) and
    submitted; a missing engine CLI or Cuebot is a FarmSubmitError naming the files and the command to run."""
    from ned_core.cli.farm_cmd import export_and_submit
    from ned_core.farm.job import STATE_FOLDER, absolute

    ctx = click.get_current_context()
    if job_dir is None:
        shot = Path(ctx.params["source"]).name.split(".")[0]
        job_dir = Path(absolute(ctx.params["out_dir"])) / STATE_FOLDER / f"{engine}_{shot}"
    export_and_submit(engine, job_dir, True, show, cuebot, skip=("farm", "as_json", "quiet", *NODE_ONLY))


def face_track_of(track, character, edits_file) -> dict | None:
    """The protocol's ``face_track`` for ``--track``/``--character``/``--characters`` (None: the node's default).

    Raises:
        click.UsageError: both ``--track`` and ``--character``.
        CharacterEditError: the edit file is unreadable.
    """
    from ned_core.analysis.characters import read_edits
    from ned_core.pipeline.request import ALL_FACES

    if track is not None and character is not None:
        raise click.UsageError("give --track or --character, not both")
    if ALL_FACES in (track, character):
        return {"select": "all"}
    if character is not None:
        edits = read_edits(edits_file) if edits_file is not None else None
        return {"select": "character", "character_id": character,
                "character_edits": None if edits is None else {"merge": edits["merge"], "split": edits["split"]}}
    return {"select": "track", "track_id": track} if track is not None else None


@click.command()
@with_source_options
@with_render_options
@model_dir_option
@json_option
@quiet_option
@unit_option
@client_options


@click.option("--priority", type=click.IntRange(0, 100), default=50, show_default=True, help="Queue priority.")


@click.option("--no-overwrite", is_flag=True, help="Fail if plates exist already (`ned render` replaces them).")


@click.option("--request-id", default=None,
              help="Idempotency key (default: random); submitting it again returns the same job.")


@click.option("--no-wait", is_flag=True, help="Print the job id and return once the node has accepted the job.")


@click.option("--farm", type=click.Choice(ENGINES), default=None,
              help="Submit to a render farm instead of a node: OpenJD (Deadline Cloud), Deadline 10 or OpenCue.")


@click.option("--chunk-size", type=int, default=10, show_default=True, help="--farm: frames per render task.")


@click.option("--job-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="--farm: folder for the bundle / job files (default: OUT/.ned-farm/ENGINE_SHOT).")


@click.option("--name", default=None, help="--farm: job name on the farm (default: NED <shot>).")


@click.option("--report", is_flag=True, help="--farm: add the finishing task writing the eval report into OUT/eval.")


@click.option("--show", default="ned", show_default=True, help="--farm opencue: the OpenCue show.")


@click.option("--cuebot", default=None, help="--farm opencue: Cuebot host (default: $CUEBOT_HOSTS / OpenCue config).")


def submit(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, emotion, keys_file, reference, track,
           seed, director, checkpoint, out_dir, pattern, compression, full_frame, preview, write_composite, model_dir,
           as_json, quiet, address, key_file, server_key, client_key, timeout, priority, no_overwrite, request_id,
           no_wait, character, edits_file, stmap, units, farm, chunk_size, job_dir, name, report, show, cuebot):
    """Render SOURCE on a render node, as `ned render` would (paths must be valid on the node: shared storage);
    with --farm, write SOURCE's farm job (as `ned farm ENGINE` does) and submit it with the engine's CLI."""
    from ned_core.pipeline.request import RenderSummary

    _only_with(click.get_current_context(), farm)
    if farm is not None:
        _submit_to_farm(farm, job_dir, show, cuebot)
        return
    for option, value, node_option in (("--ocio", ocio, "--ocio"), ("--checkpoint", checkpoint, "--manipulator")):
        if value is not None:
            raise click.UsageError(f"{option}: the node's own setting applies (`ned node serve {node_option}`)")
    for option, value in (("--cache-dir", cache_dir), ("--no-cache", no_cache), ("--model-dir", model_dir)):
        if value:
            click.echo(f"ned: {option} is ignored: the node uses its own", err=True)
    path = str(Path(source).absolute())
    span = _frames_of(path, frames, start_frame, "SOURCE")
    source_map = {"kind": "path", "path": path, "frames": span, "colorspace": input_space, "start_frame": start_frame}
    output = {"kind": "path", "directory": str(Path(out_dir).absolute()), "pattern": pattern,
              "overwrite": not no_overwrite, "preview": preview, "composite": write_composite}
    face_track = face_track_of(track, character, edits_file)
    with connect(address, key_file, server_key, client_key, timeout) as client:
        job = client.submit(source_map, _emotion(emotion, keys_file, reference, seed, director, span, units), output,
                            face_track=face_track, compression=compression, full_frame=full_frame, stmap=stmap,
                            priority=priority,
                            request_id=request_id or f"ned-cli-{uuid.uuid4().hex}")
        if no_wait:
            click.echo(job["job_id"])
            return
        if not as_json:
            click.echo(f"job {job['job_id']} on {address}{' (submitted before)' if job['duplicate'] else ''}", err=True)
        done, results = follow(client, job["job_id"], 0, quiet or as_json)
    plates = tuple(Path(r["path"]) for r in results)
    summary = RenderSummary(plates=plates, frames=tuple(r["frame"] for r in results), no_face_frames=(),
                            track=track if isinstance(track, int) else None,
                            timings={"total": done["elapsed_s"]}, warnings=tuple(done.get("warnings", ())))
    print_summary(summary, as_json)
