"""An Open Job Description job bundle (the job format of AWS Deadline Cloud) for a farm job.

The bundle follows Deadline Cloud's layout: ``template.yaml`` (``jobtemplate-2023-09``, the ``TASK_CHUNKING``
extension), ``parameter_values.yaml`` (this export's values) and ``asset_references.yaml`` (the source's
folder in, the plates folder out). Steps: ``Analysis`` (one task), ``Render`` (a ``Frames`` ``CHUNK[INT]``
task parameter over ``{{Param.Frames}}``, ``{{Param.ChunkSize}}`` frames a task), and ``Preview`` / ``Report``
when asked, after every chunk. The paths are ``PATH`` job parameters, so the engine's path mapping rules apply to them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ned_core.exceptions import FarmJobError
from ned_core.farm.commands import Tokens, analysis_command, finishing_commands, render_command
from ned_core.farm.job import FarmJob
from ned_core.io.atomic import atomic_path

SPEC = "jobtemplate-2023-09"
#: Deadline Cloud caps a chunk at 150 values (``chunks.defaultTaskCount``)
MAX_CHUNK = 150

TOKENS = Tokens(source="{{Param.Source}}", out_dir="{{Param.OutputDir}}", cache_dir="{{Param.CacheDir}}",
                shot="{{Param.Frames}}", chunk="{{Task.Param.Frames}}", progress="openjd")


def _run(argv: list[str]) -> dict:
    return {"actions": {"onRun": {"command": argv[0], "args": argv[1:]}}}


def job_template(job: FarmJob) -> dict:
    """The job template (a plain dict, written as YAML).

    The paths have no defaults (OpenJD wants those relative to the template); their values are in
    :func:`parameter_values`. ``Frames`` and ``ChunkSize`` default to this export's values.
    """
    parameters = [
        {"name": "Source", "type": "PATH", "objectType": "FILE",
         "description": "The shot: movie, still or image sequence pattern (shot.####.exr).",
         "userInterface": {"control": "CHOOSE_INPUT_FILE", "label": "Source"}},
        {"name": "OutputDir", "type": "PATH", "objectType": "DIRECTORY", "dataFlow": "OUT",
         "description": "Folder of the EXR face plates.",
         "userInterface": {"control": "CHOOSE_DIRECTORY", "label": "Plates folder"}},
        {"name": "CacheDir", "type": "PATH", "objectType": "DIRECTORY",
         "description": "Analysis cache on storage every worker shares (the Analysis step fills it).",
         "userInterface": {"control": "CHOOSE_DIRECTORY", "label": "Analysis cache"}},
        {"name": "Frames", "type": "STRING", "default": job.shot_frames,
         "description": "The shot's frames: analysed and directed as one shot, rendered in chunks.",
         "userInterface": {"label": "Frames"}},
        {"name": "ChunkSize", "type": "INT", "default": job.chunk_size, "minValue": 1, "maxValue": MAX_CHUNK,
         "description": "Frames rendered by one task.", "userInterface": {"label": "Frames per task"}},
    ]
    steps = [
        {"name": "Analysis", "script": _run(analysis_command(job, TOKENS))},
        {"name": "Render", "dependencies": [{"dependsOn": "Analysis"}],
         "parameterSpace": {"taskParameterDefinitions": [
             {"name": "Frames", "type": "CHUNK[INT]", "range": "{{Param.Frames}}",
              "chunks": {"defaultTaskCount": "{{Param.ChunkSize}}", "rangeConstraint": "CONTIGUOUS"}}]},
         "script": _run(render_command(job, TOKENS))},
    ]
    steps += [{"name": name.title(), "dependencies": [{"dependsOn": "Render"}], "script": _run(argv)}
              for name, argv in finishing_commands(job, TOKENS)]
    return {"specificationVersion": SPEC, "extensions": ["TASK_CHUNKING"], "name": job.name,
            "description": "NED: emotion changed on a shot; EXR face plates (+ facemask.A) per frame.",
            "parameterDefinitions": parameters, "steps": steps}


def parameter_values(job: FarmJob) -> dict:
    """``parameter_values.yaml``: this export's value of every job parameter."""
    values = {"Source": job.source, "OutputDir": job.out_dir, "CacheDir": job.cache_dir,
              "Frames": job.shot_frames, "ChunkSize": job.chunk_size}
    return {"parameterValues": [{"name": k, "value": v} for k, v in values.items()]}


def asset_references(job: FarmJob) -> dict:
    """``asset_references.yaml``: the source's folder as input, the plates folder as output (job attachments)."""
    return {"assetReferences": {"inputs": {"directories": [str(Path(job.source).parent)], "filenames": []},
                                "outputs": {"directories": [job.out_dir]}}}


def write_bundle(job: FarmJob, bundle_dir: str | Path) -> list[Path]:
    """Write the job bundle into ``bundle_dir`` (created); returns the files, each written atomically.

    Raises:
        FarmJobError: the chunk size is above Deadline Cloud's limit (:data:`MAX_CHUNK`); nothing is written.
    """
    if job.chunk_size > MAX_CHUNK:
        raise FarmJobError(f"--chunk-size {job.chunk_size}: Deadline Cloud runs at most {MAX_CHUNK} frames a task "
                           f"(CHUNK[INT] defaultTaskCount); expected 1-{MAX_CHUNK}")
    folder = Path(bundle_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in (("template.yaml", job_template(job)), ("parameter_values.yaml", parameter_values(job)),
                      ("asset_references.yaml", asset_references(job))):
        with atomic_path(folder / name) as tmp:
            tmp.write_text(yaml.safe_dump(doc, sort_keys=False, width=120), encoding="utf-8")
        written.append(folder / name)
    return written
