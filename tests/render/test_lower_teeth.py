"""keep_lower_teeth: a lower lip pushed up slides over lower teeth that stay put, instead of squeezing them."""

from __future__ import annotations

import numpy as np

from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render import RenderConfig, render_mesh_warp
from ned_core.render.lower_teeth import keep_lower_teeth

UPPER, LOWER = INNER_PAIRS[4]  # the inner lips' middle pair (13 above, 14 below)


def _raised(lm: np.ndarray, share: float) -> np.ndarray:
    """The landmarks with every lower inner-lip point raised by ``share`` of its pair's gap (AU17's push)."""
    dst = lm.copy()
    dst[INNER_PAIRS[:, 1], 1] -= share * (lm[INNER_PAIRS[:, 1], 1] - lm[INNER_PAIRS[:, 0], 1])
    return dst


def _sampled_row(out, x: float, y: float) -> float:
    """The source row the render takes at target pixel (x, y)."""
    x0, y0 = out.box[:2]
    return float(out.sample_map[1][int(round(y)) - y0, int(round(x)) - x0])


def test_a_raised_lower_lip_covers_its_teeth_instead_of_squeezing_them(astronaut_face):
    """The astronaut's smile with teeth, the lower inner lip raised by half the gap (~3.7 px mid-mouth): just above
    the raised lip the render shows the source at the same place (the teeth stayed, the lip covers the band below);
    the plain warp carried the teeth up with the lip, squeezed (it sampled 3.4 px lower there). Under the upper lip
    the interior is the warp's as before."""
    frame, lm = astronaut_face
    dst = _raised(lm, 0.5)
    out = render_mesh_warp(1, frame, lm, dst, RenderConfig())
    rise = float(lm[LOWER, 1] - dst[LOWER, 1])
    assert rise > 3.5
    x, y = 0.5 * (dst[UPPER, 0] + dst[LOWER, 0]), dst[LOWER, 1] - 1.0
    assert abs(_sampled_row(out, x, y) - y) < 1.0
    below_upper = dst[UPPER, 1] + 1.0
    assert abs(_sampled_row(out, x, below_upper) - below_upper) < 0.6


def test_a_lower_lip_that_drops_or_stays_leaves_the_warp_alone(astronaut_face):
    _, lm = astronaut_face
    maps = (np.zeros((8, 8), np.float32), np.zeros((8, 8), np.float32))
    for dst in (lm, _raised(lm, -0.4)):
        kept = keep_lower_teeth(*maps, (0, 0, 8, 8), lm[:, :2].astype(np.float64), dst[:, :2].astype(np.float64))
        assert kept[0] is maps[0] and kept[1] is maps[1]
