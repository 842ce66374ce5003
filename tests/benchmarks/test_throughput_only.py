"""``bench_throughput.py --only``: one clip of the set (the 4K H.264 close-up alone), or a clear error."""

from __future__ import annotations

import pytest

from bench_throughput import FULL, QUICK, only


def test_only_keeps_the_named_clips():
    cut = only(FULL, "4K:h264")
    assert [layout.resolution for layout in cut.layouts] == ["4K"] and cut.codecs == ("h264",)
    assert cut.frames == FULL.frames and cut.runs == FULL.runs
    both = only(FULL, "1080p:exr,1080p:h264")
    assert [layout.resolution for layout in both.layouts] == ["1080p"] and both.codecs == ("h264", "exr")


@pytest.mark.parametrize("clips", ["4K:h264", "1080p:dnxhd", "1080p:h264,4K:exr"])
def test_clips_outside_the_set_or_its_grid_are_refused(clips):
    with pytest.raises(ValueError, match="--only"):
        only(QUICK if clips == "4K:h264" else FULL, clips)
