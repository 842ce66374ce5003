"""`ned train manipulator` as a user runs it: a real subprocess trains and writes files; resume; inspect."""

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from ned_core.cli.main import cli

COMMON = ["train", "manipulator", "d.npz", "--out", "run", "--size", "small", "--batch-size", "8", "--val-actor",
          "synth_a001", "--val-every", "2", "--checkpoint-every", "2", "--log-every", "1", "--threads", "2", "--quiet"]


def test_train_resume_and_inspect(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["dataset", "synth", "d.npz", "--actors", "2", "--frames", "40"]).exit_code == 0
    first = subprocess.run([sys.executable, "-m", "ned_core.cli.main", *COMMON, "--steps", "2"], capture_output=True,
                           text=True, cwd=tmp_path, env={**os.environ, "OMP_NUM_THREADS": "2"}, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "trained 2 iterations; checkpoint run/checkpoints/latest.pt" in first.stdout
    assert (tmp_path / "run" / "logs" / "train.jsonl").is_file()
    second = runner.invoke(cli, [*COMMON, "--steps", "4", "--resume", "run/checkpoints/latest.pt", "--json"])
    assert second.exit_code == 0, second.output
    doc = json.loads(second.output)
    assert doc["steps"] == 4 and doc["history"]["train"]["step"] == [1, 2, 3, 4]
    assert doc["history"]["val"]["step"] == [2, 4]
    info = json.loads(runner.invoke(cli, ["manipulator", "info", "run/checkpoints/latest.pt", "--json"]).output)
    assert info["step"] == 4 and info["space"] == "embedded" and info["resumable"] is True
    assert info["sizes"]["translator_width"] == 64 and info["provenance"]["origin"].startswith("resume")
    bad = runner.invoke(cli, ["train", "manipulator", "d.npz", "--out", "run2", "--val-actor", "nobody"])
    assert bad.exit_code == 2 and "validation actor(s) nobody" in bad.output
