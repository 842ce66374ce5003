"""`ned info` and `ned models` as a user runs them: real subprocesses, offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

NED = [sys.executable, "-m", "ned_core.cli.main"]


def run_ned(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*NED, *args], capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=120)


def test_info_json_reports_embedded_models_present():
    proc = run_ned("info", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    present = {m["name"] for m in data["models"] if m["present"]}
    assert {"face_detection_short_range", "face_landmark", "iris_landmark", "fer_emotion_classifier"} <= present
    assert data["packages"]["torch"].startswith("2.13.0")
    assert data["devices"][0]["name"] == "cpu"


def test_info_text_lists_missing_studio_models():
    proc = run_ned("info")
    assert proc.returncode == 0, proc.stderr
    assert "missing  studio   flame_generic_model" in proc.stdout


def test_models_list_honours_model_dir(tmp_path: Path):
    proc = run_ned("models", "list", "--json", "--model-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and not any(r["present"] for r in rows)
    assert all(r["path"].startswith(str(tmp_path)) for r in rows)


def test_models_verify_detects_tampering(tmp_path: Path):
    from ned_core.models import ModelStore

    real = ModelStore().path("face_landmark")
    bad = tmp_path / "mediapipe" / "face_landmark.tflite"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(real.read_bytes()[:-10])
    proc = run_ned("models", "verify", "--model-dir", str(tmp_path))
    assert proc.returncode == 2
    assert "checksum mismatch: face_landmark" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_model_dir_env(tmp_path):
    proc = run_ned("models", "list", "--json", env={"NED_MODEL_DIR": str(tmp_path / "x")})
    assert json.loads(proc.stdout)[0]["path"].startswith(str(tmp_path / "x"))
