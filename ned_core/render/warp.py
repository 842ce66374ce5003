"""Piecewise-affine image warp over a triangle mesh (backward mapping, one vectorised remap).

Coordinates are image pixels with pixel ``(x, y)``'s centre at ``(x, y)`` (OpenCV's convention).
Typical use, warping a face with a seamless fade-out beyond it::

    src_ext, dst_ext = add_fade_ring(src_xy, dst_xy, margin=0.3 * face_width)
    out = warp_image(image, src_ext, dst_ext, triangulate(dst_ext))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import ConvexHull, Delaunay, QhullError

from ned_core.exceptions import ShapeError, TriangulationError
from ned_core.guards import check_image, check_points

_INTERPOLATION = {"nearest": cv2.INTER_NEAREST, "linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC}
_SUBPIXEL_BITS = 4  # cv2.fillConvexPoly vertex precision: 1/16 pixel
# a destination triangle smaller than this (square pixels of the grid it is drawn on) covers no pixel centre of
# its own, only pixels along its edges; squeezed far beyond the map's typical area ratio, those move with its
# centroid (a triangle under the nose that disgust's raised upper lip squeezes flat sent its edge pixel far
# into the source: a bright speck above the speaking astronaut's upper lip)
SLIVER_AREA = 0.5
SLIVER_SQUEEZE = 4.0


def triangulate(points: np.ndarray) -> np.ndarray:
    """Delaunay-triangulate a point set.

    Args:
        points: ``(N, 2+)`` float, only x and y are used; ``N >= 3``, not all collinear.

    Returns:
        ``(M, 3)`` int32 vertex indices into ``points``.

    Raises:
        TriangulationError: fewer than 3 points, or all (nearly) collinear.
    """
    pts = check_points("points", points)[:, :2]
    if len(pts) < 3:
        raise TriangulationError(f"triangulate: expected at least 3 points, got {len(pts)}")
    try:
        return Delaunay(pts).simplices.astype(np.int32)
    except QhullError as err:
        raise TriangulationError(f"triangulate: the {len(pts)} points are (nearly) collinear") from err


def _resample_closed(poly: np.ndarray, values: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Resample a closed polygon ``(K, 2)`` and per-vertex ``values (K, 2)`` at ``count`` even steps."""
    closed = np.vstack([poly, poly[:1]])
    closed_values = np.vstack([values, values[:1]])
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(closed, axis=0), axis=1))])
    steps = np.linspace(0.0, arc[-1], count, endpoint=False)
    out = np.stack([np.interp(steps, arc, closed[:, k]) for k in range(2)], axis=1)
    out_values = np.stack([np.interp(steps, arc, closed_values[:, k]) for k in range(2)], axis=1)
    return out, out_values


def add_fade_ring(
    src_points: np.ndarray,
    dst_points: np.ndarray,
    margin: float,
    *,
    rings: int = 3,
    points_per_ring: int = 48,
    outline: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Append rings of control points around the point set so that the warp fades out smoothly.

    The rings follow the convex hull of ``src_points`` pushed outwards (radially from the hull
    centroid) by ``margin * k / rings``, ``k = 1..rings``. Ring ``k`` carries the displacement of
    the nearest hull position times ``1 - smoothstep(k / rings)``: the outermost ring does not
    move, so the displacement field is continuous, decays smoothly across the margin and is exactly
    zero outside the outer ring (where ``warp_image`` leaves pixels untouched). Keep the largest
    hull displacement well below ``margin / rings`` to avoid folds in the fade band.

    Args:
        src_points: ``(N, 2+)`` float, where the content is (x, y used).
        dst_points: ``(N, 2+)`` float, where it should go.
        margin: fade width in pixels, > 0.
        rings: number of rings (>= 1); more rings make a smoother fade.
        points_per_ring: control points per ring (>= 8).
        outline: indices of an ordered closed loop of the points to grow the rings from instead of
            their convex hull; ring points then keep the same order and arc positions whatever the
            shape, so a triangulation of the extended points can be reused across frames.

    Returns:
        ``(src_ext, dst_ext)``, each ``(N + rings * points_per_ring, 2)`` float64; the first N rows
        are the inputs' x, y.

    Raises:
        ShapeError: mismatched or malformed point arrays.
        TriangulationError: the points span no area (no hull), or margin, rings or
            points_per_ring is out of range.
    """
    src = check_points("src_points", src_points)[:, :2]
    dst = check_points("dst_points", dst_points)[:, :2]
    if src.shape != dst.shape:
        raise ShapeError("dst_points", f"the shape of src_points {src.shape}", dst.shape)
    if not margin > 0 or rings < 1 or points_per_ring < 8:
        raise TriangulationError(
            f"add_fade_ring: expected margin > 0, rings >= 1, points_per_ring >= 8, "
            f"got {margin}, {rings}, {points_per_ring}"
        )
    if outline is not None:
        hull = np.asarray(outline, dtype=np.int64)
    else:
        try:
            hull = ConvexHull(src).vertices  # counter-clockwise order
        except QhullError as err:
            raise TriangulationError("add_fade_ring: the source points span no area") from err
    edge, edge_disp = _resample_closed(src[hull], dst[hull] - src[hull], points_per_ring)
    outward = edge - src[hull].mean(axis=0)
    outward /= np.maximum(np.linalg.norm(outward, axis=1, keepdims=True), 1e-9)
    t = np.arange(1, rings + 1) / rings
    weight = 1.0 - t * t * (3.0 - 2.0 * t)  # 1 - smoothstep: 0 with zero slope at the outer ring
    ring_src = (edge[None] + (margin * t)[:, None, None] * outward[None]).reshape(-1, 2)
    ring_dst = ring_src + (weight[:, None, None] * edge_disp[None]).reshape(-1, 2)
    return np.vstack([src, ring_src]), np.vstack([dst, ring_dst])


@dataclass(frozen=True)
class DestinationTriangles:
    """What :func:`triangle_affines` needs of the destination triangles alone (a caller that maps several sources,
    or several subsets of the triangles, onto the same destination computes it once).

    Attributes:
        corners: ``(M, 3, 2)`` float64 destination corners.
        det: ``(M,)`` twice each triangle's signed area.
        valid: ``(M,)`` bool, False for (near) zero-area triangles.
        inverse: ``(V, 2, 2)`` the inverse edge matrices of the valid ones.
    """

    corners: np.ndarray
    det: np.ndarray
    valid: np.ndarray
    inverse: np.ndarray

    def subset(self, keep: np.ndarray) -> DestinationTriangles:
        """The triangles ``keep`` ``(M,) bool`` selects (the same values as computing them for those alone)."""
        return DestinationTriangles(self.corners[keep], self.det[keep], self.valid[keep],
                                    self.inverse[keep[self.valid]])


def destination_triangles(dst: np.ndarray, triangles: np.ndarray) -> DestinationTriangles:
    """:class:`DestinationTriangles` of ``dst`` ``(N, 2)`` vertices and ``(M, 3)`` int ``triangles``."""
    d = dst[triangles]  # (M, 3, 2)
    d_edges = np.stack([d[:, 1] - d[:, 0], d[:, 2] - d[:, 0]], axis=2)  # columns = edges, (M, 2, 2)
    det = d_edges[:, 0, 0] * d_edges[:, 1, 1] - d_edges[:, 0, 1] * d_edges[:, 1, 0]
    valid = np.abs(det) > 1e-9
    inverse = np.linalg.inv(d_edges[valid]) if valid.any() else np.zeros((0, 2, 2))
    return DestinationTriangles(d, det, valid, inverse)


def triangle_affines(src: np.ndarray, dst: np.ndarray, triangles: np.ndarray,
                     destination: DestinationTriangles | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-triangle affine maps from destination to source coordinates.

    Args:
        src: ``(N, 2)`` float source vertices. dst: ``(N, 2)`` float destination vertices.
        triangles: ``(M, 3)`` int vertex indices.
        destination: :func:`destination_triangles` of ``dst`` and ``triangles``, when already computed.

    Returns:
        ``(affines, valid)``: ``(M, 2, 3)`` float64 with ``src = A @ [x, y, 1]`` for a destination
        point inside the triangle, and ``(M,)`` bool, False for (near) zero-area destination
        triangles (their affine is the identity; they cover no pixel area). A destination sliver (area
        below :data:`SLIVER_AREA`) squeezed more than :data:`SLIVER_SQUEEZE` times beyond the map's typical
        area ratio (the median: 1 for pixels to pixels, step^2 from a coarse grid) maps its centroid to the
        source's and scales by the typical ratio alone: the exact inverse of a nearly flat triangle would send
        the pixels along its edges far outside it.
    """
    dest = destination if destination is not None else destination_triangles(dst, triangles)
    d, det, valid = dest.corners, dest.det, dest.valid
    s = src[triangles]  # (M, 3, 2)
    s_edges = np.stack([s[:, 1] - s[:, 0], s[:, 2] - s[:, 0]], axis=2)
    affines = np.tile(np.eye(2, 3), (len(triangles), 1, 1))
    if not valid.any():
        return affines, valid
    lin = s_edges[valid] @ dest.inverse
    affines[valid, :, :2] = lin
    affines[valid, :, 2] = s[valid, 0] - np.einsum("mij,mj->mi", lin, d[valid, 0])
    ratio = np.abs(np.linalg.det(s_edges)) / np.where(valid, np.abs(det), 1.0)
    typical = float(np.median(ratio[valid]))
    sliver = valid & (np.abs(det) < 2.0 * SLIVER_AREA) & (ratio > SLIVER_SQUEEZE * typical)
    scale = np.sqrt(typical)
    affines[sliver, :, :2] = scale * np.eye(2)
    affines[sliver, :, 2] = s[sliver].mean(axis=1) - scale * d[sliver].mean(axis=1)
    return affines, valid


def rasterise_triangles(points: np.ndarray, triangles: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Label each pixel of ``box`` with the id of the triangle covering it.

    Args:
        points: ``(N, 2)`` float vertex positions in image pixels.
        triangles: ``(M, 3)`` int vertex indices (only these ids are drawn, in order; a later
            triangle wins where triangles overlap).
        box: ``(x0, y0, x1, y1)`` int pixel box, x1/y1 exclusive.

    Returns:
        ``(y1 - y0, x1 - x0)`` int32, triangle id or -1 where no triangle covers the pixel centre.
    """
    x0, y0, x1, y1 = box
    ids = np.full((y1 - y0, x1 - x0), -1, dtype=np.int32)
    scale = 1 << _SUBPIXEL_BITS
    fixed = np.round((points[:, :2] - (x0, y0)) * scale).astype(np.int32)[triangles]
    fill = cv2.fillConvexPoly  # ~560 calls a face: positional arguments and row iteration, ~20% less per call
    for tri_id, corners in enumerate(fixed):
        fill(ids, corners, tri_id, cv2.LINE_8, _SUBPIXEL_BITS)
    return ids


@dataclass(frozen=True)
class WarpField:
    """A backward map over a pixel box.

    Attributes:
        box: ``(x0, y0, x1, y1)`` int, x1/y1 exclusive, in output-image pixels.
        map_x: ``(h, w)`` float32 source x for each output pixel of the box.
        map_y: ``(h, w)`` float32 source y.
        inside: ``(h, w)`` bool, True where a triangle covers the pixel (elsewhere the map is the
            identity).
    """

    box: tuple[int, int, int, int]
    map_x: np.ndarray
    map_y: np.ndarray
    inside: np.ndarray


def mesh_box(points: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """Integer box ``(x0, y0, x1, y1)`` (exclusive) covering ``points (N, 2)``, clipped to the image."""
    lo = np.floor(points[:, :2].min(axis=0)).astype(int)
    hi = np.ceil(points[:, :2].max(axis=0)).astype(int) + 1
    x0, y0 = max(int(lo[0]), 0), max(int(lo[1]), 0)
    return x0, y0, max(min(int(hi[0]), width), x0), max(min(int(hi[1]), height), y0)


def backward_map(
    src: np.ndarray, dst: np.ndarray, triangles: np.ndarray, box: tuple[int, int, int, int],
    destination: DestinationTriangles | None = None,
) -> WarpField:
    """The piecewise-affine backward map over ``box``: for each pixel, where to sample the source.

    Args:
        src: ``(N, 2)`` float source vertices. dst: ``(N, 2)`` float destination vertices.
        triangles: ``(M, 3)`` int. box: ``(x0, y0, x1, y1)`` int, exclusive.
        destination: :func:`destination_triangles` of ``dst`` and ``triangles``, when already computed.

    Returns:
        The :class:`WarpField` over ``box``.
    """
    affines, valid = triangle_affines(src, dst, triangles, destination)
    return affine_field(affines[valid], rasterise_triangles(dst, triangles[valid], box), box)


def affine_field(affines: np.ndarray, ids: np.ndarray, box: tuple[int, int, int, int]) -> WarpField:
    """:func:`backward_map` from its parts: a caller whose destination triangles do not move (a fixed grid) labels
    the pixels once and reuses ``ids``.

    Args:
        affines: ``(K, 2, 3)`` the drawn triangles' maps (:func:`triangle_affines` of the valid ones).
        ids: ``(h, w) int32`` :func:`rasterise_triangles` of those triangles over ``box``.
        box: ``(x0, y0, x1, y1)`` int, exclusive.
    """
    # slot 0 of each coefficient table is the identity, used where no triangle covers the pixel; one contiguous
    # row per coefficient
    table = np.ascontiguousarray(np.concatenate([np.eye(2, 3)[None], affines]).astype(np.float32).reshape(-1, 6).T)
    slot = ids + 1
    x0, y0, x1, y1 = box
    xs = np.arange(x0, x1, dtype=np.float32)[None, :]
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    # ``a * xs + b * ys + c`` per map, evaluated in the same order into reused buffers (np.take of a coefficient row:
    # the same values as fancy indexing, gathered ~1.6x faster)
    term = np.empty(ids.shape, np.float32)
    maps = []
    for row in (0, 3):
        out = np.take(table[row], slot)
        out *= xs
        np.take(table[row + 1], slot, out=term)
        term *= ys
        out += term
        out += np.take(table[row + 2], slot, out=term)
        maps.append(out)
    return WarpField(box=box, map_x=maps[0], map_y=maps[1], inside=ids >= 0)


def remap(image: np.ndarray, map_x: np.ndarray, map_y: np.ndarray, interpolation: str = "linear") -> np.ndarray:
    """Sample ``image (H, W[, C])`` at ``(map_x, map_y) (h, w)`` float32; edge pixels replicate.

    Returns ``(h, w[, C])`` of the image's dtype. Any channel count is supported.
    """
    flag = _INTERPOLATION[interpolation]
    if image.ndim == 2 or image.shape[2] <= 4:
        out = cv2.remap(image, map_x, map_y, flag, borderMode=cv2.BORDER_REPLICATE)
        return out.reshape(map_x.shape + image.shape[2:])
    parts = [remap(image[:, :, c : c + 4], map_x, map_y, interpolation) for c in range(0, image.shape[2], 4)]
    return np.concatenate(parts, axis=2)


def warp_image(
    image: np.ndarray,
    src_points: np.ndarray,
    dst_points: np.ndarray,
    triangles: np.ndarray,
    *,
    interpolation: str = "linear",
) -> np.ndarray:
    """Move the content at ``src_points`` to ``dst_points`` with a piecewise-affine warp.

    Each output pixel inside a destination triangle samples the source at its affine-mapped
    position (``interpolation``: "nearest", "linear" = bilinear, or "cubic"); pixels outside all
    destination triangles are returned unchanged. Use :func:`add_fade_ring` for a seamless
    fade-out and :func:`triangulate` (preferably on the destination points, so the output mesh
    never folds) for ``triangles``.

    Args:
        image: ``(H, W)`` or ``(H, W, C)`` float32 or uint8 (any dtype cv2.remap accepts).
        src_points: ``(N, 2+)`` float pixel positions of the content (x, y used).
        dst_points: ``(N, 2+)`` float pixel positions it moves to.
        triangles: ``(M, 3)`` int indices into the point arrays.
        interpolation: "nearest", "linear" or "cubic".

    Returns:
        A new array of the same shape and dtype.

    Raises:
        ShapeError: malformed image, points or triangles.
    """
    check_image("image", image)
    src = check_points("src_points", src_points)[:, :2]
    dst = check_points("dst_points", dst_points)[:, :2]
    tris = np.asarray(triangles)
    if src.shape != dst.shape:
        raise ShapeError("dst_points", f"the shape of src_points {src.shape}", dst.shape)
    if tris.ndim != 2 or tris.shape[1] != 3 or (tris.size and (tris.min() < 0 or tris.max() >= len(src))):
        raise ShapeError("triangles", f"(M, 3) indices in [0, {len(src)})", f"shape {tris.shape}")
    if interpolation not in _INTERPOLATION:
        raise ShapeError("interpolation", f"one of {sorted(_INTERPOLATION)}", f"{interpolation!r}")
    out = image.copy()
    used = dst[np.unique(tris)] if tris.size else dst[:0]
    if len(used) == 0:
        return out
    box = mesh_box(used, image.shape[1], image.shape[0])
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return out
    field = backward_map(src, dst, tris, box)
    warped = remap(image, field.map_x, field.map_y, interpolation)
    inside = field.inside if image.ndim == 2 else field.inside[:, :, None]
    np.copyto(out[y0:y1, x0:x1], warped, where=inside)
    return out
