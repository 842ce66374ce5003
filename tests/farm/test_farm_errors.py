"""Bad farm input as a user meets it: one-line errors (exit status 2) that name the option, nothing half-written;
a missing engine CLI still leaves the job files; chunks of a shot whose analysis task failed fail with its reason."""

from __future__ import annotations

import shutil

import numpy as np
import OpenImageIO as oiio
import pytest


def _error(done) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("INFO: ")]  # TFLite's banner
    assert len(lines) == 1 and lines[0].startswith("ned: error: "), done.stderr
    return lines[0]


@pytest.fixture()
def tiny_shot(tmp_path) -> str:
    """Three 32x32 grey PNG frames (no face needed: these tests fail before any render)."""
    for n in (1, 2, 3):
        assert oiio.ImageBuf(np.full((32, 32, 3), 128, np.uint8)).write(str(tmp_path / f"grey.{n:04d}.png"))
    return str(tmp_path / "grey.####.png")


@pytest.mark.parametrize("args, says", [
    (("--chunk-size", "0"), "--chunk-size 0: expected a whole number of frames >= 1"),
    (("--chunk-size", "151"), "--chunk-size 151: Deadline Cloud runs at most 150 frames a task"),
    (("--frames", "2-9"), "--frames 2-9: "),
    (("--no-cache",), "--no-cache: farm tasks share the shot's analysis"),
    (("--emotion", "hapy"), "'hapy'"),  # a bad spec fails the export, not every task on the farm
])
def test_a_bad_export_says_what_is_wrong_and_writes_nothing(tiny_shot, run, tmp_path, args, says):
    bundle = tmp_path / "bundle"
    message = _error(run("ned", "farm", "openjd", tiny_shot, "--out", tmp_path / "plates", "--bundle", bundle,
                         *(args if "--emotion" in args else ("--emotion", "happy", *args)), ok=False))
    assert says in message
    if "--frames" in args:
        assert "has frames 1-3; no frame 4 (and 5 more)" in message
    assert not bundle.exists() and not (tmp_path / "plates").exists()


def test_a_missing_engine_cli_is_named_and_the_bundle_is_still_written(tiny_shot, run, farm_env, tmp_path):
    assert shutil.which("deadline", path=farm_env["PATH"]) is None  # the Deadline Cloud CLI is not installed here
    bundle = tmp_path / "bundle"
    done = run("ned", "farm", "openjd", tiny_shot, "--emotion", "sad", "--out", tmp_path / "plates", "--bundle", bundle,
               "--submit", ok=False)
    message = _error(done)
    assert "deadline not found on PATH: install the Deadline Cloud CLI (pip install deadline)" in message
    assert f"the bundle is in {bundle}: submit it with `deadline bundle submit --yes {bundle}`" in message
    assert sorted(p.name for p in bundle.iterdir()) == ["asset_references.yaml", "parameter_values.yaml",
                                                        "template.yaml"]


def test_chunks_of_a_shot_whose_analysis_failed_fail_with_its_reason(tiny_shot, run, tmp_path):
    (tmp_path / "grey.0002.png").write_bytes(b"not a png")  # the analysis task cannot decode frame 2
    common = ("--out", tmp_path / "plates", "--cache-dir", tmp_path / "cache")
    analysis = run("ned", "farm", "task", "analyse", tiny_shot, *common, "--frames", "1-3", ok=False)
    reason = _error(analysis).removeprefix("ned: error: ")
    assert "grey.0002.png" in reason
    chunk = run("ned", "farm", "task", "render", tiny_shot, *common, "--shot-frames", "1-3", "--frames", "3",
                "--emotion", "happy", "--progress", "openjd", ok=False)
    message = _error(chunk)
    assert f"the analysis task of {tiny_shot} failed, so no chunk can render: " in message and reason in message
    # OpenJD's failure message (Deadline Cloud shows it on the task): the same one line
    assert chunk.stdout.splitlines()[-1] == "openjd_fail: " + message.removeprefix("ned: error: ")
    assert not list((tmp_path / "plates").glob("*.exr"))

    # fixed and analysed again: the record is gone; the chunk gets as far as the render (this grey shot has no
    # face, which a render reports by the shot's frames)
    assert oiio.ImageBuf(np.full((32, 32, 3), 128, np.uint8)).write(str(tmp_path / "grey.0002.png"))
    run("ned", "farm", "task", "analyse", tiny_shot, *common, "--frames", "1-3")
    message = _error(run("ned", "farm", "task", "render", tiny_shot, *common, "--shot-frames", "1-3", "--frames",
                         "3", "--emotion", "happy", ok=False))
    assert "failed, so no chunk can render" not in message and "no face found in shot 0 (frames 1-3)" in message


def test_a_chunk_outside_the_shot_is_refused(tiny_shot, run, tmp_path):
    message = _error(run("ned", "farm", "task", "render", tiny_shot, "--out", tmp_path / "plates", "--cache-dir",
                         tmp_path / "cache", "--shot-frames", "1-2", "--frames", "2-3", "--emotion", "happy",
                         ok=False))
    assert "--frames 2-3: frame 3 is outside the shot's frames 1-2 (--shot-frames)" in message
