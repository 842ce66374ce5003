"""Alignment: Procrustes similarity of each frame's landmarks to the mean face, and aligned face crops."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ned_core.analysis import crop
from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import FACE_OVAL
from ned_core.exceptions import ShapeError

SUBNASALE = 2  # mesh point under the nose; points above it do not move with speech


@dataclass(frozen=True)
class Alignment:
    """Per-frame similarity maps between image and aligned-crop pixels (OpenCV pixel-centre convention).

    Attributes:
        crop_from_image: ``(T, 2, 3) float64``; ``crop_xy = M[:, :2] @ xy + M[:, 2]``.
        image_from_crop: ``(T, 2, 3) float64``, the inverses.
        crop_size: side of the square aligned crop in pixels.
    """

    crop_from_image: np.ndarray
    image_from_crop: np.ndarray
    crop_size: int


@lru_cache(maxsize=8)
def template_in_crop(crop_size: int, iod_fraction: float) -> np.ndarray:
    """Where the mean face's 468 points sit in the aligned crop: ``(468, 2) float64`` crop pixels.

    The mean face is scaled so its inter-ocular distance is ``iod_fraction * crop_size`` and its
    face-oval bounding box is centred in the crop.
    """
    xy = load_mean_face()[:, :2].astype(np.float64) * (iod_fraction * crop_size)
    oval = xy[list(FACE_OVAL)]
    return xy - (oval.min(axis=0) + oval.max(axis=0)) / 2.0 + (crop_size - 1) / 2.0


@lru_cache(maxsize=1)
def alignment_points() -> np.ndarray:
    """Mesh indices used for alignment: every point above the subnasale (rigid under speech)."""
    template = load_mean_face()
    return np.flatnonzero(template[:, 1] < template[SUBNASALE, 1])


def align_landmarks(landmarks: np.ndarray, crop_size: int, iod_fraction: float) -> Alignment:
    """Similarity maps taking each frame's face onto the mean face in a ``crop_size`` square.

    Args:
        landmarks: ``(T, N >= 468, >= 2)`` image pixels (smoothed landmarks give steady crops).
        crop_size: aligned crop side (256 default, up to 1024).
        iod_fraction: inter-ocular distance as a fraction of the crop side.

    Returns:
        The per-frame maps and their inverses.
    """
    if landmarks.ndim != 3 or landmarks.shape[1] < 468:
        raise ShapeError("align_landmarks", "(T, 478, 3) landmarks", landmarks.shape)
    target = template_in_crop(crop_size, iod_fraction)
    idx = alignment_points()
    fwd = np.stack([similarity_transform(lm[idx, :2], target[idx]) for lm in landmarks]) if len(landmarks) \
        else np.zeros((0, 2, 3))
    inv = np.stack([crop.invert_affine(m) for m in fwd]) if len(fwd) else np.zeros((0, 2, 3))
    return Alignment(crop_from_image=fwd, image_from_crop=inv, crop_size=crop_size)


def aligned_crop(image: np.ndarray, crop_from_image: np.ndarray, crop_size: int) -> np.ndarray:
    """The aligned face crop of one frame: ``(crop_size, crop_size, C)``, same dtype as ``image``."""
    return crop.warp(image, crop_from_image, (crop_size, crop_size))
