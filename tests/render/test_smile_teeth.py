"""The stored upper teeth a smile shows (``smile_teeth.py``): only the teeth, down to where the stored interior turns
dark, so below them an open frame keeps its own interior (the words' cavity, tongue and lower teeth)."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.regions import LIPS_INNER
from ned_core.render.config import RenderConfig
from ned_core.render.mouth_index import build_mouth_index
from ned_core.render.smile_teeth import show_teeth, teeth_depths, teeth_slot

MARK = np.array([5.0, 0.0, 5.0], np.float32)  # a colour no mouth has: what show_teeth leaves


def test_the_stored_teeth_end_where_the_interior_turns_dark(speaking_shot):
    """The widest-open stored mouth of the speaking actor: its upper teeth hang 0.06-0.08 IOD below the upper inner
    lip (an incisor's crown is ~0.16 IOD; the face mesh's inner lip sits a little onto the teeth), well above the
    lower inner lip, and the patch is brighter above that edge than below it."""
    config = RenderConfig()
    index = build_mouth_index(speaking_shot, config)
    slot = teeth_slot(index)
    xs, depths = teeth_depths(index.patches[slot], index.inner_lips[slot])
    assert np.all(np.diff(xs) > 0)
    middle = depths[2:7] / config.patch_px_per_iod
    assert np.all((middle > 0.02) & (middle < 0.15)), f"teeth depths {np.round(middle, 3)} IOD"
    gap = np.median(index.inner_lips[slot][1:10, 1] - index.inner_lips[slot][11:20, 1][::-1])
    assert np.median(depths) < 0.8 * gap


def test_an_open_frame_keeps_its_own_interior_below_the_teeth(speaking_shot):
    """Over a frame whose lips part wide, the stored teeth cover the top of the opening and leave its bottom as it
    was (main covered the whole inner-lip outline with the stored mouth: its own cavity and lower teeth, at another
    frame's height)."""
    config = RenderConfig()
    index = build_mouth_index(speaking_shot, config)
    openings = index.openings
    row = int(np.flatnonzero(np.asarray(speaking_shot.frames) == index.frames[int(np.argmax(openings))])[0])
    dst = np.asarray(speaking_shot.landmarks[row], np.float64)[:, :2]
    frame = speaking_shot.frame_reader(int(speaking_shot.frames[row]))
    h, w = frame.shape[:2]
    box = (0, 0, w, h)
    rgb = np.broadcast_to(MARK, (h, w, 3)).copy()
    out = show_teeth(rgb, box, frame, dst, dst, index, config, 1.0)
    changed = np.abs(out - rgb).max(axis=2) > 1e-3
    inner = dst[list(LIPS_INNER)]
    upper_mid, lower_mid = inner[15], inner[5]  # 13 and 14: the inner lips' middles
    x = int(round(upper_mid[0]))
    column = changed[int(np.ceil(upper_mid[1])) + 1 : int(np.floor(lower_mid[1])) - 1, x]
    assert column[:2].all(), "the teeth hang from the upper lip"
    assert not column[-2:].any(), "below the teeth the frame's own interior is kept"
