"""Fixtures for the render-farm tests: `ned` and `openjd` runnable as a farm worker runs them (from PATH)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # cuebot_standin, importable by the tests
    sys.path.insert(0, str(HERE))


@pytest.fixture(scope="session")
def farm_env(tmp_path_factory) -> dict[str, str]:
    """Environment of a farm worker: ``ned`` on PATH runs this checkout's code with this interpreter; the
    interpreter's folder (``openjd``) is on PATH too."""
    bin_dir = tmp_path_factory.mktemp("worker_bin")
    ned = bin_dir / "ned"
    ned.write_text(f"#!/bin/sh\nexec {sys.executable} -m ned_core.cli.main \"$@\"\n")
    ned.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "protocol"), env.get("PYTHONPATH", "")])
    return env


@pytest.fixture(scope="session")
def run(farm_env):
    """``run(*argv, ok=True, cwd=None, env=None)``: a command in the worker environment (or ``env``); asserts its
    exit status when ``ok``."""

    def call(*argv, ok: bool = True, timeout: float = 600, cwd=None, env=None) -> subprocess.CompletedProcess:
        done = subprocess.run([str(a) for a in argv], env=env or farm_env, capture_output=True, text=True,
                              timeout=timeout, cwd=cwd)
        if ok:
            assert done.returncode == 0, \
                f"{argv[:4]} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done

    return call
