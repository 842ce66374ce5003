"""Text tables of a results document: stages (frames/s, ratio to target), metrics, status, comparisons."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Left-aligned text columns (numbers right-aligned) under a header and a rule."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [bool(rows) and all(_is_number(row[i]) for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths)] + [line(r) for r in cells]


def _is_number(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e6:
            return str(int(value))
        return f"{value:.3g}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def stage_lines(doc: dict) -> list[str]:
    """Table of every stage: benchmark, stage, variant, frames, frames/s, target, ratio (marked when < 1)."""
    rows = []
    for bench, entry in doc["benchmarks"].items():
        for s in (entry.get("result") or {}).get("stages", []):
            ratio = s.get("ratio")
            mark = "" if ratio is None else ("ok" if ratio >= 1.0 else "BELOW")
            rows.append([bench, s["stage"], s.get("variant", ""), s.get("frames"), s["fps"], s.get("target_fps"),
                         ratio, mark])
    return format_table(["benchmark", "stage", "variant", "frames", "frames/s", "target", "ratio", ""], rows)


def metric_lines(doc: dict) -> list[str]:
    """Table of every metric: benchmark, name, variant, value, unit, target."""
    rows = []
    for bench, entry in doc["benchmarks"].items():
        for m in (entry.get("result") or {}).get("metrics", []):
            rows.append([bench, m["name"], m.get("variant", ""), m["value"], m.get("unit", ""), m.get("target")])
    return format_table(["benchmark", "metric", "variant", "value", "unit", "target"], rows)


def status_lines(doc: dict) -> list[str]:
    """One line per benchmark: status, wall time and RSS high-water mark, or why it was skipped / failed."""
    lines = []
    for bench, entry in doc["benchmarks"].items():
        if entry["status"] == "ok":
            lines.append(f"{bench}: ok in {entry.get('wall_s')} s, peak RSS {entry.get('peak_rss_mb')} MB")
        else:
            lines.append(f"{bench}: {entry['status'].upper()}: {entry.get('reason')}")
        for note in (entry.get("result") or {}).get("notes", []):
            lines.append(f"  note: {note}")
    return lines


def compare_lines(rows: list[dict]) -> list[str]:
    """Table of a comparison (rows from ``results.compare``): old, new, new/old and the verdict."""
    table = [[r["benchmark"], r["name"], r["variant"], r["unit"], r["old"], r["new"], r["ratio"],
              "" if r["verdict"] == "same" else r["verdict"].upper()] for r in rows]
    return format_table(["benchmark", "figure", "variant", "unit", "old", "new", "new/old", ""], table)
