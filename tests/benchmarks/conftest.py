"""Shared fixtures of the benchmark-harness tests: the benchmarks folder on the import path, tiny bench modules."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))  # the harness is a folder of scripts with a sibling package, benchkit

GOOD = '''
"""A tiny benchmark with a fixed timing (20 frames in 0.5 s), so comparisons between runs are exact."""
import numpy as np
from benchkit.records import metric, stage


def run(quick: bool) -> dict:
    data = np.ones((64, 64), np.float32)
    return {"stages": [stage("sum", 20, 0.5, "64x64", target_fps=1.0)],
            "metrics": [metric("size", data.nbytes / 1024, "KB", "64x64")], "notes": ["quick" if quick else "full"]}
'''
BROKEN_IMPORT = 'import ned_package_that_does_not_exist\n\n\ndef run(quick):\n    return {}\n'
RAISES = 'def run(quick):\n    raise RuntimeError("the stage under test blew up")\n'
NO_RUN = '"""A script without run()."""\nprint("hello")\n'


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    """A folder with four bench modules: one good, one whose import fails, one that raises, one without run()."""
    folder = tmp_path / "benches"
    folder.mkdir()
    for name, text in (("tiny", GOOD), ("broken", BROKEN_IMPORT), ("raises", RAISES), ("norun", NO_RUN)):
        (folder / f"bench_{name}.py").write_text(text)
    return folder


@pytest.fixture
def run_all() -> Callable[..., subprocess.CompletedProcess]:
    """Runs ``python benchmarks/run_all.py ARGS...`` and returns the finished process (output captured)."""

    def call(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(BENCH_DIR / "run_all.py"), *args], capture_output=True, text=True,
                              timeout=120)

    return call
