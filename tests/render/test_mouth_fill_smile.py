"""A smile that parts the lips wider than the nearest stored mouth shows stored teeth at their own size over a cavity.

Grace Hopper speaking, made happy: the target lifts the upper lip and parts the lips further than any of the shot's
grins; the fill retrieved the stored mouth nearest the target's shape, a grin whose teeth meet, and warped it whole
into the wider opening: one flat, vertically stretched grey slab, no gaps, no cavity. Where the nearest stored mouth
would be stretched, the fill now takes the nearest one that shows a cavity and stretches (or squeezes) only the
dark band between its teeth (``mouth_fill._stretch_band``): its upper teeth hang from the target's upper lip at
their own size, whatever the stored mouth's opening.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.render.test_mouth_fill_cavity import _grin_interior
from tests.render.test_mouth_fill_split import (IOD_PX, LOWER, OWN_TEETH, SIZE, STORED_TEETH_IOD, UPPER, _face, _frame,
                                                _lum, _own_interior, _stored_interior)

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER
from ned_core.render import MOUTH_RETRIEVED, RenderConfig, build_mouth_index
from ned_core.render.base import ShotContext
from ned_core.render.mouth_fill import fill_mouth, reach_share
from ned_core.render.mouth_index import mouth_shape

UPPER_INNER, UPPER_OUTER = LIPS_INNER[11:20], LIPS_OUTER[11:20]


def _smile(face: np.ndarray, lift_iod: float) -> np.ndarray:
    """``face`` with the upper lip lifted (``lift_iod`` in the middle, tapering to half at the corners) and the corners
    drawn out and up a little: the lips part further without the lower lip dropping."""
    out = np.array(face, np.float64)
    upper = list(UPPER_INNER) + list(UPPER_OUTER)
    centre = out[LIPS_INNER[15], 0]
    half = abs(out[LIPS_INNER[10], 0] - out[LIPS_INNER[0], 0]) / 2
    taper = 1.0 - 0.5 * np.clip(np.abs(out[upper, 0] - centre) / half, 0.0, 1.0)
    out[upper, 1] -= lift_iod * IOD_PX * taper
    for corner, side in ((LIPS_INNER[0], -1.0), (LIPS_INNER[10], 1.0), (LIPS_OUTER[0], -1.0), (LIPS_OUTER[10], 1.0)):
        out[corner] += (side * 0.03 * IOD_PX, -0.03 * IOD_PX, 0.0)
    return out


@pytest.mark.parametrize("stored_drop", [0.26, 0.35])
def test_a_wider_smile_shows_stored_teeth_at_their_size_over_a_cavity(stored_drop):
    """Frame 1 (open) smiled: the upper lip lifted 0.12 IOD. The shot also holds a grin with the smile's shape, lifted
    only 0.02 IOD (frame 3: the nearest shape, 0.168 IOD^2 open against the target's 0.228) and an open mouth whose
    white upper teeth (STORED_TEETH_IOD, 27.5 rows) hang over a dark cavity (frame 2, opened wider than the target by
    ``stored_drop``). In the middle of the target opening (81 rows): the stored teeth, 24 rows whichever frame 2's
    opening (the soft edge and the band's margin take the rest), then mostly dark. Main: the grin stretched, white
    over 78 rows and no dark; with the band squeezed evenly for a narrower target, 22 / 17 rows of teeth."""
    src = _face(0.12)
    faces = {1: src, 2: _face(stored_drop), 3: _smile(src, 0.02)}
    frames = {1: _frame(src, _own_interior), 2: _frame(faces[2], _stored_interior), 3: _frame(faces[3], _grin_interior)}
    shot = ShotContext(np.array([1, 2, 3]), np.stack([faces[n] for n in (1, 2, 3)]).astype(np.float32), (SIZE, SIZE),
                       frames.__getitem__)
    config = RenderConfig()
    index = build_mouth_index(shot, config)
    dst = _smile(src, 0.12)[:, :2]
    assert reach_share(src[:, :2], dst) == 0.0  # the lower lip stays
    assert int(index.frames[index.nearest(mouth_shape(dst)[0])]) == 3
    out, flags = fill_mouth(frames[1].copy(), (0, 0, SIZE, SIZE), frames[1], src[:, :2], dst, index, config,
                            frame_number=1)
    assert flags["mouth_fill"] == MOUTH_RETRIEVED and flags["mouth_frame"] == 2
    x, top, bottom = int(round(dst[UPPER, 0])), float(dst[UPPER, 1]), float(dst[LOWER, 1])
    inside = out[int(round(top)) + 1 : int(round(bottom)) - 1, x - 3 : x + 4].mean(axis=1)
    white = inside.min(axis=1) > 0.6
    rows = int(white.sum())
    assert abs(rows - STORED_TEETH_IOD * IOD_PX) <= 4.5, f"{rows} rows of teeth, {STORED_TEETH_IOD * IOD_PX:.1f} stored"
    first = int(np.argmax(white))  # under the soft edge
    assert first <= 3 and np.all(white[first : first + rows]), "the teeth do not hang from the upper lip in one piece"
    dark = _lum(inside) < 0.5 * _lum(OWN_TEETH)
    assert dark.mean() > 0.5, f"only {dark.mean():.0%} of the opening dark"
