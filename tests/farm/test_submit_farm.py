"""`ned submit --farm ENGINE`: the farm job `ned farm ENGINE` writes, handed to the engine's own CLI.

The engine CLIs cannot run here: stand-ins of ``deadline`` and ``deadlinecommand`` on PATH
(tests/fakes/engine_cli.py) record the command line they were given (``deadline`` runs the real ``openjd check`` on
the bundle first), so the test sees exactly what the engine would get. Without them, the files are still written
and the message says where and how to submit.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parents[1] / "fakes"))
from engine_cli import engine_calls, install_engine_clis  # noqa: E402


@pytest.fixture()
def tiny_shot(tmp_path) -> str:
    """Three 32x32 grey PNG frames (no render runs: only the headers are read)."""
    for n in (1, 2, 3):
        assert oiio.ImageBuf(np.full((32, 32, 3), 128, np.uint8)).write(str(tmp_path / f"grey.{n:04d}.png"))
    return str(tmp_path / "grey.####.png")


@pytest.fixture()
def engine_env(farm_env, tmp_path):
    """The worker environment plus stand-ins of the engine CLIs (tests/fakes/engine_cli.py) first on PATH."""
    tools = install_engine_clis(tmp_path / "tools")
    return dict(farm_env, PATH=os.pathsep.join([str(tools), farm_env["PATH"]])), tools


def test_submit_to_openjd_writes_the_bundle_and_runs_deadline_bundle_submit(tiny_shot, run, engine_env, tmp_path):
    env, tools = engine_env
    plates = tmp_path / "plates"
    done = run(sys.executable, "-m", "ned_core.cli.main", "submit", "--farm", "openjd", tiny_shot, "--out", plates,
               "--emotion", "sad", "--seed", "4", "--chunk-size", "2", ok=False, env=env)
    assert done.returncode == 0, done.stderr
    bundle = plates / ".ned-farm" / "openjd_grey"
    assert "submitted job-0123" in done.stdout and f"OpenJD job bundle: {bundle}" in done.stdout
    assert engine_calls(tools) == [["deadline", "bundle", "submit", "--yes", str(bundle)]]  # after `openjd check`
    values = {p["name"]: p["value"] for p in yaml.safe_load((bundle / "parameter_values.yaml").read_text())
              ["parameterValues"]}
    assert values == {"Source": tiny_shot, "OutputDir": str(plates), "CacheDir": str(plates / ".ned-analysis"),
                      "Frames": "1-3", "ChunkSize": 2}
    render = yaml.safe_load((bundle / "template.yaml").read_text())["steps"][1]["script"]["actions"]["onRun"]["args"]
    assert render[render.index("--frames") + 2:] == ["--emotion", "sad", "--seed", "4", "--progress", "openjd"]


def test_submit_to_deadline_10_runs_deadlinecommand_on_the_dependent_jobs(tiny_shot, run, engine_env, tmp_path):
    env, tools = engine_env
    jobs = tmp_path / "jobs"
    run(sys.executable, "-m", "ned_core.cli.main", "submit", "--farm", "deadline", tiny_shot, "--out",
        tmp_path / "plates", "--job-dir", jobs, "--preview", "--report", "--emotion", "angry:0.7", env=env)
    files = [str(jobs / f"ned_{name}.{kind}") for name in ("analysis", "render", "preview", "report")
             for kind in ("job", "plugin")]
    assert engine_calls(tools) == [["deadlinecommand", "-SubmitMultipleJobs", "-dependent", "-job", *files[:2],
                                    "-job", *files[2:4], "-job", *files[4:6], "-job", *files[6:]]]
    report = dict(line.split("=", 1) for line in Path(files[7]).read_text().splitlines())
    plates = str(tmp_path / "plates")
    assert json.loads(report["Arguments"]) == [
        "farm", "task", "report", tiny_shot, "--out", plates, "--cache-dir", f"{plates}/.ned-analysis", "--frames",
        "1-3", "--target", "angry", "--progress", "deadline"]


@pytest.mark.parametrize("engine, says", [
    ("openjd", "deadline not found on PATH: install the Deadline Cloud CLI (pip install deadline); the bundle is in "
               "{jobs}: submit it with `deadline bundle submit --yes {jobs}`"),
    ("deadline", "deadlinecommand not found on PATH: install the Deadline 10 client (deadlinecommand); the job files "
                 "are in {jobs}: submit it with `deadlinecommand -SubmitMultipleJobs -dependent -job {jobs}/"),
    ("opencue", "no Cuebot configured (--cuebot HOST, $CUEBOT_HOSTS or $OPENCUE_CONFIG_FILE); the job is written to "
                "{jobs}/ned_grey.cjsl.xml"),
])
def test_without_the_engine_the_files_are_written_and_the_message_says_how(tiny_shot, run, farm_env, tmp_path,
                                                                          engine, says):
    if engine == "opencue":
        pytest.importorskip("outline", reason="OpenCue's pyoutline (the farm and dev extras)")
    env = {k: v for k, v in farm_env.items() if k not in ("CUEBOT_HOSTS", "OPENCUE_CONFIG_FILE")}
    assert shutil.which("deadline", path=env["PATH"]) is None and shutil.which("deadlinecommand", path=env["PATH"]) \
        is None
    plates = tmp_path / "plates"
    done = run(sys.executable, "-m", "ned_core.cli.main", "submit", "--farm", engine, tiny_shot, "--out", plates,
               "--emotion", "happy", ok=False, env=env)
    assert done.returncode == 2
    jobs = plates / ".ned-farm" / f"{engine}_grey"
    assert says.format(jobs=jobs) in done.stderr
    assert len(list(jobs.iterdir())) == {"openjd": 3, "deadline": 4, "opencue": 1}[engine]


@pytest.mark.parametrize("args, says", [
    (("--farm", "openjd", "--priority", "3"), "--priority applies to a render node (`ned submit --node`), not to "
                                              "--farm openjd"),
    (("--farm", "opencue", "--no-wait"), "--no-wait applies to a render node"),
    (("--chunk-size", "5"), "--chunk-size applies to a render farm (give --farm ENGINE)"),
    (("--farm", "openjd", "--chunk-size", "0"), "--chunk-size 0: expected a whole number of frames >= 1"),
    (("--farm", "deadline", "--seed", "1", "--emotion", "sad:3"), "sad:3"),  # checked before anything is written
])
def test_options_of_the_other_target_are_refused_and_nothing_is_written(tiny_shot, run, tmp_path, args, says):
    done = run(sys.executable, "-m", "ned_core.cli.main", "submit", tiny_shot, "--out", tmp_path / "plates",
               "--emotion", "happy", *args, ok=False)
    assert done.returncode == 2 and says in done.stderr
    assert not (tmp_path / "plates").exists()
