"""Progress events for long operations: frames done, fps, ETA; consumed by the CLI and the render node."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    """One progress update of a stage over a shot."""

    stage: str  # "analysis", "fit", "direct", "render", "write", ...
    done: int  # frames finished in this stage
    total: int  # frames the stage will process
    fps: float  # frames per second so far in this stage
    eta_s: float | None  # seconds left in this stage (None until measurable)


ProgressCallback = Callable[[ProgressEvent], None]


def no_progress(event: ProgressEvent) -> None:
    """The default callback: ignore progress."""


class StageTimer:
    """Turns "one more frame done" into ProgressEvents for a callback (rate-limited to ``min_interval`` s)."""

    def __init__(self, stage: str, total: int, callback: ProgressCallback | None, min_interval: float = 0.1,
                 clock: Callable[[], float] = time.perf_counter, already: int = 0):
        """``already``: frames of ``total`` done before (a resumed job): counted as done, not in the fps."""
        self.stage, self.total = stage, total
        self.callback = callback or no_progress
        self.min_interval, self.clock = min_interval, clock
        self.start = clock()
        self.done = self.already = already
        self._last_emit = -float("inf")

    def event(self) -> ProgressEvent:
        elapsed = max(self.clock() - self.start, 1e-9)
        fps = (self.done - self.already) / elapsed
        eta = (self.total - self.done) / fps if fps > 0 else None
        return ProgressEvent(self.stage, self.done, self.total, fps, eta)

    def step(self, n: int = 1) -> None:
        """Count ``n`` more frames done; emit an event if due (always at the last frame)."""
        self.done += n
        now = self.clock()
        if self.done >= self.total or now - self._last_emit >= self.min_interval:
            self._last_emit = now
            self.callback(self.event())
