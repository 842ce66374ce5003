"""How much of the skin's fine texture an edit keeps: high-pass energy, result over source.

Two measures: :func:`texture_ratio` over the whole face mask (it includes the mouth and eyes, whose edges an edit
moves, opens or closes: teeth edges dominate it), and :func:`skin_texture_ratio` over skin patches alone (forehead,
cheeks, chin, away from the eyes, brows and lips of source and result): whether the render softens skin it should
keep. Measured on the speaking astronaut (seed 0, 24 frames, IOD 44 px; h129): neutral, sad and angry keep
0.40-0.42 of the subject's left cheek's detail (0.98 of the right's), 0.99-1.00 with ``smile_relax`` off (it flattens
the band coarser than 0.06 IOD, 2.6 px there); happy keeps 1.00-1.03 on forehead and cheeks: the warp's bilinear
resampling and the composite lose nothing measurable there. The forehead gains (sad 1.7, surprised 1.5: the brow
lines ``creases.py`` draws), the chin loses some (sad 0.81, surprised 0.84: stretched by the warp).
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LEFT_BROW, LEFT_EYE, LIPS_OUTER, RIGHT_BROW, RIGHT_EYE, interocular_distance

# skin patches (MediaPipe landmark at the centre, radius in IOD): mid-forehead, each cheek below the eye and outside
# the nasolabial fold, chin above its tip
SKIN_PATCHES = {"forehead": (151, 0.22), "cheek_right": (117, 0.13), "cheek_left": (346, 0.13), "chin": (199, 0.10)}
FEATURE_MARGIN_IOD = 0.1  # the patches stay this far off the eyes, brows and lips
FEATURES = (RIGHT_EYE, LEFT_EYE, RIGHT_BROW, LEFT_BROW, LIPS_OUTER)


def fine_band(image: np.ndarray) -> np.ndarray:
    """``(H, W) float32`` difference of Gaussians (sigma 0.7 px minus 2 px) of the grey of ``(H, W, 3) uint8`` RGB."""
    grey = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY).astype(np.float32)
    return cv2.GaussianBlur(grey, (0, 0), 0.7) - cv2.GaussianBlur(grey, (0, 0), 2.0)


def texture_ratio(source: np.ndarray, result: np.ndarray, masks: np.ndarray) -> float:
    """Ratio of the result's to the source's fine-detail energy inside the face (1 = as detailed; < 1 = smoothed).

    Args:
        source, result: ``(T, H, W, 3) uint8`` sRGB frames.
        masks: ``(T, H, W)`` float face masks (weights 0-1), e.g. ``ShotInputs.masks``.

    Returns:
        Sum over frames of the mask-weighted squared :func:`fine_band` of the result, over the same of the source.
    """
    energy = np.zeros(2)
    for src, res, mask in zip(source, result, masks):
        for k, im in enumerate((src, res)):
            band = fine_band(im)
            energy[k] += float((band * band * mask).sum())
    return float(energy[1] / energy[0]) if energy[0] > 0 else float("nan")


def skin_mask(source_landmarks: np.ndarray, result_landmarks: np.ndarray, shape: tuple[int, int],
              patch: str | None = None) -> np.ndarray:
    """``(H, W) float32`` 1 on the :data:`SKIN_PATCHES` (placed by the source's ``(478, 2+)`` landmarks; one of them
    when ``patch`` names it), 0 within :data:`FEATURE_MARGIN_IOD` of the eyes, brows and lips of source or result
    (a raised brow moved into the forehead patch is not skin detail)."""
    iod = float(interocular_distance(source_landmarks[:, :2]))
    mask = np.zeros(shape, np.uint8)
    for name, (index, radius) in SKIN_PATCHES.items():
        if patch is None or name == patch:
            centre = np.round(source_landmarks[index, :2]).astype(int)
            cv2.circle(mask, (int(centre[0]), int(centre[1])), max(1, round(radius * iod)), 1, -1)
    features = np.zeros(shape, np.uint8)
    for landmarks in (source_landmarks, result_landmarks):
        for region in FEATURES:
            cv2.fillConvexPoly(features, np.round(landmarks[list(region), :2]).astype(np.int32), 1)
    grow = 2 * max(1, round(FEATURE_MARGIN_IOD * iod)) + 1
    features = cv2.dilate(features, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
    return (mask * (1 - features)).astype(np.float32)


def skin_texture_ratio(source: np.ndarray, result: np.ndarray, source_landmarks: np.ndarray,
                       result_landmarks: np.ndarray, patch: str | None = None) -> float:
    """:func:`texture_ratio` over the skin patches alone (:func:`skin_mask`): 1 = the skin as detailed as the source's.

    Args:
        source, result: ``(T, H, W, 3) uint8`` sRGB frames.
        source_landmarks, result_landmarks: ``(T, 478, 2+)`` pixels (e.g. ``ShotInputs.source_landmarks`` and
            ``result_landmarks``).
        patch: one of :data:`SKIN_PATCHES` alone, or None for all of them.
    """
    masks = np.stack([skin_mask(s, r, src.shape[:2], patch)
                      for src, s, r in zip(source, source_landmarks, result_landmarks)])
    return texture_ratio(source, result, masks)
