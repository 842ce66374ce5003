"""Shot cuts from frame histograms; flat frames never start a shot."""

from __future__ import annotations

import numpy as np

from ned_core.analysis import describe_frame
from ned_core.analysis.cuts import shot_index
from ned_core.analysis.signature import frame_summary


def test_cuts_and_black_frames(clip_parts, config):
    names = ["both", "both", "swapped", "black", "astronaut_only", "after_cut", "after_cut", "black", "both"]
    frames = [describe_frame(i, clip_parts[n], []) for i, n in enumerate(names)]
    np.testing.assert_array_equal(shot_index(frames, config.cut_threshold), [0, 0, 0, 0, 0, 1, 1, 1, 2])
    assert frame_summary(clip_parts["black"])[1] and not frame_summary(clip_parts["both"])[1]
    assert frame_summary(np.full((10, 10, 3), 250, np.uint8))[1]
