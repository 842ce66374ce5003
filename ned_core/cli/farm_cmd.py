"""`ned farm openjd|deadline|opencue SOURCE ... --out DIR`: a shot as a render-farm job; `ned farm task ...`: its tasks.

Every export takes the options of `ned render`; those given are repeated on the render tasks' command lines,
so a chunk renders exactly what `ned render` with the same options would.
"""

from __future__ import annotations

import functools
from pathlib import Path

import click
from click.core import ParameterSource

from ned_core.cli.options import (
    FaceChoice, character_option, characters_option, config_from_options, model_dir_option, unit_option,
    with_render_options, with_source_options,
)
from ned_core.farm.commands import PROGRESS_FORMATS

#: options of an export that every task repeats (the rest of `ned render`'s go to the render tasks only)
SOURCE_OPTIONS = ("start_frame", "ocio", "input_space", "model_dir")
#: options an export handles itself (not repeated as they were given)
EXPORT_OPTIONS = ("source", "frames", "cache_dir", "no_cache", "out_dir", "preview", "chunk_size", "bundle",
                  "job_dir", "name", "submit", "show", "cuebot", "report")
#: render options the report task repeats (which face it measures)
REPORT_OPTIONS = ("track", "character", "edits_file")
#: values that are paths: made absolute for the farm (tasks run in other working folders)
PATH_OPTIONS = ("keys_file", "reference", "checkpoint", "model_dir", "ocio", "edits_file")

progress_option = click.option("--progress", "progress_format", type=click.Choice(PROGRESS_FORMATS), default="plain",
                               show_default=True, help="Progress lines in the engine's convention.")


@click.group()
def farm() -> None:
    """Render a shot on a farm: export it for OpenJD (Deadline Cloud), Deadline 10 or OpenCue."""


def _option_args(ctx: click.Context, names) -> tuple[str, ...]:
    """The options among ``names`` that were given on the command line, spelled as they would be again."""
    from ned_core.farm.job import absolute

    args: list[str] = []
    for param in ctx.command.params:
        if param.name not in names or ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
            continue
        flag, value = max(param.opts, key=len), ctx.params[param.name]
        if getattr(param, "is_flag", False):
            args += [flag] if value else []
            continue
        for item in value if param.multiple else (value,):
            text = str(item)
            if param.name in PATH_OPTIONS and Path(text).expanduser().exists():
                text = absolute(text)
            args += [flag, text]
    return tuple(args)


def farm_job(skip: tuple[str, ...] = ()):
    """The FarmJob the current export command's options describe (the source opened once to check the frames).

    Args:
        skip: names of the command's options that are neither source nor render options (not forwarded).
    """
    from ned_core.exceptions import FarmJobError
    from ned_core.farm.job import FarmJob, absolute, shot_frames
    from ned_core.io.plates import open_plates

    ctx = click.get_current_context()
    p = ctx.params
    source, frames, out_dir, cache_dir = p["source"], p["frames"], p["out_dir"], p["cache_dir"]
    if p["no_cache"]:
        raise FarmJobError("--no-cache: farm tasks share the shot's analysis through the cache; give --cache-dir "
                           "on shared storage (default: OUT/.ned-analysis)")
    with open_plates(source, start_frame=p["start_frame"]) as plates:
        info = plates.info
        frames_ = shot_frames(info, frames)
    _check_direction(p, frames_[0], frames_[-1])
    render_names = {p.name for p in ctx.command.params} - set(SOURCE_OPTIONS) - set(EXPORT_OPTIONS) - set(skip)
    return FarmJob(name=p["name"] or f"NED {Path(info.path).name.split('.')[0]}", source=info.path, frames=frames_,
                   out_dir=absolute(out_dir), cache_dir=absolute(cache_dir or Path(out_dir) / ".ned-analysis"),
                   chunk_size=p["chunk_size"], source_args=_option_args(ctx, SOURCE_OPTIONS),
                   render_args=_option_args(ctx, render_names), preview=p["preview"], report=p["report"],
                   report_args=_report_args(ctx))


def _check_direction(p: dict, first: int, last: int) -> None:
    """The emotion options parse as every render task will parse them, so a bad spec or keys file fails the
    export (nothing written) instead of every task on the farm."""
    from ned_core.cli.render_cmd import request_from_options
    from ned_core.pipeline.config import NedConfig
    from ned_core.pipeline.directing import build_schedule

    request = request_from_options(p["source"], p["frames"], p["start_frame"], p["emotion"], p["keys_file"],
                                   p["reference"], p["track"], p["seed"], p["director"], p["checkpoint"],
                                   p["out_dir"], p["pattern"], False, p["write_composite"], p.get("units", ()),
                                   p["character"], p["edits_file"])
    build_schedule(request, first, last, NedConfig())


def _report_args(ctx: click.Context) -> tuple[str, ...]:
    """The report task's face options and ``--target`` (the emotion ``--emotion`` asks for most, if any)."""
    from ned_core.cli.eval_shot_cmd import target_of

    target = target_of(ctx.params["emotion"])
    return _option_args(ctx, REPORT_OPTIONS) + (("--target", target) if target else ())


def export_options(fn):
    """SOURCE and every `ned render` option, plus --chunk-size, --name and --report."""
    for option in (
        click.option("--report", is_flag=True,
                     help="Add a finishing task that writes the eval report of the finished plates (`ned eval shot "
                          "--plates`) into OUT/eval."),
        click.option("--name", default=None, help="Job name on the farm (default: NED <shot>)."),
        click.option("--chunk-size", type=int, default=10, show_default=True, help="Frames per render task."),
        unit_option, model_dir_option, with_render_options, with_source_options,
    ):
        fn = option(fn)
    return fn


@farm.command("openjd")
@export_options
@click.option("--bundle", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the job bundle (template.yaml, parameter_values.yaml, asset_references.yaml).")
@click.option("--submit", is_flag=True, help="Also submit it with `deadline bundle submit` (Deadline Cloud CLI).")
def openjd_export(bundle, submit, **_):
    """Write an OpenJD job bundle for SOURCE (run it with `openjd run` or submit it to Deadline Cloud)."""
    export_and_submit("openjd", bundle, submit)


def export_and_submit(engine: str, folder: Path, submit: bool, show: str = "ned", cuebot: str | None = None,
                      skip: tuple[str, ...] = ()) -> None:
    """Writes the current command's farm job for ``engine`` into ``folder``, prints what was written and, when
    ``submit``, submits it (a missing engine CLI or Cuebot: FarmSubmitError, the files stay written).

    Args:
        skip: options of the current command that are not `ned render` options (not repeated on the tasks).
    """
    from ned_core.farm.export import submit_export, write_export

    export = write_export(engine, farm_job(skip), folder, show)
    click.echo(export.summary)
    if submit:
        click.echo(submit_export(export, cuebot))


class TaskGroup(click.Group):
    """`ned farm task ...`: every argument goes through the worker's ``$NED_PATH_MAP`` (ned_core/farm/path_map.py)
    before the task's options are parsed, as the Deadline plugin maps every argument with the repository's rules."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from ned_core.farm.path_map import environment_rules, map_path

        rules = environment_rules()
        return super().parse_args(ctx, [map_path(a, rules) for a in args] if rules else args)


@farm.group("task", cls=TaskGroup)
def task() -> None:
    """The farm job's tasks (the engines run these; see `ned farm openjd|deadline|opencue`)."""


def _echo(line: str) -> None:
    click.echo(line)  # click.echo flushes: the engine reads progress as it comes


def farm_task(fn):
    """A task command that fails as the engine expects: with ``--progress openjd`` a failure is also an
    ``openjd_fail: MESSAGE`` line (the message Deadline Cloud shows on the failed task) before the usual error
    and exit status 2."""

    @functools.wraps(fn)
    def run(**params):
        from ned_core.exceptions import NedError

        try:
            return fn(**params)
        except NedError as e:
            if params["progress_format"] == "openjd":
                _echo(f"openjd_fail: {e}")
            raise

    return run


@task.command("analyse")
@with_source_options
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The plates folder (a failure is recorded there for the render tasks).")
@model_dir_option
@progress_option
@farm_task
def analyse_task(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, out_dir, model_dir,
                 progress_format):
    """The shot's face analysis into the shared cache, once before the render tasks."""
    from ned_core.farm.progress import progress_printer
    from ned_core.farm.tasks import run_analysis_task

    config = config_from_options(model_dir, ocio, input_space, cache_dir, no_cache)
    hit = run_analysis_task(source, frames, start_frame, out_dir, config,
                            progress_printer(progress_format, "analysis", _echo))
    click.echo(f"analysis of {source}: {'already in' if hit else 'written to'} the cache {config.cache_dir}")


def _task_request(source, shot_frames, start_frame, emotion, keys_file, reference, track, seed, director,
                  checkpoint, out_dir, pattern, write_composite, units, character, edits_file):
    from ned_core.cli.render_cmd import request_from_options

    return request_from_options(source, shot_frames, start_frame, emotion, keys_file, reference, track, seed,
                                director, checkpoint, out_dir, pattern, False, write_composite, units, character,
                                edits_file)


def _task_config(model_dir, ocio, input_space, cache_dir, no_cache, compression, full_frame, stmap):
    from ned_core.io.exr import PlateWriteConfig

    return config_from_options(model_dir, ocio, input_space, cache_dir, no_cache,
                               plates=PlateWriteConfig(compression=compression, full_frame=full_frame, stmap=stmap))


shot_frames_option = click.option("--shot-frames", required=True,
                                  help="The whole shot's frames: analysed and directed over, e.g. 1001-1100.")


@task.command("render")
@with_source_options
@with_render_options
@unit_option
@model_dir_option
@shot_frames_option
@progress_option
@farm_task
def render_task(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, emotion, keys_file, reference,
                track, seed, director, checkpoint, out_dir, pattern, compression, full_frame, preview, write_composite,
                units, model_dir, shot_frames, progress_format, character, edits_file, stmap):
    """One chunk: the plates of --frames, directed over --shot-frames (byte-identical to one `ned render`)."""
    from ned_core.exceptions import FarmJobError
    from ned_core.farm.progress import progress_printer
    from ned_core.farm.tasks import run_render_task

    if frames is None:
        raise FarmJobError("--frames: give the chunk's frames, e.g. 1001-1010 (--shot-frames is the whole shot)")
    request = _task_request(source, shot_frames, start_frame, emotion, keys_file, reference, track, seed, director,
                            checkpoint, out_dir, pattern, write_composite, units, character, edits_file)
    config = _task_config(model_dir, ocio, input_space, cache_dir, no_cache, compression, full_frame, stmap)
    summary = run_render_task(request, frames, config, lambda skipped: progress_printer(
        progress_format, "render", _echo, skipped))
    click.echo(f"chunk {frames} of {shot_frames}: {len(summary.plates)} plates in {summary.timings['total']:.1f} s "
               f"into {out_dir}")
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)


@task.command("preview")
@with_source_options
@with_render_options
@unit_option
@model_dir_option
@shot_frames_option
@progress_option
@farm_task
def preview_task(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, emotion, keys_file, reference,
                 track, seed, director, checkpoint, out_dir, pattern, compression, full_frame, preview,
                 write_composite, units, model_dir, shot_frames, progress_format, character, edits_file, stmap):
    """The finishing task: the shot's H.264 preview movie, after every chunk."""
    from ned_core.farm.progress import progress_printer
    from ned_core.farm.tasks import run_preview_task

    request = _task_request(source, shot_frames, start_frame, emotion, keys_file, reference, track, seed, director,
                            checkpoint, out_dir, pattern, write_composite, units, character, edits_file)
    config = _task_config(model_dir, ocio, input_space, cache_dir, no_cache, compression, full_frame, stmap)
    summary = run_preview_task(request, config, progress_printer(progress_format, "render", _echo))
    click.echo(f"preview: {summary.preview}")


@task.command("report")
@with_source_options
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The plates folder (the report goes into its eval/ folder).")
@click.option("--track", type=FaceChoice(), default=None, help="Face track measured (default: the largest face).")
@character_option
@characters_option
@click.option("--target", default=None, help="Emotion whose recognition to measure.")
@model_dir_option
@progress_option
@farm_task
def report_task(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, out_dir, track, character,
                edits_file, target, model_dir, progress_format):
    """The finishing report: `ned eval shot --plates OUT --out OUT/eval` of the finished plates (all frames)."""
    from ned_core.cli.eval_shot_cmd import shot
    from ned_core.farm.commands import REPORT_FOLDER
    from ned_core.farm.progress import progress_printer
    from ned_core.io.plate_source import parse_frame_range
    from ned_core.progress import ProgressEvent

    total = len(parse_frame_range(frames)) if frames else 1
    report = progress_printer(progress_format, "report", _echo)
    report(ProgressEvent("report", 0, total, 0.0, None))
    click.get_current_context().invoke(
        shot, source=source, frames=frames, start_frame=start_frame, ocio=ocio, input_space=input_space,
        cache_dir=cache_dir, no_cache=no_cache, plates=out_dir, track=track, character=character,
        edits_file=edits_file, target=target, out_dir=out_dir / REPORT_FOLDER, model_dir=model_dir)
    report(ProgressEvent("report", total, total, 0.0, None))


@farm.command("deadline")
@export_options
@click.option("--job-dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the job-info / plugin-info files (ned_analysis.job, ned_analysis.plugin, ...).")
@click.option("--submit", is_flag=True, help="Also submit them with deadlinecommand (Deadline 10 client).")
def deadline_export(job_dir, submit, **_):
    """Write Deadline 10 job files for SOURCE (plugin NED, installer/deadline/NED) and optionally submit them."""
    export_and_submit("deadline", job_dir, submit)


@farm.command("opencue")
@export_options
@click.option("--job-dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the job specification (ned_<shot>.cjsl.xml).")
@click.option("--show", default="ned", show_default=True, help="OpenCue show of the job.")
@click.option("--submit", is_flag=True, help="Also launch it on the configured Cuebot.")
@click.option("--cuebot", default=None, help="Cuebot host (default: $CUEBOT_HOSTS / the OpenCue config).")
def opencue_export(job_dir, show, submit, cuebot, **_):
    """Write an OpenCue job (pyoutline outline as CJSL XML) for SOURCE and optionally launch it."""
    export_and_submit("opencue", job_dir, submit, show, cuebot)
