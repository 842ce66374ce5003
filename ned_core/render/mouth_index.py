"""Per-shot mouth index: pose-normalised inner-lip shapes and small mouth patches of open-mouth frames.

Face2Face-style retrieval: a target mouth shape is matched to the shot's own frame whose inner
lips have the nearest shape, and that frame's mouth interior is reused. Shapes are compared in the
mean-face template space (unit = inter-ocular distance), so head pose and face size drop out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from ned_core.analysis import crop
from ned_core.analysis.align import alignment_points
from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER
from ned_core.exceptions import MouthIndexError
from ned_core.render.base import ShotContext
from ned_core.render.config import RenderConfig

PATCH_SPAN_IOD = (1.2, 0.9)  # width, height of a mouth patch around the mouth centre
RING_IOD = 0.08  # width of the skin ring around the outer lips used for colour statistics


@lru_cache(maxsize=1)
def _template() -> np.ndarray:
    return load_mean_face()[:, :2].astype(np.float64)


def template_from_image(landmarks: np.ndarray) -> np.ndarray:
    """``(2, 3) float64`` similarity taking image pixels to template space (IOD units), fitted on rigid points."""
    idx = alignment_points()
    return similarity_transform(np.asarray(landmarks, np.float64)[idx, :2], _template()[idx])


def mouth_shape(landmarks: np.ndarray, to_template: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Pose-normalised inner-lip shape of one frame.

    Args:
        landmarks: ``(>= 468, >= 2)`` image pixels.
        to_template: the frame's :func:`template_from_image` when already computed, else None.

    Returns:
        ``(descriptor (40,) float64, opening)``: the 20 inner-lip points in template space minus
        their centroid, flattened; the inner-lip polygon's area in IOD^2.
    """
    m = template_from_image(landmarks) if to_template is None else to_template
    pts = crop.apply_affine(m, np.asarray(landmarks, np.float64)[list(LIPS_INNER), :2])
    x, y = pts[:, 0], pts[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    return (pts - pts.mean(axis=0)).ravel(), area


def patch_geometry(config: RenderConfig) -> tuple[np.ndarray, tuple[int, int]]:
    """``(patch_from_template (2, 3) float64, (width, height))`` of the mouth patches."""
    ppi = config.patch_px_per_iod
    size = (round(PATCH_SPAN_IOD[0] * ppi), round(PATCH_SPAN_IOD[1] * ppi))
    centre = _template()[list(LIPS_OUTER)].mean(axis=0)
    offset = (np.array(size, np.float64) - 1) / 2 - ppi * centre
    return np.array([[ppi, 0.0, offset[0]], [0.0, ppi, offset[1]]]), size


def mouth_patch(frame: np.ndarray, landmarks: np.ndarray, config: RenderConfig) -> tuple[np.ndarray, np.ndarray]:
    """The pose-normalised mouth patch of a frame and where its landmarks fall in it.

    Returns:
        ``(patch (ph, pw, 3) float32, patch_from_image (2, 3) float64)``.
    """
    to_patch, size = patch_from_image(landmarks, config)
    return crop.warp(np.asarray(frame, np.float32), to_patch, size), to_patch


def patch_footprint(landmarks: np.ndarray, config: RenderConfig) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)`` (exclusive) of the frame pixels :func:`mouth_patch` reads, interpolation included:
    a frame reader may decode only this part for the mouth index."""
    to_patch, (w, h) = patch_from_image(landmarks, config)
    corners = crop.apply_affine(crop.invert_affine(to_patch),
                                np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64))
    (x0, y0), (x1, y1) = np.floor(corners.min(axis=0)) - 3, np.ceil(corners.max(axis=0)) + 3
    return int(x0), int(y0), int(x1), int(y1)


def patch_from_image(landmarks: np.ndarray, config: RenderConfig) -> tuple[np.ndarray, tuple[int, int]]:
    """``(patch_from_image (2, 3) float64, (width, height))``: image pixels of a frame with ``landmarks`` to its
    mouth patch (the head's pose and size normalised on rigid points)."""
    to_patch, size = patch_geometry(config)
    m = template_from_image(landmarks)
    return np.hstack([to_patch[:, :2] @ m[:, :2], (to_patch[:, :2] @ m[:, 2] + to_patch[:, 2])[:, None]]), size


def ring_mean(patch: np.ndarray, outer_lips: np.ndarray, config: RenderConfig) -> np.ndarray:
    """Per-channel ``(3,)`` mean colour of the skin ring just outside the outer lips in a patch.

    Args:
        patch: ``(ph, pw, 3) float32``. outer_lips: ``(20, 2)`` outer-lip points in patch pixels.
    """
    hard = np.zeros(patch.shape[:2], np.uint8)
    cv2.fillPoly(hard, [np.round(outer_lips * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    r = max(1, round(RING_IOD * config.patch_px_per_iod))
    ring = cv2.dilate(hard, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))) > hard
    pixels = patch[ring] if ring.any() else patch.reshape(-1, 3)
    return pixels.mean(axis=0)


@dataclass(frozen=True)
class MouthIndex:
    """Open-mouth frames of one shot, with their mouth patches (at most ``config.max_patches``).

    Attributes:
        frames: ``(K,) int64`` frame numbers.
        descriptors: ``(K, 40) float64`` inner-lip shapes (see :func:`mouth_shape`).
        openings: ``(K,) float64`` inner-lip areas, IOD^2.
        patches: ``(K, ph, pw, 3) float32`` mouth patches (scene-linear).
        inner_lips: ``(K, 20, 2) float64`` inner-lip points in patch pixels.
        ring_mean: ``(K, 3) float32`` mean colour of the skin ring around the lips (exposure and
            white balance of that frame's mouth area).
    """

    frames: np.ndarray
    descriptors: np.ndarray
    openings: np.ndarray
    patches: np.ndarray
    inner_lips: np.ndarray
    ring_mean: np.ndarray

    @property
    def empty(self) -> bool:
        """True when the shot has no open-mouth frame (interiors must be synthesised)."""
        return len(self.frames) == 0

    def nearest(self, descriptor: np.ndarray, previous: int | None = None, stickiness: float = 0.0,
                among: np.ndarray | None = None) -> int:
        """Slot of the stored mouth whose inner-lip shape is nearest ``descriptor (40,)`` (L2).

        Args:
            previous: the slot used for the previous frame; it is kept while its distance is within
                ``1 + stickiness`` times the nearest one's (temporal coherence: no switching teeth).
            among: ``(K,) bool`` the slots that may be chosen (``previous`` included), or None for all; at least
                one must be.

        Raises:
            MouthIndexError: the index is empty.
        """
        if self.empty:
            raise MouthIndexError("the shot's mouth index is empty (no open-mouth frame); nothing to retrieve")
        dist = np.linalg.norm(self.descriptors - descriptor, axis=1)
        if among is not None:
            dist = np.where(among, dist, np.inf)
        best = int(np.argmin(dist))
        if previous is not None and 0 <= previous < len(dist) and dist[previous] <= (1.0 + stickiness) * dist[best]:
            return int(previous)
        return best


def _diverse(descriptors: np.ndarray, openings: np.ndarray, count: int) -> np.ndarray:
    """Farthest-point sample of ``count`` rows, starting from the widest-open mouth; sorted row indices."""
    chosen = [int(np.argmax(openings))]
    dist = np.linalg.norm(descriptors - descriptors[chosen[0]], axis=1)
    while len(chosen) < min(count, len(descriptors)):
        chosen.append(int(np.argmax(dist)))
        dist = np.minimum(dist, np.linalg.norm(descriptors - descriptors[chosen[-1]], axis=1))
    return np.sort(np.array(chosen))


def build_mouth_index(shot: ShotContext, config: RenderConfig) -> MouthIndex:
    """Index the shot's open-mouth frames and cache their mouth patches (frames read in increasing order).

    Without a frame reader, or with no frame whose opening reaches ``config.mouth_open``, the index
    is empty and the renderer synthesises interiors.

    Raises:
        MouthIndexError: the frame reader failed or returned something other than ``(H, W, 3)``.
    """
    shapes = [mouth_shape(lm) for lm in np.asarray(shot.landmarks)]
    descriptors = np.array([d for d, _ in shapes]).reshape(len(shapes), -1)
    openings = np.array([o for _, o in shapes], np.float64)
    rows = np.flatnonzero(openings >= config.mouth_open) if shot.frame_reader is not None else np.zeros(0, int)
    if len(rows):
        rows = rows[_diverse(descriptors[rows], openings[rows], config.max_patches)]
    patches, inner, means = [], [], []
    for row in rows:
        number = int(shot.frames[row])
        frame = _read(shot, number)
        patch, to_patch = mouth_patch(frame, shot.landmarks[row], config)
        lm = np.asarray(shot.landmarks[row], np.float64)[:, :2]
        mean = ring_mean(patch, crop.apply_affine(to_patch, lm[list(LIPS_OUTER)]), config)
        patches.append(patch)
        inner.append(crop.apply_affine(to_patch, lm[list(LIPS_INNER)]))
        means.append(mean)
    _, (pw, ph) = patch_geometry(config)
    return MouthIndex(
        frames=np.asarray(shot.frames, np.int64)[rows],
        descriptors=descriptors[rows],
        openings=openings[rows],
        patches=np.array(patches, np.float32).reshape(len(rows), ph, pw, 3),
        inner_lips=np.array(inner, np.float64).reshape(len(rows), len(LIPS_INNER), 2),
        ring_mean=np.array(means, np.float32).reshape(len(rows), 3),
    )


def _read(shot: ShotContext, number: int) -> np.ndarray:
    try:
        frame = shot.frame_reader(number)
    except Exception as err:  # the reader is the pipeline's; name the frame whatever it raised
        raise MouthIndexError(f"mouth index: reading frame {number} failed: {err}") from err
    h, w = shot.frame_size
    if not isinstance(frame, np.ndarray) or frame.shape != (h, w, 3):
        got = getattr(frame, "shape", type(frame).__name__)
        raise MouthIndexError(f"mouth index: frame {number} should be ({h}, {w}, 3) float32, got {got}")
    return frame


def colour_gain(frame: np.ndarray, src: np.ndarray, slot: int, index: MouthIndex, config: RenderConfig) -> np.ndarray:
    """``(3,)`` colour match of the stored mouth ``slot`` to ``frame`` in linear light: a per-channel gain (exposure /
    white balance) that maps the stored frame's skin ring onto the current frame's (``src``: its ``(>= 468, 2)``
    landmarks, frame pixels); a gain keeps the interior's own hue (white teeth stay white, where an additive
    mean/std match would tint them with the skin-to-teeth difference)."""
    patch, to_patch = mouth_patch(frame, src, config)
    mean = ring_mean(patch, crop.apply_affine(to_patch, src[list(LIPS_OUTER)]), config)
    low, high = config.colour_gain_range
    return np.clip(mean / np.maximum(index.ring_mean[slot], 1e-6), low, high)
