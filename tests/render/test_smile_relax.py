"""smile_relax: the smile's shading fades only where the edit takes a smile away (not an unsmiling face's folds)."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.render.smile_relax import CHEEKS, CORNERS, relax_smile, relax_weight


def _face(corner_lift: float) -> np.ndarray:
    """``(468, 2)`` image pixels: the mean face (IOD ~100 px) with its mouth corners raised by ``corner_lift`` IOD."""
    face = load_mean_face()[:, :2].astype(np.float64).copy()
    face[list(CORNERS), 1] -= corner_lift
    return face * 100.0 + 300.0


def test_the_shading_fades_where_a_smile_is_taken_away():
    smiling, resting, lowered = _face(0.06), _face(0.0), _face(-0.05)
    assert relax_weight(smiling, resting) > 0.9  # a broad smile made neutral / sad
    assert relax_weight(smiling, smiling) == 0.0  # kept
    # an unsmiling face made sad: its corners come down as far, but its folds are its own (Grace Hopper's)
    assert relax_weight(resting, lowered) == 0.0


def test_the_smile_band_fades_the_texture_and_coarse_light_stay():
    rng = np.random.default_rng(0)
    h = w = 600
    face = _face(0.0)
    apple = face[CHEEKS[0]]  # the cheek apple, ~100 px IOD
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.5 + 0.3 * xx / w  # coarse light across the face
    fold = 1.0 - 0.3 * np.exp(-((xx - apple[0]) ** 2) / (2 * 8.0**2))  # a shading line ~0.2 IOD wide
    pores = 1.0 + 0.05 * rng.standard_normal((h, w)).astype(np.float32)  # finer than 0.03 IOD
    rgb = np.repeat((light * fold * pores)[:, :, None], 3, axis=2)
    out = relax_smile(rgb, (0, 0, w, h), face, 1.0)
    x, y = np.round(apple).astype(int)
    window = (slice(y - 20, y + 20), slice(x - 20, x + 20))

    def bands(image: np.ndarray) -> tuple[float, float]:
        log = np.log(image[..., 0] / light)
        fine = log - cv2.GaussianBlur(log, (0, 0), 1.5)
        shading = cv2.GaussianBlur(log, (0, 0), 1.5) - cv2.GaussianBlur(log, (0, 0), 25.0)
        return float(np.std(fine[window])), float(np.std(shading[window]))

    (fine_in, band_in), (fine_out, band_out) = bands(rgb), bands(out)
    assert band_out < 0.3 * band_in  # the shading line fades
    assert fine_out > 0.8 * fine_in  # the pores stay
    np.testing.assert_allclose(out[:40, :40], rgb[:40, :40])  # far from the cheeks and folds: untouched
