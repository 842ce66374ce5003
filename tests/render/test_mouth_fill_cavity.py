"""A split opens a stored mouth's cavity between the lips, never a grin's meeting teeth stretched as one.

The shot of :mod:`test_mouth_fill_split` (an open source mouth, a wider-open stored one with a dark cavity) gains a
frame whose inner-lip shape is nearer the target's: a grin, its white teeth meeting in a thin dark line. Stretched as
the cavity, those teeth made a grey band of vertical stripes across the opening, which the face mesh read as lip (the
astronaut close-up made afraid: mouth-opening PCC 0.76).
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.render.test_mouth_fill_split import IOD_PX, LOWER, SIZE, UPPER, _face, _frame, _own_interior, _stored_interior

from ned_core.render import MOUTH_SPLIT, RenderConfig, build_mouth_index
from ned_core.render.base import ShotContext
from ned_core.render.mouth_fill import fill_mouth, shows_cavity
from ned_core.render.mouth_index import mouth_shape

MEETING_PX = 2  # the grin's dark line where its upper and lower teeth meet
GRIN_TEETH = (0.85, 0.85, 0.85)
GRIN_GAP_PX = (0.093 + 0.30) * IOD_PX  # its opening: the mean face's and the lower lip dropped 0.30 IOD


def _grin_interior(share: float, below_lip_px: float) -> tuple[float, float, float]:
    return (0.02, 0.01, 0.01) if abs(share - 0.5) * GRIN_GAP_PX < MEETING_PX / 2 else GRIN_TEETH


def _fill(stored: dict[int, tuple[float, object]]) -> tuple[np.ndarray, dict, np.ndarray, object]:
    """Frame 1 (the source: lower lip dropped 0.12 IOD) made to drop it to 0.34, in a shot with the ``stored``
    frames ``{number: (lower lip drop, interior)}``: ``(fill, flags, target landmarks, index)``."""
    src = _face(0.12)
    faces = {1: src, **{n: _face(drop) for n, (drop, _) in stored.items()}}
    frames = {1: _frame(src, _own_interior), **{n: _frame(faces[n], paint) for n, (_, paint) in stored.items()}}
    numbers = sorted(frames)
    shot = ShotContext(np.array(numbers), np.stack([faces[n] for n in numbers]).astype(np.float32), (SIZE, SIZE),
                       frames.__getitem__)
    config = RenderConfig()
    index = build_mouth_index(shot, config)
    assert list(index.frames) == numbers
    dst = _face(0.34)[:, :2]
    out, flags = fill_mouth(frames[1].copy(), (0, 0, SIZE, SIZE), frames[1], src[:, :2], dst, index, config,
                            frame_number=1)
    return out, flags, dst, index


def _white_in_opening(out: np.ndarray, dst: np.ndarray) -> int:
    """Pixels of the grin's white teeth in the middle half of the target opening (its middle column, 15 px wide)."""
    x, top, bottom = int(round(dst[UPPER, 0])), dst[UPPER, 1], dst[LOWER, 1]
    rows = slice(int(top + 0.25 * (bottom - top)), int(bottom - 0.25 * (bottom - top)))
    middle = out[rows, x - 7 : x + 8]
    return int(((middle.min(axis=2) > 0.6) & (np.ptp(middle, axis=2) < 0.1)).sum())


def test_the_stored_cavity_not_a_nearer_grin():
    out, flags, dst, index = _fill({2: (0.2, _stored_interior), 3: (0.30, _grin_interior)})
    nearest = index.nearest(mouth_shape(dst)[0])  # the grin's shape is the target's nearest
    assert int(index.frames[nearest]) == 3 and not shows_cavity(index, nearest, RenderConfig())
    assert flags["mouth_fill"] == MOUTH_SPLIT and flags["mouth_frame"] == 2
    assert _white_in_opening(out, dst) == 0


def test_without_a_stored_cavity_the_grin_is_not_stretched():
    out, flags, dst, _ = _fill({3: (0.30, _grin_interior)})
    assert flags["mouth_fill"] == MOUTH_SPLIT and flags.get("mouth_frame") != 3
    assert _white_in_opening(out, dst) == 0


@pytest.mark.parametrize("drop, paint, cavity", [(0.2, _stored_interior, True), (0.30, _grin_interior, False)])
def test_a_cavity_is_told_from_meeting_teeth(drop, paint, cavity):
    _, _, _, index = _fill({2: (drop, paint)})
    assert shows_cavity(index, 1, RenderConfig()) is cavity
