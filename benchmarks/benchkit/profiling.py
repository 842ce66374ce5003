"""Summaries of the cProfile dumps that ``run_all.py --profile`` writes: where a benchmark's time goes."""

from __future__ import annotations

import io
import pstats
from pathlib import Path


def profile_summary(path: Path, top: int = 20) -> str:
    """The ``top`` functions of a cProfile dump by own time, then by cumulative time, as text."""
    parts = []
    for key in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(str(path), stream=stream).strip_dirs().sort_stats(key).print_stats(top)
        lines = [line for line in stream.getvalue().splitlines() if line.strip()]
        table = lines[next(i for i, line in enumerate(lines) if "ncalls" in line):]
        parts.append(f"-- {path.stem}: top {top} by {key} --\n" + "\n".join(table))
    return "\n".join(parts)
