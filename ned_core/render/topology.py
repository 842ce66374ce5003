"""The warp mesh: 468 face points + a fade ring grown from the face oval, triangulated once on the mean face."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import FACE_OVAL, LIPS_OUTER, interocular_distance
from ned_core.render.brow_guard import add_brow_guard
from ned_core.render.config import RenderConfig
from ned_core.render.warp import add_fade_ring, triangulate

NUM_MESH = 468
LIP_LINE_SLIVER = 0.02  # lip triangles thinner than (this * IOD)^2 in the source lie along the lip line
FOLD_TOLERANCE_REF = 0.012  # RenderConfig.fold_tolerance's default, to scale LIP_LINE_SLIVER with it


@dataclass(frozen=True)
class WarpMesh:
    """One frame's warp mesh.

    Attributes:
        src: ``(N, 2) float64`` source vertices (468 mesh points, the brow guard (see
            :mod:`~ned_core.render.brow_guard`), then the fade rings).
        dst: ``(N, 2) float64`` destination vertices.
        triangles: ``(M, 3) int32``, never folded in ``dst``.
        fixed_topology: True when the shot-independent mean-face triangulation was used, False when
            the edit would have folded it and ``dst`` was triangulated afresh.
    """

    src: np.ndarray
    dst: np.ndarray
    triangles: np.ndarray
    fixed_topology: bool


def face_width(points: np.ndarray) -> float:
    """Horizontal extent of ``(N, 2)`` points in pixels (at least 1)."""
    return max(float(np.ptp(points[:, 0])), 1.0)


@lru_cache(maxsize=8)
def _mean_face_triangles(fade_margin: float, rings: int, ring_points: int) -> np.ndarray:
    """``(M, 3) int32`` Delaunay triangles of the mean face + brow guard + fade ring (shot-independent)."""
    template, _ = add_brow_guard(*(load_mean_face()[:NUM_MESH, :2],) * 2)
    ext, _ = add_fade_ring(template, template, fade_margin * face_width(template), rings=rings,
                           points_per_ring=ring_points, outline=FACE_OVAL)
    return triangulate(ext)


@lru_cache(maxsize=1)
def mean_face_mesh_triangles() -> np.ndarray:
    """``(M, 3) int32`` Delaunay triangles of the 468-point mean face alone (no fade ring; shot-independent)."""
    return triangulate(load_mean_face()[:, :2].astype(np.float64))


def signed_areas(points: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Twice the signed area of each triangle: ``(..., M) float64`` from ``points (..., N, 2)``, ``triangles (M, 3)``."""
    a, b, c = (points[..., triangles[:, k], :] for k in range(3))
    return (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0])


def points_inside(outlines: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """``(468,) bool``: the mean face's mesh points on or inside any of ``outlines`` (landmark index loops)."""
    face = load_mean_face()[:NUM_MESH, :2].astype(np.float32)
    inside = np.zeros(NUM_MESH, bool)
    for outline in outlines:
        poly = face[list(outline)]
        inside |= np.array([cv2.pointPolygonTest(poly, (float(x), float(y)), False) >= 0 for x, y in face])
    return inside


@lru_cache(maxsize=1)
def lip_points() -> np.ndarray:
    """``(468,) bool``: the mesh points on or inside the mean face's outer lip line."""
    return points_inside((LIPS_OUTER,))


def warp_mesh(src: np.ndarray, dst: np.ndarray, config: RenderConfig) -> WarpMesh:
    """The fade-ringed mesh of one frame, reusing the mean-face triangulation unless the edit folds it.

    The ring is grown from the source face oval by ``config.fade_margin`` face widths and carries
    the oval's displacement, fading to zero at its outer edge, so the warp is exactly the
    identity beyond it. The projected mesh already overlaps itself a little in the source (lip
    line, cheek silhouette under a head turn); that is harmless as long as every triangle keeps
    its orientation from ``src`` to ``dst``. A triangle whose orientation flips would mirror its
    content (a fold made by the edit); unless it is a sliver (target area below
    ``(config.fold_tolerance * IOD)^2``, a pixel or two: closed lips, lid lines), the mesh is repaired: where
    only triangles wholly on the lips fold (a closing or pressing mouth rolls the lip line over), the
    shared edges of the folded pairs are flipped (:func:`closing_mouth`; the face keeps the mean-face
    topology everywhere else, so it does not swim between frames); otherwise ``dst`` is Delaunay-triangulated
    afresh, which never folds.

    Args:
        src: ``(>= 468, 2)`` float source points (only the first 468 are used).
        dst: ``(>= 468, 2)`` float target points.
        config: fade settings.
    """
    margin = config.fade_margin * face_width(src[:NUM_MESH])
    guarded = add_brow_guard(src[:NUM_MESH], dst[:NUM_MESH])
    src_ext, dst_ext = add_fade_ring(*guarded, margin, rings=config.fade_rings, points_per_ring=config.ring_points,
                                     outline=FACE_OVAL)
    triangles = _mean_face_triangles(config.fade_margin, config.fade_rings, config.ring_points)
    dst_areas = signed_areas(dst_ext, triangles)
    flipped = signed_areas(src_ext, triangles) * dst_areas < 0
    sliver = 2.0 * (config.fold_tolerance * float(interocular_distance(src[:NUM_MESH]))) ** 2  # twice the area
    folded = flipped & (np.abs(dst_areas) >= sliver)
    if not np.any(folded):
        return WarpMesh(src_ext, dst_ext, triangles, True)
    repaired = closing_mouth(triangles, src_ext, dst_ext, sliver)
    if repaired is not None:
        return WarpMesh(src_ext, dst_ext, repaired, True)
    return WarpMesh(src_ext, dst_ext, triangulate(dst_ext), False)


def _folds(triangles: np.ndarray, src: np.ndarray, dst: np.ndarray, sliver: float) -> np.ndarray:
    """Indices of the triangles whose orientation flips from ``src`` to ``dst`` beyond a ``sliver`` (twice the area)."""
    dst_areas = signed_areas(dst, triangles)
    return np.flatnonzero((signed_areas(src, triangles) * dst_areas < 0) & (np.abs(dst_areas) >= sliver))


def closing_mouth(triangles: np.ndarray, src: np.ndarray, dst: np.ndarray, sliver: float,
                  max_passes: int = 4) -> np.ndarray | None:
    """The triangulation with the folds of a closing mouth removed by edge flips, or None where it cannot be.

    A folded triangle wholly on the lips (:func:`lip_points`) that was a sliver along the lip line in the
    source (thinner than ``(LIP_LINE_SLIVER * IOD)^2``) is left folded: it mirrors a line of lip a pixel or
    two across. Any other such triangle has its edge shared with a lip neighbour flipped to the other
    diagonal of their quad, when that diagonal separates the quad in ``dst`` (so the two new triangles tile
    the same area) and neither new triangle folds.

    Args:
        triangles: ``(M, 3)`` the mean-face triangulation (fade ring included).
        src, dst: ``(N, 2)`` source and target vertices.
        sliver: twice the area below which a flipped triangle is tolerated.
        max_passes: rounds of flips (a fold a flip moves on to the next pair is repaired in the next round).

    Returns:
        ``(M, 3) int32`` without folds, or None when a fold lies off the lips or no flip removes it.
    """
    lips = np.zeros(len(src), bool)
    lips[:NUM_MESH] = lip_points()
    tri = triangles.copy()
    line = LIP_LINE_SLIVER**2 / FOLD_TOLERANCE_REF**2 * sliver  # the lip line's own slivers, scaled alike
    for _ in range(max_passes):
        bad = _folds(tri, src, dst, sliver)
        if not lips[tri[bad]].all():
            return None
        bad = bad[np.abs(signed_areas(src, tri[bad])) >= line]  # a folded lip-line sliver mirrors a line only
        if len(bad) == 0:
            return tri
        for i in bad:
            _flip_with_a_neighbour(tri, int(i), src, dst, sliver, lips)
    return None


def _flip_with_a_neighbour(tri: np.ndarray, i: int, src: np.ndarray, dst: np.ndarray, sliver: float,
                           lips: np.ndarray) -> None:
    """Flip, in place, the first edge of triangle ``i`` whose flip leaves both new triangles unfolded."""
    on_lips = np.flatnonzero(lips[tri].all(axis=1))
    for j in on_lips[on_lips != i]:
        shared = np.intersect1d(tri[i], tri[j])
        if len(shared) != 2:
            continue
        p, q = np.setdiff1d(tri[i], shared)[0], np.setdiff1d(tri[j], shared)[0]
        u, v = shared
        side_u = _cross(dst[q] - dst[p], dst[u] - dst[p])
        side_v = _cross(dst[q] - dst[p], dst[v] - dst[p])
        if side_u * side_v >= 0:
            continue  # the other diagonal does not split the quad in the target
        pair = np.array([[p, q, u], [q, p, v]], np.int32)
        if len(_folds(pair, src, dst, sliver)) == 0:
            tri[i], tri[j] = pair
            return


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])
