"""Training logs: JSON lines (``train.jsonl``) and TensorBoard scalars, in the run's ``logs/`` folder."""

from __future__ import annotations

import json
import time
from pathlib import Path

from ned_core.training.tb_events import EventWriter


class TrainingLog:
    """Appends ``{"step", "kind", "time", <values>}`` lines and ``<kind>/<name>`` TensorBoard scalars.

    Args:
        folder: where the files go; ``None`` writes nothing (processes other than rank 0).
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._lines = None
        self._events = None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            self._lines = open(folder / "train.jsonl", "a", encoding="utf-8")
            self._events = EventWriter(folder)

    def write(self, step: int, kind: str, values: dict[str, float]) -> None:
        """Record ``values`` of ``kind`` (``"train"`` or ``"val"``) at iteration ``step``."""
        if self._lines is None:
            return
        self._lines.write(json.dumps({"step": step, "kind": kind, "time": round(time.time(), 3), **values}) + "\n")
        self._lines.flush()
        self._events.scalars(step, {f"{kind}/{k}": v for k, v in values.items()})

    def close(self) -> None:
        """Close the files."""
        if self._lines is not None:
            self._lines.close()
            self._events.close()
