"""A photo's face turned past three-quarter: its mesh drawn as a surface, far triangles first, over the photo with the
face filled in.

The piecewise-affine warp of :func:`~ned_core.synthetic.actor.animate_photo` triangulates the *destination* points,
so it never folds but cannot hide anything: past about 50 degrees of yaw the far cheek slides under the nose and
the warp tears. Here the triangles are the photo's own (Delaunay of the frontal mesh, a surface over the image
plane), each drawn only while it faces the camera (its turned outline keeps the photo's winding), nearest last,
so the nose hides the far cheek and a face in profile shows its near side. Outside the turned face the photo's face
is gone (filled from its surroundings, :func:`faceless_backdrop`): where the far half of the face was, the side of
the head (hair, skin) shows smeared. The photo cannot show the ear or the back of the head; this is a face turned,
not a real head in profile.

Typical use::

    surface = FaceSurface.of(photo_mesh)                     # (N, 3) photo pixels, frontal
    back = faceless_backdrop(photo, photo_mesh)
    frame = surface.render(photo, back, turned_mesh)         # (N, 3) the mesh turned, same pixels
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.analysis.regions import FACE_OVAL
from ned_core.exceptions import SyntheticActorError
from ned_core.render.warp import backward_map, mesh_box, remap, triangulate

NOSE_TIP, CHEEK_LEFT, CHEEK_RIGHT = 1, 234, 454  # MediaPipe mesh indices: the nearest point, the face's sides
MIN_AREA = 0.05  # px^2: a turned triangle thinner than this is edge-on and drawn no more


def _areas(points: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """``(M,)`` signed areas (twice) of ``triangles`` over ``points (N, 2+)``."""
    a, b, c = (points[triangles[:, k], :2] for k in range(3))
    return (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])


@dataclass(frozen=True)
class FaceSurface:
    """The photo's face mesh as a surface.

    Attributes:
        source: ``(N, 2) float64`` the photo's mesh points (photo pixels).
        triangles: ``(M, 3) int32`` Delaunay triangles of ``source`` inside the face oval (the hull's triangles
            across the oval's hollows hold background), all wound counter-clockwise in the photo.
        nearer: +1 when a larger z is nearer the camera in the mesh's depth, else -1 (read off the photo: the nose
            tip is nearer than the face's sides).
    """

    source: np.ndarray
    triangles: np.ndarray
    nearer: float

    @classmethod
    def of(cls, mesh: np.ndarray) -> FaceSurface:
        """The surface of a frontal face mesh ``(N >= 468, 3)`` (photo pixels, MediaPipe point order)."""
        mesh = np.asarray(mesh, np.float64)
        if mesh.ndim != 2 or mesh.shape[0] < 468 or mesh.shape[1] != 3:
            raise SyntheticActorError(f"FaceSurface: expected a (N >= 468, 3) face mesh, got {mesh.shape}")
        triangles = triangulate(mesh[:, :2])
        oval = mesh[list(FACE_OVAL), :2].astype(np.float32)
        centres = mesh[triangles, :2].mean(axis=1)
        inside = [cv2.pointPolygonTest(oval, (float(x), float(y)), False) >= 0 for x, y in centres]
        triangles = triangles[np.asarray(inside)]
        flip = _areas(mesh, triangles) < 0
        triangles[flip] = triangles[flip][:, ::-1]
        nearer = 1.0 if mesh[NOSE_TIP, 2] > (mesh[CHEEK_LEFT, 2] + mesh[CHEEK_RIGHT, 2]) / 2 else -1.0
        return cls(mesh[:, :2].copy(), triangles, nearer)

    def render(self, photo: np.ndarray, backdrop: np.ndarray, turned: np.ndarray) -> np.ndarray:
        """The photo's face at ``turned (N, 3)`` (the mesh moved, same pixels and depth as the photo's) over
        ``backdrop (H, W, 3)``: the triangles facing the camera, far to near. Returns ``(H, W, 3)`` of the
        photo's dtype."""
        turned = np.asarray(turned, np.float64)
        if turned.shape != (len(self.source), 3):
            raise SyntheticActorError(f"FaceSurface.render: expected ({len(self.source)}, 3) points, got "
                                      f"{turned.shape}")
        facing = self.triangles[_areas(turned, self.triangles) > MIN_AREA]
        depth = turned[facing, 2].mean(axis=1) * self.nearer
        order = facing[np.argsort(depth, kind="stable")]  # far first: a later triangle wins
        out = backdrop.copy()
        box = mesh_box(turned[np.unique(order)], photo.shape[1], photo.shape[0])
        x0, y0, x1, y1 = box
        if len(order) == 0 or x1 <= x0 or y1 <= y0:
            return out
        field = backward_map(self.source, turned[:, :2], order, box)
        inside = field.inside[:, :, None]
        np.copyto(out[y0:y1, x0:x1], remap(photo, field.map_x, field.map_y), where=inside)
        return out


def faceless_backdrop(photo: np.ndarray, mesh: np.ndarray, radius: int = 9) -> np.ndarray:
    """``photo (H, W, 3) uint8`` with the face (the convex hull of ``mesh (N, 2+)``, grown by ``radius`` px) filled
    in from its surroundings (OpenCV's Telea inpainting on a half-size copy, scaled back, its edge feathered): what shows where a
    turned face no longer is."""
    h, w = photo.shape[:2]
    hull = cv2.convexHull(np.round(np.asarray(mesh)[:, :2]).astype(np.int32))
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, hull, 255)
    mask = cv2.dilate(mask, np.ones((2 * radius + 1, 2 * radius + 1), np.uint8))
    small = cv2.inpaint(cv2.resize(photo, (w // 2, h // 2), interpolation=cv2.INTER_AREA),
                        cv2.resize(mask, (w // 2, h // 2), interpolation=cv2.INTER_NEAREST), radius, cv2.INPAINT_TELEA)
    filled = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    weight = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), radius)[:, :, None]  # no seam at its edge
    return np.round(weight * filled + (1 - weight) * photo).astype(photo.dtype)
