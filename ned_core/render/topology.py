"""The warp mesh: 468 face points + a fade ring grown from the face oval, triangulated once on the mean face."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import FACE_OVAL, interocular_distance
from ned_core.render.config import RenderConfig
from ned_core.render.warp import add_fade_ring, triangulate

NUM_MESH = 468


@dataclass(frozen=True)
class WarpMesh:
    """One frame's warp mesh.

    Attributes:
        src: ``(N, 2) float64`` source vertices (468 mesh points, then the fade rings).
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
    """``(M, 3) int32`` Delaunay triangles of the mean face + fade ring (shot-independent)."""
    template = load_mean_face()[:, :2].astype(np.float64)
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


def warp_mesh(src: np.ndarray, dst: np.ndarray, config: RenderConfig) -> WarpMesh:
    """The fade-ringed mesh of one frame, reusing the mean-face triangulation unless the edit folds it.

    The ring is grown from the source face oval by ``config.fade_margin`` face widths and carries
    the oval's displacement, fading to zero at its outer edge, so the warp is exactly the
    identity beyond it. The projected mesh already overlaps itself a little in the source (lip
    line, cheek silhouette under a head turn); that is harmless as long as every triangle keeps
    its orientation from ``src`` to ``dst``. A triangle whose orientation flips would mirror its
    content (a fold made by the edit); unless it is a sliver (target area below
    ``(config.fold_tolerance * IOD)^2``, a pixel or two: closed lips, lid lines), ``dst`` is then
    Delaunay-triangulated afresh instead, which never folds.

    Args:
        src: ``(>= 468, 2)`` float source points (only the first 468 are used).
        dst: ``(>= 468, 2)`` float target points.
        config: fade settings.
    """
    margin = config.fade_margin * face_width(src[:NUM_MESH])
    src_ext, dst_ext = add_fade_ring(src[:NUM_MESH], dst[:NUM_MESH], margin, rings=config.fade_rings,
                                     points_per_ring=config.ring_points, outline=FACE_OVAL)
    triangles = _mean_face_triangles(config.fade_margin, config.fade_rings, config.ring_points)
    dst_areas = signed_areas(dst_ext, triangles)
    flipped = signed_areas(src_ext, triangles) * dst_areas < 0
    sliver = 2.0 * (config.fold_tolerance * float(interocular_distance(src[:NUM_MESH]))) ** 2  # twice the area
    if not np.any(flipped & (np.abs(dst_areas) >= sliver)):
        return WarpMesh(src_ext, dst_ext, triangles, True)
    return WarpMesh(src_ext, dst_ext, triangulate(dst_ext), False)
