"""Write an evaluation as a terminal table, JSON for scripts, and an HTML page with embedded plots."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

from ned_core.evaluate import plots
from ned_core.evaluate.contact import ContactSheet
from ned_core.evaluate.reference import PAPER_TABLE1
from ned_core.evaluate.results import EvalResults, to_json
from ned_core.io.atomic import atomic_write_bytes

PAPER_METHODS = tuple(row.method for row in PAPER_TABLE1)


@dataclass(frozen=True)
class ReportRow:
    """One metric line: name, better direction, this shot's value, the paper's figures (or blanks)."""

    metric: str
    better: str
    value: str
    paper: tuple[str, ...]


@dataclass(frozen=True)
class ReportFiles:
    """Paths written by :func:`write_report`."""

    table: Path
    json: Path
    html: Path
    images: tuple[Path, ...]


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "n/a" if x is None else format(x, spec)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def summary_rows(results: EvalResults) -> list[ReportRow]:
    """The report's metric lines, with the paper's Table 1 averages where the paper has the metric."""
    s = results.summary
    blank = ("",) * len(PAPER_TABLE1)
    fapd_ref = tuple(f"{row.fapd:.1f}" for row in PAPER_TABLE1)
    fid_ref = tuple(f"{row.fid:.1f}" for row in PAPER_TABLE1)
    return [
        ReportRow("FAPD (face pixels, 0-255)", "lower", _fmt(s.fapd), fapd_ref),
        ReportRow("APD (whole image, 0-255)", "lower", _fmt(s.apd), blank),
        ReportRow(f"MAPD ({results.mapd_window}px mouth window)", "lower", _fmt(s.mapd), blank),
        ReportRow("FID (identity features)", "lower", _fmt(s.fid), fid_ref),
        ReportRow("identity distance", "lower", _fmt(s.identity_distance, ".3f"), blank),
        ReportRow("mouth opening PCC", "higher", _fmt(s.mouth_pcc, ".3f"), blank),
        ReportRow(f"lip error / IOD ({s.speech_frames} speech fr.)", "lower", _fmt(s.lip_error, ".3f"), blank),
        ReportRow("face flicker vs source", "1 = same", _fmt(s.flicker_ratio), blank),
        ReportRow(f"emotion recognised ({results.target_emotion or 'no target'})", "higher",
                  _pct(s.emotion_rate), blank),
    ]


def _header(results: EvalResults) -> str:
    f = results.series.frames
    span = f"{int(f[0])}-{int(f[-1])}" if len(f) else "none"
    return (f"NED eval: {results.shot}  |  target: {results.target_emotion or 'none (self-translation)'}  |  "
            f"{len(f)} frames ({span})")


def format_table(results: EvalResults) -> str:
    """Plain-text table for a terminal (ASCII only)."""
    rows = summary_rows(results)
    head = ("metric", "better", "this shot") + tuple(f"{m}*" for m in PAPER_METHODS)
    body = [(r.metric, r.better, r.value) + r.paper for r in rows]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    out = [_header(results), "", line(head), "  ".join("-" * w for w in widths)]
    out += [line(b) for b in body]
    out += ["", "* paper Table 1 averages (self-translation)"]
    out += [f"note: {n}" for n in results.notes]
    return "\n".join(out) + "\n"


def _img(title: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,{data}"><figcaption>' \
           f"{html.escape(title)}</figcaption></figure>"


def render_html(results: EvalResults, images: dict[str, bytes]) -> str:
    """A self-contained HTML page: header, metric table, notes and the given PNGs (title -> bytes)."""
    rows = summary_rows(results)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ("metric", "better", "this shot",
                                                           *(f"{m}*" for m in PAPER_METHODS)))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in (r.metric, r.better, r.value, *r.paper))
                   + "</tr>" for r in rows)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in results.notes)
    figures = "".join(_img(title, png) for title, png in images.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>NED eval: {html.escape(results.shot)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #bbb;padding:.25em .6em;text-align:right}}td:first-child{{text-align:left}}
img{{max-width:100%}}figure{{margin:1.5em 0}}</style></head>
<body><h1>{html.escape(_header(results))}</h1>
<table><tr>{head}</tr>{body}</table>
<p>* paper Table 1 averages (self-translation).</p>
<ul>{notes}</ul>
{figures}
</body></html>
"""


def report_images(results: EvalResults, sheet: ContactSheet | None = None) -> dict[str, bytes]:
    """The report's PNGs, keyed by file stem: mouth, emotion (when measured), distance, flicker, contact."""
    images = {"mouth": plots.mouth_plot(results)}
    if results.series.emotion is not None:
        images["emotion"] = plots.emotion_plot(results)
    images["distance"] = plots.distance_plot(results)
    if len(results.series.flicker_source):
        images["flicker"] = plots.flicker_plot(results)
    if sheet is not None:
        images["contact"] = plots.contact_plot(sheet)
    return images


CAPTIONS = {
    "mouth": "Mouth opening, source vs result",
    "emotion": "Emotion probabilities over time",
    "distance": "Pixel distance per frame",
    "flicker": "Face flicker per frame",
    "contact": "Contact sheet: source | result | difference",
}


def write_report(results: EvalResults, out_dir: Path | str, sheet: ContactSheet | None = None,
                 stem: str = "eval") -> ReportFiles:
    """Write ``<stem>.txt``, ``<stem>.json``, ``<stem>.html`` and ``<stem>_<plot>.png`` into ``out_dir``.

    Every file is written atomically: a reader never sees a partial file.

    Raises:
        ReportDependencyError: matplotlib is missing (nothing is written).
    """
    out_dir = Path(out_dir)
    images = report_images(results, sheet)
    paths = ReportFiles(out_dir / f"{stem}.txt", out_dir / f"{stem}.json", out_dir / f"{stem}.html",
                        tuple(out_dir / f"{stem}_{key}.png" for key in images))
    for path, png in zip(paths.images, images.values()):
        atomic_write_bytes(path, png)
    atomic_write_bytes(paths.table, format_table(results).encode("utf-8"))
    atomic_write_bytes(paths.json, to_json(results).encode("utf-8"))
    page = render_html(results, {CAPTIONS[k]: v for k, v in images.items()})
    atomic_write_bytes(paths.html, page.encode("utf-8"))
    return paths
