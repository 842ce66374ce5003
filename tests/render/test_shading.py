"""Shading's application of a log-gain: each channel scaled by exp(gain * CREASE_TINT), only inside the window, for
the gain's working resolution up to the IOD's and beyond it (worked out small, scaled back up)."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import interocular_distance
from ned_core.render.shading import CREASE_TINT, WORK_IOD_PX, shade

GAIN = -0.3  # a crease's depth: a darkening


def _block_gain(sub: np.ndarray, dst: np.ndarray, iod: float, rims: np.ndarray | None) -> np.ndarray:
    """A constant log-gain over the middle of the window, none at its border."""
    gain = np.zeros(sub.shape[:2], np.float32)
    h, w = gain.shape
    gain[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = GAIN
    return gain


@pytest.mark.parametrize("iod", [0.6 * WORK_IOD_PX, 2.0 * WORK_IOD_PX])
def test_a_gain_scales_each_channel_by_its_tint_inside_the_window_only(iod: float) -> None:
    dst = load_mean_face()[:, :2].astype(np.float64) * iod + 2.0 * iod
    assert float(interocular_distance(dst)) == pytest.approx(iod)
    box = (0, 0, int(4 * iod), int(4 * iod))
    rng = np.random.default_rng(0)
    rgb = rng.uniform(0.2, 0.6, (box[3], box[2], 3)).astype(np.float32)
    before = rgb.copy()
    window = (int(iod), int(iod), int(3 * iod), int(3 * iod))
    out = shade(rgb, box, window, dst, _block_gain)
    np.testing.assert_array_equal(rgb, before)  # a new array: the input is left alone
    inside = np.zeros(rgb.shape[:2], bool)
    inside[window[1] : window[3], window[0] : window[2]] = True
    np.testing.assert_array_equal(out[~inside], rgb[~inside])
    # the middle of the block: every channel scaled by exp(gain * tint), red least darkened, blue most
    ratio = out[int(1.9 * iod), int(1.9 * iod)] / rgb[int(1.9 * iod), int(1.9 * iod)]
    np.testing.assert_allclose(ratio, np.exp(GAIN * CREASE_TINT), rtol=1e-5)
    assert ratio[0] > ratio[1] > ratio[2]


def test_a_window_off_the_box_returns_the_input() -> None:
    dst = load_mean_face()[:, :2].astype(np.float64) * 50.0 + 100.0
    rgb = np.full((200, 200, 3), 0.4, np.float32)
    assert shade(rgb, (0, 0, 200, 200), (300, 300, 400, 400), dst, _block_gain) is rgb


def test_a_highlight_scales_the_channels_alike() -> None:
    """A gain > 0 (a groove's lit side, a cheek apple's highlight) brightens the skin without tinting it: tinted as
    a crease's darkening, blue rose exp(0.35 g) times more than red (a bluish, greyer sheen)."""
    iod = 0.6 * WORK_IOD_PX
    dst = load_mean_face()[:, :2].astype(np.float64) * iod + 2.0 * iod
    box = (0, 0, int(4 * iod), int(4 * iod))
    rgb = np.full((box[3], box[2], 3), (0.5, 0.3, 0.2), np.float32)
    out = shade(rgb, box, box, dst, lambda sub, lm, s, r: -_block_gain(sub, lm, s, r))
    ratio = out[int(1.9 * iod), int(1.9 * iod)] / rgb[int(1.9 * iod), int(1.9 * iod)]
    np.testing.assert_allclose(ratio, np.exp(-GAIN), rtol=1e-5)
