"""Find the benchmark modules (``bench_*.py``) and run each in its own child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchkit.errors import BenchmarkSelectionError

PREFIX = "bench_"
HARNESS_DIR = Path(__file__).resolve().parent.parent  # holds the benchkit package


def find_benchmarks(directory: Path) -> dict[str, Path]:
    """``{name: path}`` of every ``bench_<name>.py`` in ``directory``, sorted by name."""
    return {p.stem[len(PREFIX):]: p for p in sorted(Path(directory).glob(f"{PREFIX}*.py")) if p.is_file()}


def select_benchmarks(found: dict[str, Path], only: list[str] | None) -> dict[str, Path]:
    """The benchmarks named in ``only`` (all when None), in discovery order.

    Raises:
        BenchmarkSelectionError: a name matches no ``bench_<name>.py``; the message lists the names there are.
    """
    if not only:
        return dict(found)
    wanted = [name.removeprefix(PREFIX).removesuffix(".py") for name in only]
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise BenchmarkSelectionError(f"no benchmark named {', '.join(unknown)}; there are: {', '.join(found)}")
    return {name: path for name, path in found.items() if name in wanted}


def run_in_child(path: Path, quick: bool, out: Path, timeout_s: float, profile: Path | None = None) -> dict:
    """Run ``path``'s ``run(quick)`` in a fresh Python process (``benchkit.child``); its output passes through.

    Args:
        path: the ``bench_<name>.py`` module.
        quick: passed to ``run``.
        out: scratch file for the child's JSON outcome.
        timeout_s: the child is killed after this many seconds.
        profile: write a cProfile dump of ``run`` here.

    Returns:
        The child's outcome (see ``benchkit.child.outcome``); ``failed`` with the reason when the child
        times out or dies without writing one.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HARNESS_DIR), env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "benchkit.child", str(path), "--out", str(out)]
    command += ["--quick"] if quick else []
    command += ["--profile", str(profile)] if profile else []
    out.unlink(missing_ok=True)
    try:
        code = subprocess.run(command, env=env, timeout=timeout_s).returncode
    except subprocess.TimeoutExpired:
        return {"status": "failed", "reason": f"timed out after {timeout_s:.0f} s"}
    if not out.is_file():
        return {"status": "failed", "reason": f"the benchmark process died (exit code {code}) without a result"}
    return json.loads(out.read_text())
