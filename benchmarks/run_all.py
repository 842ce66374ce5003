"""Run every benchmark (``bench_*.py`` here), print frames/s per stage and the machine, save JSON results.

Usage::

    python benchmarks/run_all.py [--quick] [--only NAME ...] [--compare benchmarks/results/baseline.json]
                                 [--profile] [--results-dir DIR] [--bench-dir DIR] [--timeout S]

Each ``bench_<name>.py`` exposes ``run(quick: bool) -> dict`` (see ``benchkit/records.py``) and runs
in its own process, so its peak RSS is its own and a broken one is skipped with the reason. Results go
to ``<results-dir>/<timestamp>-<host>.json`` and ``latest.json`` (schema ``NedBenchmark.1``). Exit
status 1 when a benchmark failed (skips do not count), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchkit.discover import find_benchmarks, run_in_child, select_benchmarks
from benchkit.errors import BenchmarkError
from benchkit.machine import describe_machine, machine_lines
from benchkit.profiling import profile_summary
from benchkit.report import compare_lines, metric_lines, stage_lines, status_lines
from benchkit.results import compare, load_results, machine_differences, make_results, save_results

HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few frames (about a minute in all)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks (e.g. analysis io)")
    parser.add_argument("--compare", type=Path, metavar="RESULTS.json", help="print ratios against an earlier run")
    parser.add_argument("--profile", action="store_true",
                        help="run each benchmark under cProfile; print the top functions, keep the .prof files")
    parser.add_argument("--results-dir", type=Path, default=HERE / "results")
    parser.add_argument("--bench-dir", type=Path, default=HERE, help="where the bench_*.py modules are")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds allowed per benchmark")
    return parser.parse_args(argv)


def print_block(title: str, lines: list[str]) -> None:
    print(f"\n== {title} ==")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        chosen = select_benchmarks(find_benchmarks(args.bench_dir), args.only)
        baseline = load_results(args.compare) if args.compare else None
    except BenchmarkError as err:
        print(f"run_all: {err}", file=sys.stderr)
        return 2
    started = time.time()
    machine = describe_machine()
    print_block("machine", machine_lines(machine))
    outcomes, profiles = {}, {}
    with tempfile.TemporaryDirectory(prefix="ned-bench-") as scratch:
        for name, path in chosen.items():
            print(f"\n-- {name} ({path.name}){' quick' if args.quick else ''} --", flush=True)
            profile = args.results_dir / "profiles" / f"{name}.prof" if args.profile else None
            if profile:
                profile.parent.mkdir(parents=True, exist_ok=True)
            outcomes[name] = run_in_child(path, args.quick, Path(scratch) / f"{name}.json", args.timeout, profile)
            if profile and profile.is_file():
                profiles[name] = profile
            print(f"{name}: {outcomes[name]['status']}", flush=True)
    doc = make_results(machine, args.quick, outcomes, started)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    saved = save_results(doc, args.results_dir)
    for name, profile in profiles.items():
        print_block(f"profile of {name} ({profile})", [profile_summary(profile)])
    print_block("machine", machine_lines(machine))
    print_block("benchmarks", status_lines(doc))
    print_block("stages (frames/s; ratio = frames/s / target)", stage_lines(doc))
    print_block("metrics", metric_lines(doc))
    if baseline is not None:
        print_block(f"compared with {args.compare} ({baseline['created']})", compare_lines(compare(doc, baseline)))
        for note in machine_differences(doc, baseline):
            print(f"  machine differs: {note}")
    print(f"\nresults: {saved} (and {args.results_dir / 'latest.json'}) in {time.time() - started:.0f} s")
    return 1 if any(o["status"] == "failed" for o in outcomes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
