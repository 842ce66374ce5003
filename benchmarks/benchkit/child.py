"""Run one benchmark module in this (fresh) process and write its outcome as JSON: ``python -m benchkit.child``.

The runner starts one child per benchmark, so each gets its own RSS high-water mark, a crash or
leak cannot affect the others, and a module whose imports fail is reported, not fatal.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path

from benchkit.memory import peak_rss_mb
from benchkit.results import to_json


def _error_text(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)[-3:]
    where = "; ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames)
    return f"{type(err).__name__}: {err} (at {where})"


def outcome(path: Path, quick: bool, profile_out: Path | None) -> dict:
    """Import ``path`` and call its ``run(quick)``.

    Returns:
        ``{"status": "ok" | "skipped" | "failed", "reason", "result", "wall_s", "peak_rss_mb"}``: skipped
        when the import fails or there is no ``run``; failed when ``run`` raises or returns no dict.
    """
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    except BaseException as err:  # any import failure skips the benchmark, with its reason
        return {"status": "skipped", "reason": f"import failed: {_error_text(err)}"}
    run = getattr(module, "run", None)
    if not callable(run):
        return {"status": "skipped", "reason": f"{path.name} has no run(quick: bool) -> dict function"}
    profiler = cProfile.Profile() if profile_out else None
    start = time.perf_counter()
    try:
        result = profiler.runcall(run, quick) if profiler else run(quick)
    except Exception as err:
        return {"status": "failed", "reason": _error_text(err), "wall_s": round(time.perf_counter() - start, 2)}
    wall = round(time.perf_counter() - start, 2)
    if profiler:
        profiler.dump_stats(profile_out)
    if not isinstance(result, dict):
        return {"status": "failed", "reason": f"run() returned {type(result).__name__}, expected a dict"}
    return {"status": "ok", "result": result, "wall_s": wall, "peak_rss_mb": round(peak_rss_mb(), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats of run() here")
    args = parser.parse_args()
    result = outcome(args.bench.resolve(), args.quick, args.profile)
    try:
        text = json.dumps(result, default=to_json)
    except (TypeError, ValueError) as err:
        text = json.dumps({"status": "failed", "reason": f"run() returned what JSON cannot store: {err}"})
    args.out.write_text(text)


if __name__ == "__main__":
    main()
