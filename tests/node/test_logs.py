"""Structured logs: one JSON object per line, with the fields given to the log call."""

from __future__ import annotations

import json
import logging

from ned_node.logs import configure_logging


def test_json_lines_with_fields(tmp_path):
    path = tmp_path / "node.log"
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("INFO", path, worker=3)
    try:
        log = logging.getLogger("ned_node.test")
        log.info("job finished", extra={"job_id": "j1", "frames_done": 4})
        log.debug("not shown")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("job failed", extra={"job_id": "j2"})
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["msg"], e["level"], e["job_id"], e["worker"]) for e in lines] == [
        ("job finished", "info", "j1", 3), ("job failed", "error", "j2", 3)]
    assert lines[0]["frames_done"] == 4 and lines[0]["logger"] == "ned_node.test"
    assert "ValueError: boom" in lines[1]["traceback"]
    assert lines[0]["time"].endswith("Z")
