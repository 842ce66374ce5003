"""Results files (schema ``NedBenchmark.1``): build, save with a timestamp, load, and compare two runs.

Document layout::

    {"schema": "NedBenchmark.1", "created": "2025-01-31T12:00:00Z", "quick": true,
     "machine": {...describe_machine()...},
     "benchmarks": {name: {"status": "ok" | "skipped" | "failed", "reason": str (not ok),
                           "wall_s", "peak_rss_mb", "result": {...run(quick)...}}}}

Saved as ``<dir>/<YYYYmmddTHHMMSSZ>-<host>.json`` plus a copy ``<dir>/latest.json``.
"""

from __future__ import annotations

import json
import re
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from ned_core.io.atomic import atomic_write_bytes

from benchkit.errors import ResultsFileError

SCHEMA = "NedBenchmark.1"
CHANGE = 0.10  # a ratio further than this from 1 is flagged as a change when comparing


def to_json(value: object) -> object:
    """``json.dumps`` fallback: numpy scalars and arrays, paths and fractions as plain JSON values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (Path, Fraction)):
        return str(value)
    raise TypeError(f"benchmark result holds a {type(value).__name__}, which JSON cannot store")


def make_results(machine: dict, quick: bool, outcomes: dict[str, dict], created: float | None = None) -> dict:
    """The results document of one run (``outcomes`` as returned by ``run_in_child``, by name)."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created))
    return {"schema": SCHEMA, "created": stamp, "quick": quick, "machine": machine, "benchmarks": outcomes}


def save_results(doc: dict, directory: Path) -> Path:
    """Write ``doc`` atomically as ``<directory>/<timestamp>-<host>.json`` and ``latest.json``; returns the first."""
    stamp = doc["created"].replace("-", "").replace(":", "")
    host = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(doc["machine"].get("host") or "host"))
    data = json.dumps(doc, indent=1, default=to_json).encode()
    path = Path(directory) / f"{stamp}-{host}.json"
    atomic_write_bytes(path, data)
    atomic_write_bytes(Path(directory) / "latest.json", data)
    return path


def load_results(path: Path) -> dict:
    """Read a results file.

    Raises:
        ResultsFileError: missing, not JSON, or not a ``NedBenchmark.1`` document.
    """
    try:
        doc = json.loads(Path(path).read_text())
    except OSError as err:
        raise ResultsFileError(f"{path}: cannot read the results file: {err}") from err
    except json.JSONDecodeError as err:
        raise ResultsFileError(f"{path}: not JSON ({err}); pass a file written by run_all.py") from err
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if schema != SCHEMA or not isinstance(doc.get("benchmarks"), dict):
        raise ResultsFileError(f"{path}: expected a {SCHEMA} results document, got schema {schema!r}")
    return doc


def figures(doc: dict) -> dict[tuple[str, str, str], dict]:
    """Every stage and metric of a document by ``(benchmark, name, variant)``.

    Returns:
        ``{key: {"value", "unit", "better"}}``; stages give frames/s (higher is better).
    """
    out = {}
    for bench, entry in doc["benchmarks"].items():
        result = entry.get("result") or {}
        for s in result.get("stages", []):
            out[(bench, s["stage"], s.get("variant", ""))] = {"value": s["fps"], "unit": "frames/s",
                                                              "better": "higher"}
        for m in result.get("metrics", []):
            out[(bench, m["name"], m.get("variant", ""))] = {"value": m["value"], "unit": m.get("unit", ""),
                                                             "better": m.get("better", "lower")}
    return out


def compare(new: dict, old: dict) -> list[dict]:
    """Figures present in both runs, with ``ratio`` = new / old and a verdict.

    Returns:
        Rows ``{"benchmark", "name", "variant", "unit", "old", "new", "ratio", "verdict"}`` where verdict is
        "better" / "worse" when the ratio moved more than :data:`CHANGE` in the good / bad direction,
        else "same".
    """
    rows = []
    before = figures(old)
    for key, now in figures(new).items():
        if key not in before:
            continue
        was = before[key]["value"]
        ratio = now["value"] / was if was else None
        verdict = "same"
        if ratio is not None and abs(ratio - 1.0) > CHANGE:
            verdict = "better" if (ratio > 1.0) == (now["better"] == "higher") else "worse"
        rows.append({"benchmark": key[0], "name": key[1], "variant": key[2], "unit": now["unit"], "old": was,
                     "new": now["value"], "ratio": None if ratio is None else round(ratio, 3), "verdict": verdict})
    return rows


def machine_differences(new: dict, old: dict) -> list[str]:
    """What differs between the machines of two runs (CPU, cores, GPUs, host, quick mode)."""
    notes = []
    for key in ("host", "cpu", "usable_cores", "gpus"):
        if new["machine"].get(key) != old["machine"].get(key):
            notes.append(f"{key}: {old['machine'].get(key)} -> {new['machine'].get(key)}")
    if new.get("quick") != old.get("quick"):
        notes.append(f"quick mode: {old.get('quick')} -> {new.get('quick')} (different sizes and frame counts)")
    return notes
