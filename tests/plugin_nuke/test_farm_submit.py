"""Submit to farm: the NED node's render as a farm job, written and submitted by a real ``ned submit --farm``
subprocess on a worker thread, its outcome reported on Nuke's main thread (the strict fake refuses anything else).

The engines' CLIs are stand-ins that record their command line (tests/fakes/engine_cli.py); ``deadline`` runs the
real ``openjd check`` on the bundle it gets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from engine_cli import engine_calls, install_engine_clis

REPO = Path(__file__).parents[2]


@pytest.fixture()
def farm_host(nuke, tmp_path, monkeypatch):
    """``(group, tools, gate)``: a NED node over a 3-frame PNG Read (1001-1003), `ned` as $NED_CLI, the engine
    stand-ins on PATH (they answer once ``gate`` exists)."""
    from node_helpers import write_shot

    from ned_nuke.node_builder import create_ned_node

    ned = tmp_path / "ned"
    ned.write_text(f"#!/bin/sh\nPYTHONPATH={REPO}:{REPO / 'protocol'} exec {sys.executable} -m ned_core.cli.main "
                   "\"$@\"\n")
    ned.chmod(0o755)
    gate = tmp_path / "gate"
    tools = install_engine_clis(tmp_path / "tools", gate)
    monkeypatch.setenv("NED_CLI", str(ned))
    monkeypatch.setenv("PATH", os.pathsep.join([str(tools), str(Path(sys.executable).parent), os.environ["PATH"]]))
    shot = write_shot(tmp_path / "in", range(1001, 1004), size=64)
    group = create_ned_node()
    group.setInput(0, nuke.nodes.Read(file=shot, first=1001, last=1003))
    group["output_dir"].setValue(str(tmp_path / "plates"))
    return group, tools, gate, shot


def _finish(nuke, thread) -> None:
    thread.join(timeout=120)
    assert not thread.is_alive()
    nuke.run_main_thread_tasks()


def test_submit_to_farm_writes_the_bundle_and_submits_it_without_blocking_the_ui(nuke, farm_host, tmp_path):
    from ned_core.direct.config import DirectConfig
    from ned_core.direct.keys_file import parse_emotion_keys
    from ned_nuke.farm_submit import submit_to_farm

    group, tools, gate, shot = farm_host
    group["emotion"].setValue("sad")
    group["intensity"].setValueAt(0.5, 1001)
    group["intensity"].setValueAt(1.0, 1003)
    group["seed"].setValue(7)
    group["chunk_size"].setValue(2)
    assert group["submit_farm"].label() == "Submit to farm" and group["farm_engine"].value() == "openjd"
    thread = submit_to_farm(group)
    jobs = tmp_path / "plates" / ".ned-farm" / "NED1_openjd"
    assert thread.is_alive()  # returned while `ned` / the engine CLI still runs
    assert group["status"].value() == f"writing the openjd job into {jobs}"
    gate.touch()
    _finish(nuke, thread)
    assert group["status"].value() == "submitted to openjd: submitted job-0123", group["status"].value()
    assert engine_calls(tools) == [["deadline", "bundle", "submit", "--yes", str(jobs)]]
    values = {p["name"]: p["value"] for p in yaml.safe_load((jobs / "parameter_values.yaml").read_text())
              ["parameterValues"]}
    assert values == {"Source": shot, "OutputDir": str(tmp_path / "plates"),
                      "CacheDir": str(tmp_path / "plates" / ".ned-analysis"), "Frames": "1001-1003", "ChunkSize": 2}
    render = yaml.safe_load((jobs / "template.yaml").read_text())["steps"][1]["script"]["actions"]["onRun"]["args"]
    options = dict(zip(render[::2], render[1::2]))
    assert options["--pattern"] == "NED1.####.exr" and options["--seed"] == "7"
    keys = parse_emotion_keys(yaml.safe_load(Path(options["--keys"]).read_text()), 1001, 1003, DirectConfig())
    assert [(k.frame, k.intensity) for k in keys.keys] == [(1001, 0.5), (1002, 0.75), (1003, 1.0)]
    assert nuke.messages == []


def test_without_the_engine_cli_the_artist_is_told_where_the_files_are(nuke, farm_host, monkeypatch, tmp_path):
    from ned_nuke.farm_submit import submit_to_farm

    group, tools, gate, _ = farm_host
    (tools / "deadlinecommand").unlink()
    group["farm_engine"].setValue("deadline")
    group["farm_job_dir"].setValue(str(tmp_path / "jobs"))
    _finish(nuke, submit_to_farm(group))
    says = (f"not submitted to deadline: deadlinecommand not found on PATH: install the Deadline 10 client "
            f"(deadlinecommand); the job files are in {tmp_path / 'jobs'}: submit it with `deadlinecommand "
            f"-SubmitMultipleJobs -dependent -job {tmp_path / 'jobs' / 'ned_analysis.job'}")
    assert group["status"].value().startswith(says)
    assert nuke.messages == [f"NED1: {group['status'].value()}"]
    assert sorted(p.name for p in (tmp_path / "jobs").iterdir()) == [
        "emotion_keys.json", "ned_analysis.job", "ned_analysis.plugin", "ned_render.job", "ned_render.plugin"]


def test_a_bad_setting_is_refused_before_anything_runs(nuke, farm_host, tmp_path):
    from ned_nuke.errors import SettingsError
    from ned_nuke.farm_submit import submit_to_farm

    group, tools, _, _ = farm_host
    group["chunk_size"].setValue(0)
    with pytest.raises(SettingsError, match="'frames per task' is 0: set it to 1 or more"):
        submit_to_farm(group)
    assert group["status"].value().startswith("error: NED1: 'frames per task' is 0")
    assert nuke.messages and not (tools / "calls.json").exists() and not (tmp_path / "plates").exists()


def test_the_engine_knob_defaults_to_the_studio_farm(nuke, monkeypatch):
    from ned_nuke.node_builder import create_ned_node

    monkeypatch.setenv("NED_FARM_ENGINE", "OpenCue")
    assert create_ned_node()["farm_engine"].value() == "opencue"
    monkeypatch.setenv("NED_FARM_ENGINE", "tractor")  # not an engine NED exports for: the first one
    assert create_ned_node()["farm_engine"].value() == "openjd"


def test_terminal_mode_submits_on_the_calling_thread_and_raises_when_not_submitted(nuke, farm_host, tmp_path):
    from ned_nuke.errors import FarmSubmitError
    from ned_nuke.farm_submit import submit_to_farm

    group, tools, gate, _ = farm_host
    gate.touch()
    nuke.GUI = False
    assert submit_to_farm(group) is None
    assert group["status"].value() == "submitted to openjd: submitted job-0123"
    (tools / "deadline").unlink()
    with pytest.raises(FarmSubmitError, match="not submitted to openjd: deadline not found on PATH"):
        submit_to_farm(group)
