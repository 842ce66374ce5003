"""The warp's backward map over the face box: coarse grid + interpolation, exact around the lips and eyes."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LEFT_EYE, LIPS_OUTER, RIGHT_EYE
from ned_core.render.topology import WarpMesh
from ned_core.render.warp import backward_map, destination_triangles

FEATURES = (LIPS_OUTER, RIGHT_EYE, LEFT_EYE)  # where edits bend the field sharply (lip line, lids)


def coarse_field(mesh: WarpMesh, box: tuple[int, int, int, int], step: int) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """The mesh's backward map over ``box``, evaluated every ``step`` pixels and bilinearly interpolated.

    Interpolating the displacement (not the absolute position) keeps an identity warp exact; the
    field is piecewise affine on triangles many pixels wide, so away from sharp features a few
    pixels' spacing is indistinguishable from the exact map at a fraction of the cost.

    Returns:
        ``(map_x, map_y, inside)``: ``(h, w) float32`` source coordinates and ``(h, w) float32``
        0..1 mesh coverage.
    """
    x0, y0, x1, y1 = box
    if step == 1:
        field = backward_map(mesh.src, mesh.dst, mesh.triangles, box)
        return field.map_x, field.map_y, field.inside.astype(np.float32)
    w, h = x1 - x0, y1 - y0
    cw, ch = -(-w // step), -(-h // step)
    # cv2.resize's pixel-centre convention: coarse node (i, j) sits at box pixel ((i + 0.5) * step - 0.5, ...)
    nodes = (mesh.dst - (x0, y0) + 0.5) / step - 0.5
    coarse = backward_map(mesh.src, nodes, mesh.triangles, (0, 0, cw, ch))
    gx = (x0 - 0.5 + step * (np.arange(cw, dtype=np.float32) + 0.5))[None, :]
    gy = (y0 - 0.5 + step * (np.arange(ch, dtype=np.float32) + 0.5))[:, None]
    inside = coarse.inside.astype(np.float32)  # outside the mesh the coarse map is the identity in node units
    size = (cw * step, ch * step)
    fine = [cv2.resize(c, size, interpolation=cv2.INTER_LINEAR)[:h, :w]
            for c in ((coarse.map_x - gx) * inside, (coarse.map_y - gy) * inside, inside)]
    xs = np.arange(x0, x1, dtype=np.float32)[None, :]
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    return fine[0] + xs, fine[1] + ys, np.ascontiguousarray(fine[2])


def field_step(spacing: float, face_px: float) -> int:
    """Grid spacing in pixels (at least 1) of the field for a face ``face_px`` wide; ``spacing`` is
    ``RenderConfig.field_spacing``."""
    return max(1, round(spacing * face_px))


def feature_windows(mesh: WarpMesh, box: tuple[int, int, int, int], pad: float) -> list[tuple[int, int, int, int]]:
    """Pixel windows (inside ``box``) around the lips and eyes of source and target, grown by ``pad`` px."""
    windows = []
    for feature in FEATURES:
        pts = np.vstack([mesh.src[list(feature)], mesh.dst[list(feature)]])
        lo, hi = np.floor(pts.min(axis=0) - pad).astype(int), np.ceil(pts.max(axis=0) + pad).astype(int) + 1
        win = (max(int(lo[0]), box[0]), max(int(lo[1]), box[1]), min(int(hi[0]), box[2]), min(int(hi[1]), box[3]))
        if win[2] > win[0] and win[3] > win[1]:
            windows.append(win)
    return windows


def warp_field(mesh: WarpMesh, box: tuple[int, int, int, int], step: int, pad: float) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """:func:`coarse_field`, made exact in the :func:`feature_windows` (only triangles meeting a window
    are rasterised there, so the refinement costs little).

    Returns:
        ``(map_x, map_y, inside)`` as :func:`coarse_field`.
    """
    map_x, map_y, inside = coarse_field(mesh, box, step)
    if step == 1:
        return map_x, map_y, inside
    destination = destination_triangles(mesh.dst, mesh.triangles)  # once for every window's triangles
    lo, hi = destination.corners.min(axis=1), destination.corners.max(axis=1)
    for wx0, wy0, wx1, wy1 in feature_windows(mesh, box, pad):
        near = (hi[:, 0] >= wx0 - 1) & (lo[:, 0] <= wx1) & (hi[:, 1] >= wy0 - 1) & (lo[:, 1] <= wy1)
        exact = backward_map(mesh.src, mesh.dst, mesh.triangles[near], (wx0, wy0, wx1, wy1),
                             destination.subset(near))
        sub = (slice(wy0 - box[1], wy1 - box[1]), slice(wx0 - box[0], wx1 - box[0]))
        np.copyto(map_x[sub], exact.map_x, where=exact.inside)
        np.copyto(map_y[sub], exact.map_y, where=exact.inside)
        np.copyto(inside[sub], 1.0, where=exact.inside)
    return map_x, map_y, inside
