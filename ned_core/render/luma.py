"""Rec. 709 luma of linear RGB, the brightness every render stage compares (lips, teeth, rims, skin shading)."""

from __future__ import annotations

import numpy as np

LUMA_709 = np.array([0.2126, 0.7152, 0.0722], np.float32)  # Rec. 709 / sRGB primaries' luma weights


def luma(rgb: np.ndarray) -> np.ndarray:
    """``(...)`` float32 luma of ``(..., 3)`` linear RGB."""
    return rgb @ LUMA_709
