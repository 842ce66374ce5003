"""How much of the skin's fine texture an edit keeps: high-pass energy inside the face, result over source."""

from __future__ import annotations

import cv2
import numpy as np


def texture_ratio(source: np.ndarray, result: np.ndarray, masks: np.ndarray) -> float:
    """Ratio of the result's to the source's fine-detail energy inside the face (1 = as detailed; < 1 = smoothed).

    Args:
        source, result: ``(T, H, W, 3) uint8`` sRGB frames.
        masks: ``(T, H, W)`` float face masks (weights 0-1), e.g. ``ShotInputs.masks``.

    Returns:
        Sum over frames of the mask-weighted squared difference-of-Gaussians (sigma 0.7 px minus 2 px, grey) of the
        result, over the same of the source.
    """
    energy = np.zeros(2)
    for src, res, mask in zip(source, result, masks):
        for k, im in enumerate((src, res)):
            grey = cv2.cvtColor(np.ascontiguousarray(im), cv2.COLOR_RGB2GRAY).astype(np.float32)
            band = cv2.GaussianBlur(grey, (0, 0), 0.7) - cv2.GaussianBlur(grey, (0, 0), 2.0)
            energy[k] += float((band * band * mask).sum())
    return float(energy[1] / energy[0]) if energy[0] > 0 else float("nan")
