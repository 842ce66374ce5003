"""The blend mask: union of the source and target face ovals, eroded, then Gaussian-feathered."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import interocular_distance, polygon
from ned_core.composite.config import CompositeConfig

_SHIFT = 4  # cv2 sub-pixel bits
_COARSE_SIGMA = 2.0  # the mask is built at a resolution where the feather sigma is about this many pixels


def blend_mask(src: np.ndarray, dst: np.ndarray, window: tuple[int, int, int, int],
               config: CompositeConfig) -> np.ndarray:
    """The soft face mask over ``window``, as in the paper: a softly eroded face mask.

    The hard mask is the union of the target face oval (where the new face is) and the source
    face oval (so the old features are covered), eroded by ``config.erode`` IOD and feathered by
    a Gaussian of sigma ``config.feather`` IOD; values below ``config.min_alpha`` become 0. The
    mask is smooth at the feather's scale, so it is built at a resolution where the sigma is
    about 2 pixels and resized up (a large face costs no more than a small one). It is built with a border
    beyond ``window`` as wide as the erosion and the feather reach, so its values depend on the face alone, not
    on where the window ends: a close-up's window ends at the frame edge that cuts the face (chin, forehead), and
    eroded and feathered against that edge the mask faded the edit out over the last 0.2 IOD of the frame (alpha
    0.5 to 0.1): a surprised close-up's raised brows came back as the source's near the top edge (mean change in
    the brow band 11.4 -> 17.8 of 255 with the border, astronaut close-up of the expression bench) and its dropped
    lower lip near the bottom edge (the dark opening's correlation with the words 0.74 -> 0.93, Hopper close-up).
    A window that does not cut the face gets the same mask as before.

    Args:
        src, dst: ``(>= 468, >= 2)`` source and target landmarks, frame pixels.
        window: ``(x0, y0, x1, y1)`` frame pixels, exclusive.
        config: mask settings.

    Returns:
        ``(y1 - y0, x1 - x0) float32`` in 0..1.
    """
    x0, y0, x1, y1 = window
    w, h = x1 - x0, y1 - y0
    iod = float(interocular_distance(dst))
    sigma = config.feather * iod
    factor = max(1, int(sigma / _COARSE_SIGMA))
    cw, ch = -(-w // factor), -(-h // factor)
    radius = round(config.erode * iod / factor)
    pad = radius + int(np.ceil(3.0 * sigma / factor)) + 1  # coarse pixels the erosion and the feather reach
    hard = np.zeros((ch + 2 * pad, cw + 2 * pad), np.uint8)
    for lm in (src, dst):
        # coarse pixel (i, j) covers box pixels around ((i - pad + 0.5) * factor - 0.5, ...)
        coarse = (polygon(lm, "face_oval") - (x0, y0) + 0.5) / factor - 0.5 + pad
        cv2.fillPoly(hard, [np.round(coarse * (1 << _SHIFT)).astype(np.int32)], 255, cv2.LINE_8, _SHIFT)
    if radius > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        hard = cv2.erode(hard, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    mask = hard.astype(np.float32) / 255.0
    if sigma > 0:
        mask = cv2.GaussianBlur(mask, (0, 0), sigma / factor, borderType=cv2.BORDER_CONSTANT)
    if factor > 1:
        mask = cv2.resize(mask, ((cw + 2 * pad) * factor, (ch + 2 * pad) * factor), interpolation=cv2.INTER_LINEAR)
    edge = pad * factor
    mask = mask[edge : edge + h, edge : edge + w]
    mask[mask < config.min_alpha] = 0.0
    return np.clip(mask, 0.0, 1.0)
