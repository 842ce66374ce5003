"""Run one benchmark module on its own: ``python benchmarks/bench_<name>.py [--quick] [--json PATH]``."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from benchkit.machine import describe_machine, machine_lines
from benchkit.memory import peak_rss_mb
from benchkit.report import metric_lines, stage_lines, status_lines
from benchkit.results import to_json


def main(name: str, run: Callable[[bool], dict], description: str, argv: list[str] | None = None) -> dict:
    """Parse ``--quick`` / ``--json``, call ``run(quick)``, print the machine and the tables.

    Returns:
        ``run``'s result (also written to ``--json PATH`` when given).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small sizes and few frames")
    parser.add_argument("--json", type=Path, default=None, help="also write the result dict here")
    args = parser.parse_args(argv)
    print("\n".join(machine_lines(describe_machine())))
    start = time.perf_counter()
    result = run(args.quick)
    entry = {"status": "ok", "result": result, "wall_s": round(time.perf_counter() - start, 1),
             "peak_rss_mb": round(peak_rss_mb(), 1)}
    doc = {"benchmarks": {name: entry}}
    for lines in (stage_lines(doc), metric_lines(doc), status_lines(doc)):
        print("\n" + "\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=to_json))
    return result
