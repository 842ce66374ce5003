"""The target's lips drawn from the source's lips alone: each lip band remapped column by column.

The warp's lip triangles run between the face mesh's four rows of each lip (outer edge, two middle rows, inner
edge). On a smile those rows cross in the source (the astronaut: the middle row 12 lies below the inner edge 13, on
the upper teeth), so where the target un-smiles the lip (sad, angry, disgusted) the triangles flip: the warp mirrors
the teeth into the lip band, or the whole face is triangulated afresh (``topology.warp_mesh``), and the lips came
out a dark, ragged rim with grey flecks around the gap (``lip_repair.py`` painting those teeth with the cavity's
colour; speaking astronaut disgusted, every open syllable).

Here every target pixel between a lip's outer edge and its visible inner edge (``lip_snap.py``) takes the source
pixel at the same share of the way between the source lip's outer and visible inner edges, in the column at the
same place along the lip (the outer edge's points, corner to corner): the lip is stretched or squeezed as a whole,
its rows never cross, and no tooth or cavity pixel of the source is sampled. Where the target lip equals the
source's, this is the identity. Where the target closes the source's opening (``closing``), the columns sampled are
drawn in from the smile's thinned corners to where the source lip has some height, and target columns parted less
than :data:`CLOSED_IOD` are drawn as lips meeting (the smile's dark corners otherwise stayed inside the lips).

Only where the target raises the upper lip (disgust, AU10) over a mouth it closes down (``lip_repair.repair_weight``;
:func:`redraw_raised_lips`; happy's lip lift over a widened mouth keeps the warp), with the teeth under it
shown rather than darkened (``lip_repair.repair_lips``' ``darken``): its open syllables' lips came out clean lips
over a row of teeth instead of the dark, ragged rim (speaking astronaut disgusted: fer 42 % either way, mouth PCC
0.93 -> 0.92). Drawn so for every target that closes a smile down, fer lost sad on the speaking astronaut (75 -> 58 %:
the darkened rim is part of what it reads as a sad mouth).
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.render.lip_snap import snap_inner_lips
from ned_core.render.warp import remap

UPPER_OUTER = (LIPS_OUTER[0], *LIPS_OUTER[19:10:-1], LIPS_OUTER[10])  # corner, 185 .. 409, corner
UPPER_INNER = (LIPS_INNER[0], *LIPS_INNER[19:10:-1], LIPS_INNER[10])
LOWER_OUTER = LIPS_OUTER[:11]  # corner, 146 .. 375, corner
LOWER_INNER = LIPS_INNER[:11]
MIN_HEIGHT_PX = 0.5  # a lip column thinner than this (either face) is left to the warp
SOURCE_LIP_PX = 1.0  # a closing target samples no source column whose lip is lower than this (see _lip_span)
CLOSED_IOD = 0.05  # a target column parted less than this (IOD) is drawn as lips meeting, as far as it closes


def _line(points: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """y of the polyline through ``points (K, 2)`` (sorted by x here) at ``xs``, clamped beyond its ends."""
    order = np.argsort(points[:, 0])
    return np.interp(xs, points[order, 0], points[order, 1])


def _lip_span(src: np.ndarray, outer: tuple[int, ...], inner: tuple[int, ...], closing: float) -> tuple[float, float]:
    """The x range of the source columns a band may sample: from corner to corner, drawn in by ``closing`` (0..1)
    to the outermost columns where the source lip is at least :data:`SOURCE_LIP_PX` high (nearer the corners a
    smile's lip thins to a line over the cavity's dark corners and the teeth)."""
    s_out = src[list(outer)]
    lo, hi = float(s_out[:, 0].min()), float(s_out[:, 0].max())
    if closing <= 0.0 or hi - lo < 1.0:
        return lo, hi
    xs = np.arange(lo, hi, 0.5)
    height = np.abs(_line(src[list(inner)], xs) - _line(s_out, xs))
    lip = np.flatnonzero(height >= SOURCE_LIP_PX)
    if len(lip) == 0:
        return lo, hi
    return lo + closing * (float(xs[lip[0]]) - lo), hi + closing * (float(xs[lip[-1]]) - hi)


def band_maps(src: np.ndarray, dst: np.ndarray, window: tuple[int, int, int, int], outer: tuple[int, ...],
              inner: tuple[int, ...], closing: float = 0.0, edge: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(qx, qy, alpha)``, each ``(y1 - y0, x1 - x0) float32`` over ``window`` (frame pixels): the source position
    each target pixel of one lip band takes, and how much of the pixel lies in the band (0..1, a pixel's soft edge).

    Args:
        src, dst: ``(>= 468, 2) float64`` source and target landmarks (visible inner edges), frame pixels.
        window: ``(x0, y0, x1, y1)``.
        outer, inner: the band's outer and inner edge, corner to corner (:data:`UPPER_OUTER` ...).
        closing: 0..1 how far the target closes the source's opening: the source columns sampled are drawn in,
            that far, to the source's columns of usable lip (:func:`_lip_span`).
        edge: ``(x1 - x0,)`` y of the target band's inner edge at each column (:func:`closed_edges`), None: the
            target's inner lip.
    """
    x0, y0, x1, y1 = window
    xs = np.arange(x0, x1, dtype=np.float64)
    ys = np.arange(y0, y1, dtype=np.float64)[:, None]
    d_out, s_out = dst[list(outer)], src[list(outer)]
    ranks = np.arange(len(outer), dtype=np.float64)
    at = np.interp(xs, d_out[:, 0], ranks)  # the outer edge's points run corner to corner in x
    sx = np.interp(at, ranks, s_out[:, 0])
    sx = np.clip(sx, *_lip_span(src, outer, inner, closing))
    yo_d = _line(d_out, xs)
    yi_d = _line(dst[list(inner)], xs) if edge is None else edge
    yo_s, yi_s = _line(s_out, sx), _line(src[list(inner)], sx)
    h_d, h_s = yi_d - yo_d, yi_s - yo_s
    usable = (np.abs(h_s) >= MIN_HEIGHT_PX) & (h_d * h_s > 0)
    share = (ys - yo_d) / np.where(usable, h_d, 1.0)
    qy = yo_s + share * h_s  # the soft edges half a pixel beyond the band: as the warp would
    depth = (ys - yo_d) * np.sign(h_d)  # pixels into the band from the outer edge
    alpha = np.clip(depth + 0.5, 0.0, 1.0) * np.clip(np.abs(h_d) - depth + 0.5, 0.0, 1.0) * usable
    qx = np.broadcast_to(sx, alpha.shape)
    return qx.astype(np.float32), qy.astype(np.float32), alpha.astype(np.float32)


def closed_edges(dst: np.ndarray, xs: np.ndarray, closing: float) -> tuple[np.ndarray, np.ndarray]:
    """``((W,), (W,))`` y of the target's upper and lower band inner edges at columns ``xs``: the inner lips, drawn
    together to the line where they meet by ``closing`` (0..1) where the target parts them less than
    :data:`CLOSED_IOD` (smoothly, fully at 0): such a column is lips, not a sliver of the source's interior (a
    smile's dark corners, carried into a mouth the target closes down)."""
    upper, lower = _line(dst[list(UPPER_INNER)], xs), _line(dst[list(LOWER_INNER)], xs)
    limit = CLOSED_IOD * float(interocular_distance(dst))
    pull = closing * np.clip(1.0 - (lower - upper) / limit, 0.0, 1.0) ** 2
    meet = 0.5 * (upper + lower)
    return upper + pull * (meet - upper), lower + pull * (meet - lower)


def remap_lip_bands(rgb: np.ndarray, box: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray,
                    dst: np.ndarray, maps: tuple[np.ndarray, np.ndarray], closing: float = 0.0
                    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The warped face ``rgb`` with both lip bands redrawn from the source's lips (see the module docstring).

    Args:
        rgb: ``(h, w, 3) float32`` warped face over ``box``.
        box: ``(x0, y0, x1, y1)`` frame pixels.
        frame: ``(H, W, 3) float32`` source frame.
        src, dst: ``(>= 468, 2) float64`` landmarks with the visible inner-lip edges (``lip_snap.snap_inner_lips``).
        maps: ``(map_x, map_y)`` ``(h, w) float32`` the source positions sampled for ``rgb``.
        closing: 0..1 how far the target closes the source's opening (:func:`band_maps`).

    Returns:
        ``(rgb, maps)``: new arrays where a band was redrawn (the maps take the band's positions where its pixels
        are mostly in the band), else the ones given.
    """
    bx0, by0, bx1, by1 = box
    lips = dst[list(LIPS_OUTER)]
    x0, y0 = max(int(np.floor(lips[:, 0].min())) - 1, bx0), max(int(np.floor(lips[:, 1].min())) - 1, by0)
    x1, y1 = min(int(np.ceil(lips[:, 0].max())) + 2, bx1), min(int(np.ceil(lips[:, 1].max())) + 2, by1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return rgb, maps
    out, map_x, map_y = rgb.copy(), maps[0].copy(), maps[1].copy()
    inner = (slice(y0 - by0, y1 - by0), slice(x0 - bx0, x1 - bx0))
    edges = closed_edges(dst, np.arange(x0, x1, dtype=np.float64), closing)
    for (outer_ids, inner_ids), edge in zip(((UPPER_OUTER, UPPER_INNER), (LOWER_OUTER, LOWER_INNER)), edges):
        qx, qy, alpha = band_maps(src, dst, (x0, y0, x1, y1), outer_ids, inner_ids, closing, edge)
        if not alpha.any():
            continue
        drawn = remap(frame, qx, qy)
        out[inner] += alpha[:, :, None] * (drawn - out[inner])
        taken = alpha >= 0.5
        map_x[inner][taken], map_y[inner][taken] = qx[taken], qy[taken]
    return out, (map_x, map_y)


def redraw_raised_lips(rgb: np.ndarray, box: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray,
                       dst: np.ndarray, maps: tuple[np.ndarray, np.ndarray], closing: float, raised: float
                       ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Both lip bands redrawn (:func:`remap_lip_bands`) as far as the target raises the upper lip.

    Args:
        rgb, box, frame, maps, closing: as for :func:`remap_lip_bands`.
        src, dst: ``(>= 468, 2) float64`` landmarks, frame pixels (as tracked and directed).
        raised: 0..1 how far the target raises the upper lip (1 - ``smile_relax.fold_share``) over a mouth it
            closes down (times ``lip_repair.repair_weight``).

    Returns:
        ``(rgb, maps, (src, dst))``: the maps are the bands' from half the weight on, and the landmarks with the
        visible inner-lip edges (``lip_snap.snap_inner_lips``) that the mouth's later steps draw against; ``rgb``,
        ``maps`` and the landmarks as given where ``raised`` is 0.
    """
    if raised <= 0.0:
        return rgb, maps, (src, dst)
    lips = snap_inner_lips(frame, src, dst)
    banded, band_maps = remap_lip_bands(rgb, box, frame, *lips, maps, closing)
    return rgb + raised * (banded - rgb), (band_maps if raised >= 0.5 else maps), lips
