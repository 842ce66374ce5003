"""Occlusion mask: where something in front of a tracked face (a hand, a glass, another head) hides part of it,
so the plate is not painted over it.

The estimate compares each SOURCE frame's face, brought into the face's own mesh-normalised space (a small
canonical grid the 468-point mesh is piecewise-affinely unwrapped onto, so expression and head motion do not move
skin between grid cells), with a per-track reference appearance: the per-cell median of a sample of the track's
observed frames, in log colour, with each cell's robust spread (how much it varies on its own: blinks, speech). A
frame's global lighting change is removed first (per-channel median log ratio to the reference over the face).
Cells whose colour departs from the reference by more than ``threshold`` times their spread (at least
``min_change``, at most ``max_change`` in log colour) are flagged, outside the eyes and the mouth interior (which change
on their own; never seeded there, but reached from an occluder next to them); specks are opened away, components
smaller than ``min_area`` of the face or not coherent in colour (``coherence``: the face's own features seen through
a mesh that sits off, as on a face cut by the frame edge, differ from the reference everywhere but are not one
colour) dropped, the rest filled to their convex hull, grown and feathered, then mapped back onto the plate's window.

Only the source frame is compared, never the result, so what the edit changes (an opened mouth, moved brows) is
never mistaken for an occluder. The mask depends on the frame and the track's reference only (no state carried
between frames), so a render of part of a shot, or a farm chunk, gets the same plates as a render of the whole.

Typical use::

    reference = build_reference([(window_rgb, window_landmarks), ...])    # once per track
    occlusion = occlusion_mask(reference, rgb, landmarks, plate.data_window)  # per frame, (h, w) in [0, 1]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import warnings

import cv2
import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LEFT_EYE, LIPS_INNER, RIGHT_EYE
from ned_core.composite.blend import channel_weighted
from ned_core.composite.config import OcclusionConfig
from ned_core.exceptions import OcclusionError
from ned_core.io.exr_plate import FacePlate
from ned_core.render.topology import mean_face_mesh_triangles
from ned_core.render.warp import (
    DestinationTriangles,
    affine_field,
    backward_map,
    destination_triangles,
    rasterise_triangles,
    remap,
    triangle_affines,
)

GRID = 48  # canonical grid side, cells; the mean face spans about 80 % of it
_FILL = 0.8
_EXCLUDE_GROW = 2  # cells around the eyes and the inner lips that are never flagged themselves
#: a cell's spread: this quantile of its samples' distance to the median, scaled; a low quantile, so an occluder in
#: up to about half the samples does not inflate it (the median distance would)
SPREAD_QUANTILE, SPREAD_SCALE = 0.25, 2.0
_RELIGHT_CANDIDATES, _RELIGHT_BAND = 128, 0.1  # global light change: mode of the per-cell ratios (log colour)
_TEXTURED_AREA = 3  # a region of many colours counts from this many times ``min_area``
_DETAIL_REACH = 1  # cells a misfit mesh may move the face's fine structure by
_LOG_FLOOR = 0.1  # log colour is taken of rgb + this fraction of the face's median level (dark noise)


@dataclass(frozen=True)
class OcclusionReference:
    """A track's reference appearance on the canonical grid.

    Attributes:
        log_rgb: ``(GRID, GRID, 3) float32`` per-cell median log colour.
        spread: ``(GRID, GRID) float32`` per-cell robust spread of the log colour distance to the median.
        log_detail: ``(GRID, GRID) float32`` per-cell median log fine-structure energy (:func:`_detail`).
        detail_spread: ``(GRID, GRID) float32`` its per-cell robust spread.
        face: ``(GRID, GRID) bool`` cells inside the mesh.
        flaggable: ``(GRID, GRID) bool`` face cells outside the eyes and the mouth interior.
        frames: how many frames it was built from.
    """

    log_rgb: np.ndarray
    spread: np.ndarray
    log_detail: np.ndarray
    detail_spread: np.ndarray
    face: np.ndarray
    flaggable: np.ndarray
    frames: int


@lru_cache(maxsize=1)
def _canonical() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The mean face on the grid: points ``(468, 2)``, triangles, the face cells and the flaggable cells."""
    mean = load_mean_face()[:, :2].astype(np.float64)
    lo, hi = mean.min(axis=0), mean.max(axis=0)
    scale = _FILL * GRID / float(max(hi - lo))
    points = (mean - (lo + hi) / 2) * scale + (GRID - 1) / 2
    triangles = mean_face_mesh_triangles()
    face = backward_map(points, points, triangles, (0, 0, GRID, GRID)).inside
    excluded = np.zeros((GRID, GRID), np.uint8)
    for loop in (LEFT_EYE, RIGHT_EYE, LIPS_INNER):
        cv2.fillPoly(excluded, [np.round(points[list(loop)]).astype(np.int32)], 1)
    excluded = cv2.dilate(excluded, np.ones((2 * _EXCLUDE_GROW + 1,) * 2, np.uint8)).astype(bool)
    return points, triangles, face, face & ~excluded


@lru_cache(maxsize=1)
def _grid_triangles() -> tuple[DestinationTriangles, np.ndarray]:
    """The canonical triangles as a destination (``render.warp.destination_triangles``) and ``(GRID, GRID) int32``
    each grid cell's triangle among those with area (``render.warp.rasterise_triangles``): the grid does not move,
    so :func:`to_canonical` computes neither per frame."""
    grid, triangles, _, _ = _canonical()
    destination = destination_triangles(grid, triangles)
    return destination, rasterise_triangles(grid, triangles[destination.valid], (0, 0, GRID, GRID))


def _check(rgb: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rgb, landmarks = np.asarray(rgb), np.asarray(landmarks)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or landmarks.ndim != 2 or landmarks.shape[0] < 468 or landmarks.shape[1] < 2:
        raise OcclusionError(f"occlusion: expected rgb (H, W, 3) and landmarks (>= 468, >= 2), got {rgb.shape} and "
                             f"{landmarks.shape}")
    return rgb, landmarks[:468, :2].astype(np.float64)


def _detail(part: np.ndarray) -> np.ndarray:
    """``(h, w) float32`` fine structure of a face crop at full resolution: the squared gradient of its log
    luminance (skin pores, wrinkles, an occluder's edges), averaged per cell when the crop is shrunk."""
    # part.mean(axis=-1) to the bit, ~5x faster; the operations below are done in place (no fresh arrays)
    luminance = part[..., 0] + part[..., 1]
    luminance += part[..., 2]
    luminance /= 3
    floor = _LOG_FLOOR * max(float(np.median(luminance)), 1e-4)
    np.maximum(luminance, 0.0, out=luminance)
    luminance += floor
    log_l = np.log(luminance, out=luminance)
    gx = cv2.Sobel(log_l, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(log_l, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    gx *= gx
    gx += np.multiply(gy, gy, out=gy)
    return gx


def _crop_box(size: tuple[int, int], landmarks: np.ndarray) -> tuple[tuple[int, int, int, int], int, tuple[int, int]]:
    """Where :func:`_crop` cuts a ``size (h, w)`` frame: ``(box (x0, y0, x1, y1) in its pixels, the integer factor it
    shrinks by to about the grid's resolution, the shrunk crop's (w, h))``."""
    h, w = size
    lo = np.clip(np.floor(landmarks.min(axis=0)).astype(int) - 1, 0, None)
    hi = np.minimum(np.ceil(landmarks.max(axis=0)).astype(int) + 2, (w, h))
    x0, y0, x1, y1 = int(lo[0]), int(lo[1]), max(int(hi[0]), int(lo[0]) + 1), max(int(hi[1]), int(lo[1]) + 1)
    factor = max(1, int(max(x1 - x0, y1 - y0) / (_FILL * GRID)))
    x1, y1 = min(w, x0 + -(-(x1 - x0) // factor) * factor), min(h, y0 + -(-(y1 - y0) // factor) * factor)
    small = (x1 - x0, y1 - y0) if factor == 1 else ((x1 - x0) // factor or 1, (y1 - y0) // factor or 1)
    return (x0, y0, x1, y1), factor, small


def canonical_read_box(landmarks: np.ndarray, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The part ``(x0, y0, x1, y1)`` of a ``size (h, w)`` frame that :func:`to_canonical` reads for the face at
    ``landmarks`` (``(>= 468, >= 2)`` frame pixels): :func:`to_canonical` of that part alone, the landmarks moved by its
    origin, is the same as of the whole frame (the crop is placed and sized from the landmarks, clipped only at the
    frame's edges), so a reader need not take the whole frame, or a face window several times the face's size."""
    return _crop_box(size, np.asarray(landmarks)[:468, :2].astype(np.float64))[0]


def _crop(rgb: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int], int]:
    """The face's bounding box of ``rgb`` shrunk by an integer factor to about the grid's resolution (:func:`_crop_box`):
    ``(small (h, w, 4): colour and :func:`_detail`, landmarks in small pixels, box (x0, y0, x1, y1) in rgb pixels,
    factor)``."""
    (x0, y0, x1, y1), factor, size = _crop_box(rgb.shape[:2], landmarks)
    part = np.asarray(rgb[y0:y1, x0:x1], np.float32)
    part = cv2.merge([part, _detail(part)])  # one copy into (h, w, 4), faster than numpy's concatenate
    small = part if factor == 1 else cv2.resize(part, size, interpolation=cv2.INTER_AREA)
    return small, _in_crop(landmarks, (x0, y0), factor), (x0, y0, x1, y1), factor


def _in_crop(landmarks: np.ndarray, origin: tuple[int, int], factor: int) -> np.ndarray:
    """``landmarks`` in the pixels of a crop at ``origin`` (x, y) shrunk by ``factor``."""
    return (landmarks - origin + 0.5) / factor - 0.5


def to_canonical(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The face of ``rgb`` unwrapped onto the canonical grid.

    Args:
        rgb: ``(H, W, 3) float32`` scene-linear frame or window.
        landmarks: ``(>= 468, >= 2)`` the face's mesh in ``rgb``'s pixels.

    Returns:
        ``(GRID, GRID, 4) float32``: colour and fine-structure energy (:func:`_detail`); NaN where the face is not
        in ``rgb`` (cut by the frame edge), and cells outside the mesh repeat the nearest edge (see
        ``OcclusionReference.face``).
    """
    rgb, landmarks = _check(rgb, landmarks)
    small, points, _, _ = _crop(rgb, landmarks)
    grid, triangles, _, _ = _canonical()
    destination, ids = _grid_triangles()
    affines, valid = triangle_affines(points, grid, triangles, destination)
    field = affine_field(affines[valid], ids, (0, 0, GRID, GRID))
    out = remap(small, field.map_x, field.map_y)
    h, w = small.shape[:2]
    seen = (field.map_x >= -0.5) & (field.map_x <= w - 0.5) & (field.map_y >= -0.5) & (field.map_y <= h - 0.5)
    out[~seen] = np.nan
    return out


def _log(canonical: np.ndarray, face: np.ndarray) -> np.ndarray:
    """Log colour of a ``(GRID, GRID, 3)`` face, with a floor of :data:`_LOG_FLOOR` times its own per-channel median
    over ``face`` added first (dark noise matters less), so a change of exposure or tint only shifts it."""
    level = nan_median(canonical[face])  # NaN: a face wholly outside the frame
    floor = _LOG_FLOOR * np.maximum(np.nan_to_num(level, nan=1e-4), 1e-4)
    return np.log(np.maximum(canonical, 0.0) + floor)


def _relit(log_rgb: np.ndarray, reference_log: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """``log_rgb`` (colour and detail, ``(GRID, GRID, 4)``) with its global change of light or exposure (a
    per-channel log ratio to the reference) removed.

    The ratio is the mode over ``cells``, not the median: the ratio most cells agree on within
    :data:`_RELIGHT_BAND`, refined by the median of those cells, so an occluder hiding more than half of the face
    (another head, a glass) does not shift the face's own light towards its colours."""
    ratio = log_rgb[cells] - reference_log[cells]
    ratio = ratio[np.isfinite(ratio).all(axis=1)]
    if not len(ratio):
        return log_rgb
    colour = ratio[:, :3].astype(np.float32)
    candidates = colour[np.linspace(0, len(colour) - 1, min(len(colour), _RELIGHT_CANDIDATES)).astype(int)]
    # squared distances |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, (C, N): one matrix product
    squared = (candidates ** 2).sum(axis=1)[:, None] + (colour ** 2).sum(axis=1)[None] - 2.0 * candidates @ colour.T
    near = squared <= _RELIGHT_BAND ** 2
    best = near[int(np.argmax(near.sum(axis=1)))]
    return log_rgb - np.median(ratio[best], axis=0)  # the fine structure's change (focus, scale) over those cells


def _unexplained(log_rgb: np.ndarray, reference_log: np.ndarray, reach: int) -> np.ndarray:
    """``(GRID, GRID)`` each cell's distance (of ``(GRID, GRID, C)`` log colour or detail) to the closest reference
    cell within ``reach`` cells: what a small misfit of the mesh (the face's own features, moved) cannot explain.
    Cells unseen here count as explained, reference cells never seen as far."""
    ref = np.where(np.isfinite(reference_log), reference_log, 1e3).astype(np.float32)
    padded = np.pad(ref, ((reach, reach), (reach, reach), (0, 0)), mode="edge")
    here = log_rgb.astype(np.float32)
    best = np.full(here.shape[:2], np.inf, np.float32)
    for dy in range(2 * reach + 1):
        for dx in range(2 * reach + 1):
            difference = here - padded[dy:dy + GRID, dx:dx + GRID]
            np.minimum(best, np.einsum("ijc,ijc->ij", difference, difference), out=best)
    return np.nan_to_num(np.sqrt(best), nan=0.0)


def nan_quantile(values: np.ndarray, q: float) -> np.ndarray:
    """``np.nanquantile(values, q, axis=0)`` to the bit (linear interpolation; NaN where a column holds no number)
    for ``(S, ...)`` float values (:func:`_per_count`, ~50x faster on the reference's cells)."""
    return _per_count(values, lambda numbers: np.quantile(numbers, q, axis=0))


def nan_median(values: np.ndarray) -> np.ndarray:
    """``np.nanmedian(values, axis=0)`` to the bit (NaN where a column holds no number, without a warning) for
    ``(S, ...)`` float values (:func:`_per_count`; on the reference's ``(16, GRID, GRID, 4)`` logs ~2.5 ms of CPU
    against numpy's ~5.8, on a frame's ``(cells, 4)`` grid with unseen cells ~0.11 against ~0.13)."""
    return _per_count(values, lambda numbers: np.median(numbers, axis=0))


def _per_count(values: np.ndarray, reduce: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``reduce`` (a numpy reduction over axis 0) of each column of ``(S, ...)`` values' numbers, NaN where a column
    holds none: the columns are grouped by how many numbers they hold and each group goes through one ``reduce`` call
    on its sorted numbers (NaN sorts last), instead of numpy's one call per column."""
    ordered = np.sort(values, axis=0)
    counts = (~np.isnan(values)).sum(axis=0)
    out = np.full(values.shape[1:], np.nan, reduce(values[:1, ...]).dtype)
    for count in np.unique(counts[counts > 0]):
        cells = counts == count
        out[cells] = reduce(ordered[:count, cells])
    return out


def build_reference(samples: Iterable[tuple[np.ndarray, np.ndarray]]) -> OcclusionReference:
    """A track's reference appearance from some of its observed frames.

    Args:
        samples: ``(rgb (H, W, 3) float32, landmarks (>= 468, >= 2) in rgb's pixels)`` per frame; at least 3.
            An occluder in fewer than half of them does not enter the reference (per-cell median).

    Raises:
        OcclusionError: fewer than 3 samples, or malformed ones.
    """
    return reference_from_canonical([to_canonical(rgb, lm) for rgb, lm in samples])


def reference_from_canonical(canonical: list[np.ndarray]) -> OcclusionReference:
    """:func:`build_reference` of samples already unwrapped by :func:`to_canonical` (``(GRID, GRID, 4)`` each): a
    caller that reads its samples at different times holds only these small grids, not the frames.

    Raises:
        OcclusionError: fewer than 3 samples, or the face outside every one.
    """
    if len(canonical) < 3:
        raise OcclusionError(f"occlusion: a reference needs at least 3 observed frames, got {len(canonical)}")
    canon = np.stack(canonical)
    _, _, face, flaggable = _canonical()
    seen = np.isfinite(canon).all(axis=-1)  # (S, GRID, GRID)
    if not seen[:, face].any():
        raise OcclusionError("occlusion: the face is outside every reference frame")
    logs = np.stack([_log(c, face) for c in canon])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells (never in the frame) stay NaN
        median = nan_median(logs)
        for _ in range(2):  # relight each sample to the median, then take the median again
            logs = np.stack([_relit(s, median, flaggable) for s in logs])
            median = nan_median(logs)
        distance = np.linalg.norm(logs[..., :3] - median[..., :3], axis=-1)
        spread = SPREAD_SCALE * nan_quantile(distance, SPREAD_QUANTILE)
        detail_spread = SPREAD_SCALE * nan_quantile(np.abs(logs[..., 3] - median[..., 3]), SPREAD_QUANTILE)
    known = seen.sum(axis=0) >= 3  # a cell seen in fewer frames has no reference
    flaggable = flaggable & known
    return OcclusionReference(median[..., :3].astype(np.float32), spread.astype(np.float32),
                              median[..., 3].astype(np.float32), detail_spread.astype(np.float32), face, flaggable,
                              len(canon))


def _occluders(flagged: np.ndarray, log_rgb: np.ndarray, reference: OcclusionReference, limit: np.ndarray,
               config: OcclusionConfig, textured: bool = False) -> np.ndarray:
    """``(GRID, GRID) uint8`` the flagged cells' regions that are occluders, each filled to its convex hull.

    Specks are opened away; a region counts when it is at least ``config.min_area`` of the face and either one
    colour or mostly far in colour from every nearby reference cell (:func:`_unexplained`), or ``textured`` (the
    cells were flagged for losing fine structure every nearby reference cell has)."""
    opened = cv2.morphologyEx(flagged.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    big = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= config.min_area * reference.face.sum())
    kept = np.zeros((GRID, GRID), np.uint8)
    unexplained = None
    for label in big[big > 0]:
        cells = log_rgb[labels == label]
        if not textured and np.median(np.linalg.norm(cells - np.median(cells, axis=0), axis=-1)) > config.coherence:
            # not one colour: a textured occluder (another face, a glass, a cup), or the face's own features moved
            # by a mesh that sits off (a face cut by the frame edge); only the first is far from every nearby
            # reference cell; and it is big (lips and teeth of a wide smile change colour over a small patch)
            if stats[label, cv2.CC_STAT_AREA] < _TEXTURED_AREA * config.min_area * reference.face.sum():
                continue
            if unexplained is None:
                unexplained = _unexplained(log_rgb, reference.log_rgb, config.reach)
            if np.median(unexplained[labels == label] / limit[labels == label]) < 1.0:
                continue
        # occluders are compact: a part matching the skin by chance (a hand on a cheek) is filled
        outline = cv2.findContours((labels == label).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
        cv2.fillPoly(kept, [cv2.convexHull(np.vstack(outline))], 1)
    return kept


def canonical_occlusion(reference: OcclusionReference, rgb: np.ndarray, landmarks: np.ndarray,
                        config: OcclusionConfig = OcclusionConfig(), unwrapped: np.ndarray | None = None) -> np.ndarray:
    """``(GRID, GRID) float32`` in ``[0, 1]``: how hidden each canonical cell of this frame's face is (``unwrapped``:
    :func:`to_canonical` of ``rgb`` and ``landmarks`` when the caller has it already)."""
    unwrapped = to_canonical(rgb, landmarks) if unwrapped is None else unwrapped
    features = _relit(_log(unwrapped, reference.face),
                      np.dstack([reference.log_rgb, reference.log_detail]), reference.flaggable)
    log_rgb = features[..., :3]
    change = np.nan_to_num(np.linalg.norm(log_rgb - reference.log_rgb, axis=-1), nan=0.0)  # unseen: not hidden
    # the floor on the spread: a cell that never changed in the sample still has noise and sub-cell misalignment
    limit = np.clip(config.threshold * reference.spread, config.min_change, config.max_change)
    changed = (change > limit) & reference.face
    kept = _occluders(changed & reference.flaggable, log_rgb, reference, limit, config)
    if config.detail_change > 0:
        # smoother than every reference cell next to it (a hand on a lined cheek, a glass): a mesh that sits off moves
        # the face's own wrinkles and edges, it does not smooth them away
        nearby = cv2.erode(np.nan_to_num(reference.log_detail, nan=-1e3), np.ones((2 * _DETAIL_REACH + 1,) * 2, np.uint8))
        lost = np.nan_to_num(nearby - features[..., 3], nan=0.0)
        smoothed = (lost > np.maximum(config.threshold * reference.detail_spread, config.detail_change))
        smoothed &= reference.face & reference.flaggable
        # what is left of the face's lines under it breaks the region up: closed before specks are opened away
        closed = cv2.morphologyEx(smoothed.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
        kept |= _occluders(closed.astype(bool) & reference.flaggable, log_rgb, reference, limit, config, textured=True)
        changed |= smoothed
    if not kept.any():
        return np.zeros((GRID, GRID), np.float32)
    # the eyes and mouth that changed next to an occluder are hidden by it too (grown from it, never seeded there)
    reach = changed & ~reference.flaggable
    for _ in range(GRID // 4):
        grown = kept | (cv2.dilate(kept, np.ones((3, 3), np.uint8)).astype(bool) & reach)
        if (grown == kept).all():
            break
        kept = grown.astype(np.uint8)
    if config.grow > 0:
        kept = cv2.dilate(kept, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * config.grow + 1,) * 2))
    soft = cv2.GaussianBlur(kept.astype(np.float32), (0, 0), 1.0)
    return np.clip(np.maximum(soft, kept * 0.5) * reference.face, 0.0, 1.0)


def occlusion_mask(reference: OcclusionReference, rgb: np.ndarray, landmarks: np.ndarray,
                   window: tuple[int, int, int, int], config: OcclusionConfig = OcclusionConfig(),
                   unwrapped: np.ndarray | None = None) -> np.ndarray:
    """How hidden the face is over ``window`` of ``rgb``.

    Args:
        reference: the track's :func:`build_reference`.
        rgb: ``(H, W, 3) float32`` the SOURCE frame (or a window of it) the plate is composited over.
        landmarks: ``(>= 468, >= 2)`` the face's (source) mesh in ``rgb``'s pixels.
        window: ``(x0, y0, x1, y1)`` in ``rgb``'s pixels (the plate's data window).
        config: thresholds.
        unwrapped: ``(GRID, GRID, 4)`` :func:`to_canonical` of ``rgb`` and ``landmarks`` when the caller has it (a
            reference's sample frame: ~2 ms of CPU at 1080p not spent again), else None.

    Returns:
        ``(y1 - y0, x1 - x0) float32`` in ``[0, 1]``; 0 outside the face.
    """
    rgb, points = _check(rgb, landmarks)
    x0, y0, x1, y1 = window
    out = np.zeros((y1 - y0, x1 - x0), np.float32)
    canonical = canonical_occlusion(reference, rgb, points, config, unwrapped)
    if not canonical.any():
        return out
    (bx0, by0, bx1, by1), factor, (small_w, small_h) = _crop_box(rgb.shape[:2], points)  # the crop's geometry only
    grid, triangles, _, _ = _canonical()
    field = backward_map(grid, _in_crop(points, (bx0, by0), factor), triangles, (0, 0, small_w, small_h))
    mapped = cv2.remap(canonical, field.map_x, field.map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mapped *= field.inside
    if factor > 1:
        mapped = cv2.resize(mapped, (bx1 - bx0, by1 - by0), interpolation=cv2.INTER_LINEAR)
    mapped = mapped[:by1 - by0, :bx1 - bx0]
    ix0, iy0, ix1, iy1 = max(x0, bx0), max(y0, by0), min(x1, bx1), min(y1, by1)
    if ix1 > ix0 and iy1 > iy0:
        out[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0] = mapped[iy0 - by0:iy1 - by0, ix0 - bx0:ix1 - bx0]
    return out


def unoccluded(plate: FacePlate, occlusion: np.ndarray) -> FacePlate:
    """``plate`` with the source shown through where it is hidden: colour, alpha, blend mask and per-face layers
    times ``1 - occlusion`` (a per-pixel dissolve towards the source). ``occlusion`` covers the plate's window."""
    if occlusion.shape != plate.mask.shape:
        raise OcclusionError(f"frame {plate.frame}: occlusion {occlusion.shape} does not cover the plate's window "
                             f"{plate.mask.shape}")
    if not occlusion.any():
        return plate
    keep = (1.0 - occlusion).astype(np.float32)
    return replace(plate, rgba=channel_weighted(keep, plate.rgba), mask=plate.mask * keep,
                   faces={tid: channel_weighted(keep, layer) for tid, layer in plate.faces.items()})
