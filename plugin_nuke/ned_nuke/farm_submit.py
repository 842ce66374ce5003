"""The Submit to farm button: the Group's render as a chunked farm job, written and submitted by ``ned submit --farm``.

The knobs are read on the main thread (a non-Read input is baked to EXR first, as for Render); the ``ned``
command-line tool then runs in a subprocess on a background thread, so Nuke's UI never waits for it, and the
outcome reaches the Group's status (and, in the UI, a dialog) through ``nuke.executeInMainThread``. ``ned``
writes the engine's job files and submits them with the engine's CLI (``deadline bundle submit``,
``deadlinecommand``) or to Cuebot; where that is missing, the status and dialog say where the files are and
the command that submits them. In terminal mode (``nuke -t``) it runs on the calling thread.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import nuke

from .errors import FarmSubmitError
from .render import bake_dir, on_main_thread, shown_errors
from .settings import FarmSettings, RenderSettings, farm_settings, read_settings
from .source import job_source

#: seconds ``ned submit --farm`` may take (it reads the source's headers, writes the files, runs the engine CLI)
SUBMIT_TIMEOUT_S = 600.0
#: Groups whose submission is running, by full name (a second press waits for the first)
_running: Dict[str, threading.Thread] = {}


@dataclass(frozen=True)
class FarmOutcome:
    """What ``ned submit --farm`` did: ``submitted`` and its last line of output (the engine's answer or why not)."""

    submitted: bool
    text: str


def emotion_args(emotion: Dict[str, Any], first: int) -> Tuple[List[str], Optional[Dict[str, Any]]]:
    """``ned render``'s emotion options for the request's ``emotion`` map, and the keys document to write.

    A target (label or blend) and an animated intensity become an ``EmotionKeys.2`` document (``--keys``), one
    key where the curve changes; a reference clip is ``--reference`` (with a constant amount, ``--emotion``).
    """
    args = ["--seed", str(emotion["seed"])]
    reference = emotion.get("reference")
    if reference is not None:
        args += ["--reference", reference["path"]]
    keys = emotion.get("keys")
    if keys is None and reference is None:
        keys = [{"frame": first, "emotion": emotion["target"], "intensity": emotion["intensity"]}]
    if keys is None:
        return args + ([] if emotion["intensity"] == 1.0 else ["--emotion", f"{emotion['intensity']:g}"]), None
    entries = [{name: value for name, value in key.items() if value is not None} for key in keys]
    return args, {"schema": "EmotionKeys.2", "keys": entries}


def face_args(face_track: Dict[str, Any]) -> List[str]:
    """``--track`` / ``--character`` for the request's ``face_track`` (nothing: the largest face)."""
    select = face_track["select"]
    if select == "all":
        return ["--track", "all"]
    if select == "track":
        return ["--track", str(face_track["track_id"])]
    if select == "character":
        return ["--character", str(face_track["character_id"])]
    return []


def farm_command(group_name: str, settings: RenderSettings, farm: FarmSettings, source: Dict[str, Any],
                 keys_path: Optional[str]) -> List[str]:
    """The ``ned submit --farm`` command line of the Group's render (plates named as Render names them)."""
    emotion, _ = emotion_args(settings.emotion, settings.first)
    shot = os.path.basename(source["path"]).split(".")[0]
    return [farm.ned, "submit", "--farm", farm.engine, source["path"],
            "--frames", f"{settings.first}-{settings.last}", "--out", settings.output_dir,
            "--pattern", settings.pattern, "--compression", settings.compression,
            *(["--full-frame"] if settings.full_frame else []), *emotion,
            *(["--keys", keys_path] if keys_path else []), *face_args(settings.face_track),
            "--chunk-size", str(farm.chunk_size), "--job-dir", farm.job_dir, "--name", f"NED {group_name} {shot}"]


def run_ned(command: List[str], keys: Optional[Dict[str, Any]], keys_path: str) -> FarmOutcome:
    """Writes the keys document (when there is one) and runs ``command``; never raises (the outcome says why)."""
    try:
        if keys is not None:
            os.makedirs(os.path.dirname(keys_path), exist_ok=True)
            with open(keys_path + ".tmp", "w", encoding="utf-8") as handle:
                json.dump(keys, handle, indent=1)
            os.replace(keys_path + ".tmp", keys_path)
        done = subprocess.run(command, capture_output=True, text=True, timeout=SUBMIT_TIMEOUT_S, check=False)
    except FileNotFoundError:
        return FarmOutcome(False, f"the ned command-line tool {command[0]!r} was not found: install NED's "
                                  "environment and put `ned` on PATH or set $NED_CLI to it")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return FarmOutcome(False, f"`{command[0]} submit --farm` failed: {exc}")
    lines = [line.strip() for line in (done.stdout if done.returncode == 0 else done.stderr).splitlines()
             if line.strip()]
    last = lines[-1] if lines else f"exit status {done.returncode}"
    return FarmOutcome(done.returncode == 0, last.removeprefix("ned: error: ").removeprefix("Error: "))


def _report(group: "nuke.Node", engine: str, outcome: FarmOutcome) -> None:
    """Main thread: the outcome into the status knob; in the UI a dialog when nothing was submitted."""
    _running.pop(group.fullName(), None)
    text = f"submitted to {engine}: {outcome.text}" if outcome.submitted else f"not submitted to {engine}: " \
                                                                               f"{outcome.text}"
    group["status"].setValue(text)
    if nuke.GUI and not outcome.submitted:
        nuke.message(f"{group.name()}: {text}")


def submit_to_farm(group: "nuke.Node") -> Optional[threading.Thread]:
    """The Submit to farm button: writes the Group's render as a farm job and submits it (see the module doc).

    Returns:
        The background thread in the UI; None in terminal mode (done on return).

    Raises:
        NedNukeError: unusable knobs or input, or a submission of this Group still running (shown in a
            dialog in the UI); in terminal mode also FarmSubmitError when nothing was submitted.
    """
    with shown_errors(group):
        if group.fullName() in _running:
            raise FarmSubmitError(f"{group.name()}: a farm submission is running; wait for its status")
        settings = read_settings(group)
        farm = farm_settings(group)
        source = job_source(group, settings.first, settings.last, bake_dir(group, settings))
    keys_path = os.path.join(farm.job_dir, "emotion_keys.json")
    _, keys = emotion_args(settings.emotion, settings.first)
    command = farm_command(group.name(), settings, farm, source, keys_path if keys is not None else None)
    group["status"].setValue(f"writing the {farm.engine} job into {farm.job_dir}")

    if not nuke.GUI:
        outcome = run_ned(command, keys, keys_path)
        _report(group, farm.engine, outcome)
        if not outcome.submitted:
            raise FarmSubmitError(f"{group.name()}: {group['status'].value()}")
        return None

    def work() -> None:
        on_main_thread(_report, group, farm.engine, run_ned(command, keys, keys_path))

    thread = threading.Thread(target=work, name=f"ned-farm-{group.name()}", daemon=True)
    _running[group.fullName()] = thread
    thread.start()
    return thread
