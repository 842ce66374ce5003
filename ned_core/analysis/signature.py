"""Per-frame and per-face descriptors: frame colour histogram (cuts), face shape and colour (re-attachment)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ned_core.analysis.regions import FACE_OVAL, LEFT_EYE, RIGHT_EYE
from ned_core.analysis.types import FaceObservation, FrameFaces

HIST_BINS = 16  # per channel
THUMB_SIZE = (64, 36)
FACE_PATCH = 64  # face colour is measured on the face shrunk to at most this many pixels across
FLAT_STD = 2.0  # a frame whose thumbnail varies less than this (8-bit levels, any channel) has no content
# Points that speech and expression move little: eyes, nose ridge, face outline above the jaw.
SHAPE_POINTS = RIGHT_EYE + LEFT_EYE + (168, 6, 197, 195, 5, 4, 1, 98, 327) + FACE_OVAL[:11] + FACE_OVAL[26:]
CHROMA_BINS = 8
CHROMA_RANGE = ((0.2, 0.6), (0.2, 0.45))  # r/(r+g+b), g/(r+g+b) window covering skin tones (clamped)
SHAPE_SPREAD = 0.03  # shape distance that counts as one unit (same face <= 0.015, two people ~0.06)
COLOUR_SPREAD = 0.25  # colour distance that counts as one unit (same face <= 0.06, two people ~0.5)


def colour_histogram(pixels: np.ndarray) -> np.ndarray:
    """Per-channel histogram of ``(N, 3) uint8`` pixels: ``(3 * 16,) float32``, each channel summing to 1."""
    hists = [np.bincount(pixels[:, c] >> 4, minlength=HIST_BINS).astype(np.float32) for c in range(3)]
    return np.concatenate([h / max(h.sum(), 1.0) for h in hists])


def histogram_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Half the L1 distance between two :func:`colour_histogram` results, averaged over channels (0..1)."""
    return float(np.abs(a - b).sum() / 6.0)


def frame_summary(image: np.ndarray) -> tuple[np.ndarray, bool]:
    """Cut-detection descriptors of a frame from one small thumbnail.

    Returns:
        The ``(48,) float32`` colour histogram of the whole frame, and whether the frame is flat
        (black, white or one colour: no content).
    """
    step = max(1, min(image.shape[0] // (4 * THUMB_SIZE[1]), image.shape[1] // (4 * THUMB_SIZE[0])))
    thumb = cv2.resize(image[::step, ::step], THUMB_SIZE, interpolation=cv2.INTER_AREA)  # strided: cheap at 4K
    flat = float(thumb.reshape(-1, 3).astype(np.float32).std(axis=0).max()) < FLAT_STD
    return colour_histogram(thumb.reshape(-1, 3)), flat


def face_colour(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Exposure-tolerant colour descriptor of the skin inside the face oval, ``(72,) float32``.

    An 8x8 rg-chromaticity histogram (hue/saturation, independent of brightness) followed by an
    8-bin histogram of luminance relative to the face's median; each part sums to 1. Computed on
    the face area shrunk to at most 64 pixels across (cheap at any resolution).

    Args:
        image: ``(H, W, 3) uint8``.
        landmarks: ``(N >= 468, 3)`` in image pixels.
    """
    oval = landmarks[list(FACE_OVAL), :2].astype(np.float64)
    x0, y0 = np.maximum(np.floor(oval.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(oval.max(axis=0)).astype(int) + 1, [image.shape[1], image.shape[0]])
    pixels = np.zeros((0, 3), np.float32)
    if x1 > x0 and y1 > y0:
        shrink = min(1.0, FACE_PATCH / max(x1 - x0, y1 - y0))
        size = (max(1, round((x1 - x0) * shrink)), max(1, round((y1 - y0) * shrink)))
        patch = cv2.resize(image[y0:y1, x0:x1], size, interpolation=cv2.INTER_AREA)
        mask = np.zeros(patch.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round((oval - [x0, y0]) * shrink).astype(np.int32)], 1)
        pixels = patch[mask.astype(bool)].astype(np.float32)
    total = pixels.sum(axis=1) + 1e-3
    bins = []
    for value, (lo, hi) in zip((pixels[:, 0] / total, pixels[:, 1] / total), CHROMA_RANGE):
        bins.append(np.clip(((value - lo) / (hi - lo) * CHROMA_BINS).astype(int), 0, CHROMA_BINS - 1))
    chroma = np.bincount(bins[0] * CHROMA_BINS + bins[1], minlength=CHROMA_BINS**2).astype(np.float64)
    lum = total / max(float(np.median(total)), 1e-3)
    light = np.bincount(np.clip((lum * 4).astype(int), 0, 7), minlength=8).astype(np.float64)
    return np.concatenate([p / max(p.sum(), 1.0) for p in (chroma, light)]).astype(np.float32)


def appearance_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Half the L1 distance between two :func:`face_colour` results, averaged over its two parts (0..1)."""
    return float(np.abs(a - b).sum() / 4.0)


def face_shape(landmarks: np.ndarray) -> np.ndarray:
    """The face's 2D proportions with position, size and roll removed: ``(K, 2) float32``, unit RMS radius."""
    pts = landmarks[list(SHAPE_POINTS), :2].astype(np.float64)
    pts = pts - pts.mean(axis=0)
    pts /= max(float(np.sqrt((pts**2).sum(axis=1).mean())), 1e-9)
    d = landmarks[263, :2].astype(np.float64) - landmarks[33, :2]
    c, s = d / max(float(np.hypot(*d)), 1e-9)
    return (pts @ np.array([[c, -s], [s, c]])).astype(np.float32)


def shape_distance(a: np.ndarray, b: np.ndarray) -> float:
    """RMS distance between two :func:`face_shape` results (0 = same proportions; ~0.02 same person)."""
    return float(np.sqrt(((a - b) ** 2).sum(axis=1).mean()))


def describe_frame(frame: int, image: np.ndarray, faces: Sequence[FaceObservation],
                   summary: tuple[np.ndarray, bool] | None = None) -> FrameFaces:
    """Bundle a frame's faces with its histogram, flatness and per-face colour (input of ``track_faces``).

    Args:
        summary: :func:`frame_summary` of ``image`` if already computed.
    """
    histogram, flat = summary if summary is not None else frame_summary(image)
    appearance = (np.stack([face_colour(image, f.landmarks) for f in faces]) if faces
                  else np.zeros((0, 72), np.float32))
    return FrameFaces(frame=int(frame), faces=tuple(faces), histogram=histogram, flat=flat, appearance=appearance)


def signature_distance(shape_a: np.ndarray, colour_a: np.ndarray, shape_b: np.ndarray, colour_b: np.ndarray) -> float:
    """How unlike two faces are: mean of shape and colour distances, each in units of their spread.

    Measured on the test photos: the same face under noise, rescaling, exposure change or a 20 degree
    roll scores <= 0.4; two different people ~2. ``AnalysisConfig.reattach_distance`` sits between.
    """
    shape = shape_distance(shape_a, shape_b) / SHAPE_SPREAD
    return 0.5 * shape + 0.5 * appearance_distance(colour_a, colour_b) / COLOUR_SPREAD
