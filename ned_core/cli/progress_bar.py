"""Show pipeline ProgressEvents as tqdm bars on stderr (one bar per stage: frames, fps, ETA)."""

from __future__ import annotations

import sys

from tqdm import tqdm

from ned_core.progress import ProgressEvent


_FORMAT = "{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} frames [{elapsed}{postfix}]"


class ProgressBars:
    """A ProgressCallback drawing one tqdm bar per stage; use as a context manager."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._bars: dict[str, tqdm] = {}

    def __call__(self, event: ProgressEvent) -> None:
        if not self.enabled:
            return
        bar = self._bars.get(event.stage)
        if bar is None:
            for other in self._bars.values():  # stages run one after another
                other.close()
            bar = self._bars[event.stage] = tqdm(total=event.total, desc=f"{event.stage:9}", file=sys.stderr,
                                                 dynamic_ncols=True, leave=True, bar_format=_FORMAT)
        bar.total = event.total
        eta = "--" if event.eta_s is None else f"{event.eta_s:.0f}s"
        bar.set_postfix_str(f"{event.fps:.1f} fps, ETA {eta}", refresh=False)
        bar.update(event.done - bar.n)

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in self._bars.values():
            bar.close()
