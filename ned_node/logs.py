"""Structured logs: one JSON object per line (time, level, logger, message, and fields such as job_id)."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

#: Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Formats records as JSON lines; ``static`` fields (e.g. the worker number) go into every line."""

    def __init__(self, static: dict | None = None):
        super().__init__()
        self.static = dict(static or {})

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": round(record.created, 6),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **self.static,
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO", log_file: Path | None = None, **static) -> None:
    """Sends every log record of this process as JSON lines to stderr (or appends them to ``log_file``)."""
    handler: logging.Handler = (logging.FileHandler(log_file, encoding="utf-8") if log_file is not None
                                else logging.StreamHandler(sys.stderr))
    handler.setFormatter(JsonFormatter(static))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
