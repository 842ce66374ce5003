"""Reads docs/host_api.md, the one place that lists every host call the plugins make (tests keep it complete)."""

from __future__ import annotations

import re
from pathlib import Path

HOST_API_DOC = Path(__file__).parents[2] / "docs" / "host_api.md"


def documented(table: str) -> set:
    """The names quoted in the first column of the table under the ``### <table>`` heading
    (```nodes.Shuffle2` (`in1`, `mappings`)`` gives nodes, Shuffle2, in1, mappings)."""
    section = HOST_API_DOC.read_text().split(f"### {table}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for cell in cells for quoted in re.findall(r"`([^`]+)`", cell) for name in re.findall(r"\w+", quoted)}
