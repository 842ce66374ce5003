"""The report's pictures as PNG bytes (matplotlib, Agg canvas; no pyplot state)."""

from __future__ import annotations

import io

import numpy as np

from ned_core.evaluate.contact import ContactSheet
from ned_core.evaluate.pixels import pixel_distance
from ned_core.evaluate.results import EvalResults
from ned_core.exceptions import MetricUndefinedError, ReportDependencyError
from ned_core.face3d.channels import EMOTIONS

DIFF_SCALE = 32.0  # the contact sheet's difference heat map saturates at this RGB distance (0-255 scale)


def _figure(width: float, height: float):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ReportDependencyError(
            "the HTML report needs matplotlib: pip install 'matplotlib>=3.8,<3.12' (the text and JSON reports do not)"
        ) from None
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _finish(fig, ax) -> bytes:
    """Legend outside the plot on the right, then the PNG bytes."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    return _png(fig)


def _shade_speech(ax, frames: np.ndarray, speech: np.ndarray) -> None:
    for f, s in zip(frames, speech):
        if s:
            ax.axvspan(f - 0.5, f + 0.5, color="0.9", lw=0)


def _source_and_result(frames: np.ndarray, source: np.ndarray, result: np.ndarray, title: str, ylabel: str,
                       speech: np.ndarray | None = None) -> bytes:
    """One signal of source (solid) and result (dashed) over ``frames``, from 0 up; speech frames shaded."""
    fig = _figure(8, 3)
    ax = fig.add_subplot()
    if speech is not None:
        _shade_speech(ax, frames, speech)
    ax.plot(frames, source, label="source", color="tab:blue")
    ax.plot(frames, result, label="result", color="tab:orange", ls="--")
    ax.set_title(title)
    ax.set_xlabel("frame")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    return _finish(fig, ax)


def mouth_plot(results: EvalResults) -> bytes:
    """Mouth opening of source and result over time, speech frames shaded."""
    s, pcc = results.series, results.summary.mouth_pcc
    return _source_and_result(s.frames, s.mouth_source, s.mouth_result,
                              f"Mouth opening (PCC {'n/a' if pcc is None else f'{pcc:.3f}'}; grey = speech frames)",
                              "inner-lip gap / inter-ocular", speech=s.speech)


def emotion_plot(results: EvalResults) -> bytes:
    """Classifier probabilities of the result over time, the target emotion drawn thick."""
    s = results.series
    if s.emotion is None:
        raise MetricUndefinedError("emotion plot: these results have no emotion probabilities")
    fig = _figure(8, 3)
    ax = fig.add_subplot()
    for j, label in enumerate(EMOTIONS):
        target = label == results.target_emotion
        ax.plot(s.frames, s.emotion[:, j], label=label, lw=3 if target else 1.2, zorder=3 if target else 2)
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(f"Emotion probabilities of the result (target: {results.target_emotion or 'none'})")
    ax.set_xlabel("frame")
    ax.set_ylabel("probability")
    return _finish(fig, ax)


def distance_plot(results: EvalResults) -> bytes:
    """FAPD, APD and MAPD per frame."""
    s = results.series
    fig = _figure(8, 3)
    ax = fig.add_subplot()
    ax.plot(s.frames, s.fapd, label="FAPD (face)")
    ax.plot(s.frames, s.apd, label="APD (image)")
    ax.plot(s.frames, s.mapd, label=f"MAPD ({results.mapd_window}px mouth)")
    ax.set_title("Pixel distance to the source per frame (0-255 RGB, lower is closer)")
    ax.set_xlabel("frame")
    ax.set_ylabel("mean RGB distance")
    ax.set_ylim(bottom=0)
    return _finish(fig, ax)


def flicker_plot(results: EvalResults) -> bytes:
    """Face flicker per transition, source vs result."""
    s, ratio = results.series, results.summary.flicker_ratio
    title = f"Face change from the previous frame (ratio {'n/a' if ratio is None else f'{ratio:.2f}'})"
    return _source_and_result(s.frames[1:], s.flicker_source, s.flicker_result, title, "mean |difference| (0-255)")


def contact_plot(sheet: ContactSheet) -> bytes:
    """Rows of frames; columns source | result | per-pixel RGB distance as a heat map (0..DIFF_SCALE)."""
    rows = len(sheet.frames)
    fig = _figure(8, 2.5 * rows)
    axes = fig.subplots(rows, 3, squeeze=False)
    heat = None
    for r in range(rows):
        dist = pixel_distance(sheet.source[r], sheet.result[r])
        for c, title in enumerate(("source", "result", "RGB distance")):
            ax = axes[r, c]
            if c < 2:
                ax.imshow(sheet.source[r] if c == 0 else sheet.result[r])
            else:
                heat = ax.imshow(dist, cmap="magma", vmin=0.0, vmax=DIFF_SCALE)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(title)
            if c == 0:
                ax.set_ylabel(f"frame {int(sheet.frames[r])}")
    fig.colorbar(heat, ax=axes[:, 2], shrink=0.8, label=f"0-255 scale (saturates at {DIFF_SCALE:.0f})")
    return _png(fig)
