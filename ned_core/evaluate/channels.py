"""Requested vs achieved activation per expression channel: what the edit asked for, what the output shows.

The result is read twice, each fitted with the source's own rest shape and compared with the source's
fit, so every figure is in the units the director works in:

* ``moved``: the source's landmarks carried by the dense optical flow from the source frame to the
  result frame (what the pixels did: the renderer's achievement, whatever a face tracker sees);
* ``achieved``: the result re-analysed by MediaPipe (what a tracker, and the next tool in the chain,
  reads: MediaPipe's mesh follows brows and lids only partly, so upper-face units read low here).

``requested`` is the director's change on the same source fit. ``moved`` far short of ``requested``
points at the renderer; ``achieved`` short of ``moved`` at the reading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.exceptions import ShapeError
from ned_core.face3d.embedded import EmbeddedFaceModel
from ned_core.face3d.types import FitResult

#: width in pixels the face is scaled to for the optical flow (small faces move by too few pixels to measure).
FLOW_FACE_PX = 480.0
#: channels whose requested or achieved mean change is below this (activation units) are not reported.
REPORT_THRESHOLD = 0.05


@dataclass(frozen=True)
class ChannelReport:
    """Per channel, mean over the shot's frames.

    Attributes:
        names: ``K`` channel names.
        source: ``(K,)`` the source's activation. requested: ``(K,)`` the director's change.
        moved: ``(K,)`` the change the pixels show (optical flow). achieved: ``(K,)`` the change the
            re-analysed result shows (MediaPipe).
    """

    names: tuple[str, ...]
    source: np.ndarray
    requested: np.ndarray
    moved: np.ndarray
    achieved: np.ndarray

    FIELDS = ("source", "requested", "moved", "achieved")

    def rows(self, threshold: float = REPORT_THRESHOLD) -> list[tuple[str, float, float, float, float]]:
        """``(name, source, requested, moved, achieved)`` for channels with a change of at least ``threshold``."""
        changes = np.stack([self.requested, self.moved, self.achieved])
        keep = np.any(np.abs(changes) >= threshold, axis=0)
        return [(n, *(float(getattr(self, f)[i]) for f in self.FIELDS))
                for i, n in enumerate(self.names) if keep[i]]

    def as_dict(self) -> dict[str, dict[str, float]]:
        """``{channel: {"source", "requested", "moved", "achieved"}}`` for every channel (JSON)."""
        return {n: {f: float(getattr(self, f)[i]) for f in self.FIELDS} for i, n in enumerate(self.names)}


def flowed_landmarks(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The source's landmarks carried to where the result's pixels put them (dense optical flow, DIS).

    Args:
        source, result: ``(T, H, W, 3) uint8`` frames. landmarks: ``(T, N, 3)`` source landmarks, pixels.

    Returns:
        ``(T, N, 3) float64``: x, y moved by the flow from source to result at each point; z kept.
    """
    flow_of = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    out = np.array(landmarks, dtype=np.float64, copy=True)
    for t, (src, res) in enumerate(zip(source, result)):
        height, width = src.shape[:2]
        pts = out[t, :, :2]
        pad = 0.1 * float(np.ptp(pts[:, 0]))
        x0, y0 = (max(int(v - pad), 0) for v in pts.min(axis=0))
        x1, y1 = int(min(pts[:, 0].max() + pad, width)), int(min(pts[:, 1].max() + pad, height))
        scale = FLOW_FACE_PX / max(float(np.ptp(pts[:, 0])), 1.0)  # flow on a face of a fixed size
        grey = [cv2.resize(cv2.cvtColor(np.ascontiguousarray(im[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY), None,
                           fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
                for im in (src, res)]
        flow = flow_of.calc(grey[0], grey[1], None)
        at = ((pts - (x0, y0)) * scale).astype(np.float32)
        for axis in range(2):
            out[t, :, axis] += cv2.remap(flow[:, :, axis], at[None, :, 0], at[None, :, 1], cv2.INTER_LINEAR,
                                         borderMode=cv2.BORDER_REPLICATE)[0] / scale
    return out


def channel_report(model: EmbeddedFaceModel, source: np.ndarray, result: np.ndarray, source_landmarks: np.ndarray,
                   result_landmarks: np.ndarray, direct: Callable[[FitResult], np.ndarray]) -> ChannelReport:
    """Requested vs moved vs achieved change per channel (see the module docstring).

    Args:
        model: the embedded face model.
        source, result: ``(T, H, W, 3) uint8`` frames.
        source_landmarks, result_landmarks: ``(T, N >= 468, 3)`` re-analysed landmarks of source and result.
        direct: the render's direction applied to a fit of these frames -> directed ``(T, K)`` (e.g.
            ``pipeline.directing.direct_track`` with the render's director, schedule and seed).

    Raises:
        ShapeError: the landmark arrays differ in frame count or are not ``(T, N, 3)``.
    """
    src, res = np.asarray(source_landmarks), np.asarray(result_landmarks)
    if src.ndim != 3 or src.shape[2] != 3 or res.shape[:1] != src.shape[:1] or res.ndim != 3:
        raise ShapeError("channel report: source and result landmarks", "two (T, N, 3) arrays", (src.shape, res.shape))
    source_fit = _source_fit(model, src)
    result_fit = model.fit(res, identity=source_fit.identity)
    moved_fit = model.fit(flowed_landmarks(source, result, src), identity=source_fit.identity)
    directed = np.asarray(direct(source_fit), np.float64)
    expr = source_fit.expression.astype(np.float64)
    return ChannelReport(tuple(model.channel_names), expr.mean(axis=0), (directed - expr).mean(axis=0),
                         (moved_fit.expression - expr).mean(axis=0), (result_fit.expression - expr).mean(axis=0))


def _source_fit(model: EmbeddedFaceModel, landmarks: np.ndarray) -> FitResult:
    """The source's fit (a single frame with the mean identity: one frame cannot tell identity from expression)."""
    return model.fit(landmarks, identity=None if len(landmarks) > 1 else model.mean_identity)


def requested_meshes(model: EmbeddedFaceModel, source_landmarks: np.ndarray,
                     direct: Callable[[FitResult], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The face model's image-space meshes of the source's fit and of the directed fit: ``(T, 468, 3)`` each.

    Their difference is what the direction asks of every point (``feature_motion.feature_report``'s requested
    column); ``source_landmarks`` and ``direct`` as for :func:`channel_report`.
    """
    fit = _source_fit(model, np.asarray(source_landmarks))
    return model.reconstruct(fit), model.reconstruct(fit, np.asarray(direct(fit), np.float64))


def format_channels(report: ChannelReport) -> str:
    """A plain-text table of :meth:`ChannelReport.rows`."""
    lines = [f"{'channel':22s} {'source':>7s} {'requested':>9s} {'moved':>7s} {'achieved':>8s}"]
    lines += [f"{n:22s} {s:7.2f} {r:+9.2f} {m:+7.2f} {a:+8.2f}" for n, s, r, m, a in report.rows()]
    return "\n".join(lines)
