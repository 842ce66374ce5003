"""What a benchmark's ``run(quick)`` returns: stage records (frames/s) and metric records, and timers.

A benchmark module ``benchmarks/bench_<name>.py`` exposes ``run(quick: bool) -> dict`` returning::

    {"title": "one line",                      # optional
     "config": {...},                          # what was measured: sizes, frame counts, settings
     "stages": [stage(...), ...],              # throughput figures, compared across runs
     "metrics": [metric(...), ...],            # any other figure: jitter, sizes, memory, MB/s
     "notes": ["..."]}                         # optional remarks printed under the table

Every key is optional; other keys are kept in the results file as they are.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Literal, TypeVar

Better = Literal["higher", "lower"]
T = TypeVar("T")


def stage(name: str, frames: int, seconds: float, variant: str = "", target_fps: float | None = None) -> dict:
    """One throughput figure: ``frames`` processed in ``seconds``.

    Args:
        name: the stage ("analysis", "fit", "decode+colour", ...).
        frames: frames processed (shot frames: a frame with three faces counts once).
        seconds: time spent in the stage alone.
        variant: what distinguishes this measurement ("1080p, 1 face", "EXR zip").
        target_fps: the goal, when there is one; ``ratio`` = fps / target.

    Returns:
        ``{"stage", "variant", "frames", "seconds", "fps", "target_fps", "ratio"}``.
    """
    fps = frames / seconds if seconds > 0 else float("inf")
    return {"stage": name, "variant": variant, "frames": int(frames), "seconds": round(seconds, 4),
            "fps": round(fps, 2), "target_fps": target_fps,
            "ratio": None if target_fps is None else round(fps / target_fps, 3)}


def metric(name: str, value: float, unit: str, variant: str = "", better: Better = "lower",
           target: float | None = None) -> dict:
    """One figure other than frames/s.

    Args:
        name: what it is ("jitter raw", "file size", "peak RSS").
        value: the figure.
        unit: its unit ("% IOD", "KB", "MB", "ms").
        variant: what distinguishes this measurement.
        better: whether higher or lower values are better (used when comparing runs).
        target: the goal, when there is one; ``ratio`` is value / target.

    Returns:
        ``{"name", "variant", "value", "unit", "better", "target", "ratio"}``.
    """
    return {"name": name, "variant": variant, "value": round(float(value), 4), "unit": unit, "better": better,
            "target": target, "ratio": None if not target else round(float(value) / target, 3)}


class Stopwatch:
    """Accumulates the time spent inside ``with watch:`` blocks (perf_counter)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._start


class TimedSource(Iterable[T]):
    """Wraps an iterable and counts the time spent producing its items (``producer.seconds``).

    Lets a stage be timed on a lazily built source: stage time = wall time - ``producer.seconds``.
    """

    def __init__(self, items: Iterable[T]) -> None:
        self._items = items
        self.producer = Stopwatch()
        self.count = 0

    def __iter__(self) -> Iterator[T]:
        it = iter(self._items)
        while True:
            with self.producer:
                try:
                    item = next(it)
                except StopIteration:
                    return
            self.count += 1
            yield item
