"""split_interior: the source interior split between the lips; a stretched upper lip slides over its teeth."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render.jaw_split import (CORNER_IDS, SPLIT_AT, TEETH_SPREAD, anchored_share, split_interior,
                                       teeth_end)

IOD_PX = 200.0
MIDDLE = INNER_PAIRS[4]  # the inner lips' middle pair (upper 13, lower 14)


def _face() -> np.ndarray:
    return load_mean_face()[:, :2].astype(np.float64) * IOD_PX + 300.0


def _row_map() -> np.ndarray:
    """A frame whose red channel is each pixel's row / 1000: the fill tells which source row it took."""
    frame = np.zeros((600, 600, 3), np.float32)
    frame[:, :, 0] = np.arange(600, dtype=np.float32)[:, None] / 1000.0
    return frame


def _edited(lower_by: float, wider_by: float) -> np.ndarray:
    """The face with the upper inner lip lowered and each mouth corner moved out, IOD."""
    dst = _face()
    dst[INNER_PAIRS[:, 0], 1] += lower_by * IOD_PX
    for corner, side in zip(CORNER_IDS, (-1.0, 1.0)):
        dst[corner, 0] += side * wider_by * IOD_PX
    return dst


def _row_taken_below_upper_lip(dst: np.ndarray) -> float:
    """The source row the fill takes 2 px below the target's upper lip, mid-mouth."""
    src = _face()
    x, y = (int(round(v)) for v in dst[MIDDLE[0]])
    window = (x - 20, y - 20, x + 20, y + 40)
    fill = split_interior(window, _row_map(), src, dst, np.zeros((60, 40, 3), np.float32))
    return 1000.0 * float(fill[20 + 2, 20, 0])


def test_the_share_grows_with_the_mouths_widening():
    src = _face()
    assert anchored_share(src, _edited(0.03, 0.0)) == 0.0
    assert anchored_share(src, _edited(0.03, 0.04)) == 1.0  # both corners 0.04 out: 0.08 IOD wider


def test_a_stretched_upper_lip_comes_down_over_teeth_that_stay():
    """Fear on a smile with teeth: the lip lowered 0.03 IOD (6 px) over a mouth 0.08 IOD wider covers the top of
    the upper teeth, which stay where they were (a lip that carried them down showed the whole band again)."""
    dst = _edited(0.03, 0.04)
    below_lip = dst[MIDDLE[0], 1] + 2.0
    assert abs(_row_taken_below_upper_lip(dst) - below_lip) < 1.0


def test_an_upper_lip_lowered_without_a_stretch_carries_its_teeth():
    """A mouth that does not grow wider (surprise on a smile: the jaw and the corners come down together) keeps its
    upper teeth under the lip, as before."""
    dst = _edited(0.03, 0.0)
    below_lip = dst[MIDDLE[0], 1] + 2.0
    assert abs(_row_taken_below_upper_lip(dst) - (below_lip - 0.03 * IOD_PX)) < 1.0


def test_a_split_made_none_of_the_way_is_the_warps_stretch_with_no_cavity():
    """``opened`` 0 (the lips part no further than the source's): every row of the opening's middle takes a source
    row, in order down the stretched opening (no cavity between the parts, no row twice); made fully, the cavity
    opens between them."""
    src = _face()
    dst = src.copy()
    dst[INNER_PAIRS[:, 1], 1] += 0.06 * IOD_PX  # the jaw dropped
    x, top, bottom = int(round(dst[MIDDLE[0], 0])), dst[MIDDLE[0], 1], dst[MIDDLE[1], 1]
    window = (x - 20, int(top) - 5, x + 20, int(bottom) + 5)
    cavity = np.zeros((window[3] - window[1], 40, 3), np.float32)
    cavity[:, :, 1] = 1.0  # green: the cavity
    rows = np.arange(int(np.ceil(top)) + 2, int(bottom) - 1) - window[1]
    for opened, cavity_rows in ((0.0, 0), (1.0, 0.06 * IOD_PX - 3)):
        fill = split_interior(window, _row_map(), src, dst, cavity, opened=opened)[rows, 20]
        green = fill[:, 1] > 0.5
        assert green.sum() >= cavity_rows if opened else not green.any(), f"opened {opened}: {green.sum()} rows"
        if not opened:
            taken = 1000.0 * fill[:, 0]
            assert np.all(np.diff(taken) > 0.3), "rows out of order or taken twice"
            assert taken[0] < src[MIDDLE[0], 1] + 4 and taken[-1] > src[MIDDLE[1], 1] - 4


def _teeth_frame(src: np.ndarray, share: float) -> np.ndarray:
    """Dark grey skin, white teeth from each column's upper inner lip down ``share`` of its opening, a dark cavity
    below."""
    frame = np.full((600, 600, 3), 0.05, np.float32)
    up, low = src[INNER_PAIRS[:, 0]], src[INNER_PAIRS[:, 1]]
    order = np.argsort(up[:, 0])
    for x in range(int(np.ceil(up[:, 0].min())), int(up[:, 0].max()) + 1):
        top = float(np.interp(x, up[order, 0], up[order, 1]))
        bottom = float(np.interp(x, low[order, 0], low[order, 1]))
        frame[int(round(top)) : int(round(top + share * (bottom - top))), x] = 0.8
    return frame


def test_the_split_runs_where_the_upper_teeth_end_never_above_split_at():
    """Teeth down to 0.85 of the opening (a grin's, meeting the lower ones): the split runs there, not through them at
    SPLIT_AT; teeth ending higher (an open syllable's, 0.35) keep SPLIT_AT (the own cavity below them stays with the
    upper lip), as do teeth that ride with their lip (surprise, ``anchored`` 0); a frame without teeth (the row map:
    brighter all the way down) keeps SPLIT_AT."""
    src = _face()
    src[INNER_PAIRS[:, 1], 1] += 0.1 * IOD_PX  # an opening of about 0.19 IOD, 38 px
    grin = teeth_end(_teeth_frame(src, 0.85), src)
    assert np.all(np.abs(grin[3:6] - 0.85) < 0.05), grin  # the middle; the sides within TEETH_SPREAD of it
    assert np.all(grin >= 0.8) and np.ptp(grin) <= 2 * TEETH_SPREAD + 1e-9, grin
    assert np.all(teeth_end(_teeth_frame(src, 0.35), src) == SPLIT_AT)
    assert np.all(teeth_end(_teeth_frame(src, 0.85), src, anchored=0.0) == SPLIT_AT)  # teeth riding up with the lip
    assert np.all(teeth_end(_row_map(), src) == SPLIT_AT)
