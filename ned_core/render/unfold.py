"""Unfolding the directed mesh: skin triangles an edit crushes or flips are eased back toward their source shape.

The directed displacement is a sum of per-unit falloffs; at strong intensities two of them can run into
each other (brows lowered onto the upper-lid crease, a pressed lip rolling over the skin below the nose) and
squash or mirror the skin between them. A mirrored triangle makes the piecewise-affine warp show its
content backwards; a crushed one smears it. :func:`ease_folds` relaxes only where that happens: each
vertex of such a triangle is moved toward the triangle's mean displacement (the translation that restores
the source shape) until every skin triangle keeps at least ``min_ratio`` of its source's signed area
(:func:`triangle_floors`).

Skin vertices are eased first, and the brows and lids only where moving the skin alone cannot unfold a triangle: the
skin between a lowered brow and the lid is carried down with the brow, so the brow keeps its lowering instead of being
pulled back up; in that phase the upper-lid margins move at :data:`LID_GIVE` of the brows' rate, so a lowered brow over
a raised lid (anger, AU4+5) gives way more than the lid does (eased alike, angry:1.5 on the astronaut kept 0.017-0.018
IOD of its 0.045-0.055 lid raise; now 0.035-0.044, the brows over 90 % of their lowering; lids held still, the brows
kept 86-89 %), and at the full rate only where that cannot unfold a triangle. The lips are never moved (their closing
over the teeth and the mouth corners' drop are the expression) and triangles wholly on the lips are not measured (lips
thin when they press or close). The skin just above each upper-lid margin (the triangles with a vertex on it) keeps
only :data:`LID_RATIO`: a raised upper lid (AU5) slides up under the lid fold, so "all or part of the upper lid
disappears from view" (P. Ekman, W. V. Friesen and J. C. Hager, *Facial Action Coding System*, 2002, AU5), and a
lowered brow over a raised lid (anger: AU4+5) narrows that band further; at :data:`MIN_RATIO` the easing gave back half
the lid raise of an angry astronaut (0.036 IOD asked, 0.017 kept) and a third of her brow lowering over the lid.

A source sliver (thinner than :data:`SLIVER`: the nose's base, lid lines) has no area ratio worth a floor, but it is
eased where the edit mirrors it over more than half the area the warp tolerates (``topology.warp_mesh``'s
``fold_tolerance``), which would otherwise give up the fixed topology for a fresh Delaunay triangulation of the whole
face. happy:1.5's lifted upper lip raises the subnasale (2) past the columella (94, 19) above it (Grace Hopper speaking
warm-dark, middle frame: 0.069 against 0.031 and 0.011 IOD); the fresh triangulation mirrored the nostrils' shadow into
dark speckles above the lip (band between the nose's base and the upper lip: 20 pixels darker than the source band's
1st percentile, 5 eased; the nose's base moves at most 0.031 IOD).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ned_core.analysis.regions import LEFT_BROW, LEFT_EYE, RIGHT_BROW, RIGHT_EYE, interocular_distance
from ned_core.render.topology import (FOLD_TOLERANCE_REF, NUM_MESH, lip_points, mean_face_mesh_triangles, points_inside,
                                      signed_areas)

MIN_RATIO = 0.35  # a skin triangle keeps at least this share of its source signed area
LID_RATIO = 0.1  # ... a triangle on an upper-lid margin (the lid retracting under its fold), this share
SLIVER = 0.02  # source triangles thinner than (SLIVER * IOD)^2 (lid lines, lip line) carry no measurable shape
STEP = 0.5  # share of the way to the triangle's mean displacement per iteration
LID_GIVE = 0.1  # the upper-lid margins' share of the brows' easing rate (see the module docstring)
MAX_ITER = 200  # per phase; a fold needs ~10-40


@lru_cache(maxsize=1)
def feature_points() -> tuple[np.ndarray, np.ndarray]:
    """``((468,) bool, (468,) bool)``: the brow and lid points, and the lip points (on or inside the mean face's
    brow, eye and outer-lip outlines); the rest is skin."""
    return points_inside((LEFT_BROW, RIGHT_BROW, LEFT_EYE, RIGHT_EYE)), lip_points()


@lru_cache(maxsize=1)
def _skin_triangles() -> np.ndarray:
    """``(M, 3) int`` mean-face triangles over the 468 mesh points with at least one vertex off the lips and
    not spanning an eye opening: the lips themselves may thin and close over the teeth (the expression), and
    so may the eyes."""
    triangles = mean_face_mesh_triangles()
    keep = ~feature_points()[1][triangles].all(axis=1)
    for contour in (LEFT_EYE, RIGHT_EYE):
        keep &= ~np.isin(triangles, contour).all(axis=1)
    return triangles[keep]


@lru_cache(maxsize=1)
def _upper_lid_margins() -> np.ndarray:
    """``(468,) bool`` the upper-lid margins' points (each eye contour's second half, the corners excluded)."""
    margins = np.zeros(NUM_MESH, bool)
    margins[[v for contour in (LEFT_EYE, RIGHT_EYE) for v in contour[9:]]] = True
    return margins


@lru_cache(maxsize=1)
def _on_upper_lids() -> np.ndarray:
    """``(M,) bool`` the skin triangles with a vertex on an upper-lid margin."""
    return _upper_lid_margins()[_skin_triangles()].any(axis=1)


def triangle_floors(min_ratio: float = MIN_RATIO) -> np.ndarray:
    """``(M,) float64`` the share of its source signed area each skin triangle (``area_ratios``' order) keeps:
    ``min_ratio``, at most :data:`LID_RATIO` on the upper-lid margins."""
    return np.where(_on_upper_lids(), min(LID_RATIO, min_ratio), min_ratio)


def area_ratios(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Signed-area ratio target / source of every measurable skin triangle of each frame.

    Args:
        src: ``(T, >= 468, >= 2)`` source landmarks.
        dst: ``(T, >= 468, >= 2)`` target landmarks.

    Returns:
        ``(T, M) float64``; 1 where the source triangle is a sliver (not measured).
    """
    triangles = _skin_triangles()
    return _ratios(np.asarray(src, np.float64)[..., :2], np.asarray(dst, np.float64)[..., :2], triangles)


def _ratios(src_xy: np.ndarray, dst_xy: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    a0, a1 = signed_areas(src_xy, triangles), signed_areas(dst_xy, triangles)
    sliver = 2.0 * (SLIVER * interocular_distance(src_xy[:, :NUM_MESH]))[:, None] ** 2
    measured = np.abs(a0) >= sliver
    return np.where(measured, a1 / np.where(measured, a0, 1.0), 1.0)


def _crushed(src_xy: np.ndarray, dst_xy: np.ndarray, triangles: np.ndarray, floors: np.ndarray) -> np.ndarray:
    """``(M,) bool`` one frame's skin triangles to ease: a measurable one kept below its floor of the source signed
    area, or a source sliver mirrored over more than ``(FOLD_TOLERANCE_REF * IOD)^2 / 2`` (half the area the warp
    tolerates before it gives up the fixed topology: ``topology.warp_mesh``; a sliver at the nose's base that a
    smile's lifted upper lip pushes over its neighbours sent the whole face to a fresh Delaunay triangulation).

    Args:
        src_xy, dst_xy: ``(468, 2)`` source and target points.
        triangles: ``(M, 3)`` skin triangles; floors: ``(M,)`` :func:`triangle_floors`.
    """
    a0, a1 = signed_areas(src_xy, triangles), signed_areas(dst_xy, triangles)
    iod = float(interocular_distance(src_xy))
    measured = np.abs(a0) >= 2.0 * (SLIVER * iod) ** 2
    ratio = a1 / np.where(measured, a0, 1.0)
    mirrored = (a0 * a1 < 0) & (np.abs(a1) >= (FOLD_TOLERANCE_REF * iod) ** 2)
    return np.where(measured, ratio < floors, mirrored)


def ease_folds(src: np.ndarray, dst: np.ndarray, min_ratio: float = MIN_RATIO) -> np.ndarray:
    """``dst`` with the crushed or flipped skin triangles of each frame eased back (see the module docstring).

    Args:
        src: ``(T, N >= 468, 3)`` source landmarks, frame pixels.
        dst: ``(T, N, 3)`` directed target landmarks (only the first 468 points are eased; the rest are
            returned as they are).
        min_ratio: the share of its source signed area each skin triangle keeps (0 < min_ratio < 1; on the
            upper-lid margins at most :data:`LID_RATIO`, see :func:`triangle_floors`).

    Returns:
        ``(T, N, 3) float32``; frames without a crushed triangle are returned unchanged.

    Raises:
        ValueError: mismatched shapes or ``min_ratio`` outside (0, 1).
    """
    src = np.asarray(src, np.float64)
    out = np.array(dst, np.float64)
    if src.shape != out.shape or src.ndim != 3 or src.shape[1] < NUM_MESH:
        raise ValueError(f"ease_folds: src {src.shape} and dst {out.shape} must both be (T, N >= {NUM_MESH}, 3)")
    if not 0.0 < min_ratio < 1.0:
        raise ValueError(f"ease_folds: min_ratio must lie in (0, 1), got {min_ratio}")
    triangles = _skin_triangles()
    brows_lids, lips = feature_points()
    movable_phases = ((~brows_lids & ~lips).astype(np.float64), np.where(_upper_lid_margins(), LID_GIVE, 1.0) * ~lips,
                      (~lips).astype(np.float64))
    floors = triangle_floors(min_ratio)
    frames = np.flatnonzero(np.stack([_crushed(s[:NUM_MESH, :2], d[:NUM_MESH, :2], triangles, floors).any()
                                      for s, d in zip(src, out)]))
    for t in frames:
        for movable in movable_phases:
            out[t, :NUM_MESH] = _relax(src[t, :NUM_MESH], out[t, :NUM_MESH], triangles, movable, floors)
    return out.astype(np.float32)


def _relax(src: np.ndarray, dst: np.ndarray, triangles: np.ndarray, movable: np.ndarray,
           floors: np.ndarray) -> np.ndarray:
    """One frame's ``(468, 3)`` target with the vertices of crushed triangles eased (``MAX_ITER`` steps), each at
    its ``movable`` ``(468,) float`` share of :data:`STEP` (0: held)."""
    disp = dst - src
    for _ in range(MAX_ITER):
        bad = _crushed(src[:, :2], src[:, :2] + disp[:, :2], triangles, floors)
        if not bad.any():
            break
        tri = triangles[bad]
        mean = disp[tri].mean(axis=1)  # (B, 3): the translation that restores each source triangle
        pull = np.zeros_like(disp)
        count = np.zeros(len(disp))
        for k in range(3):
            np.add.at(pull, tri[:, k], mean - disp[tri[:, k]])
            np.add.at(count, tri[:, k], 1.0)
        step = count > 0
        disp[step] += (STEP * movable[step] / count[step])[:, None] * pull[step]
    return src + disp
