"""The frames the pipeline hands the analysis are held without a copy where that pins nothing and nothing changes them."""

from __future__ import annotations

import numpy as np

from ned_core.io.plates import open_plates
from ned_core.analysis.shot import kept_image
from ned_core.pipeline.analyze import _srgb_frames


def test_analysis_frames_are_held_without_pinning_the_decoder(tiny_movie):
    """What the pipeline's reader hands the analysis is held as is only when that costs no memory and nothing can
    change it: arrays of their own, or the decoded codes the movie keeps (read-only) for the render."""
    with open_plates(str(tiny_movie(6))) as source:
        frames = list(_srgb_frames(source))
        assert [n for n, _ in frames] == list(source.info.frames)
        for number, image in frames:
            kept = kept_image(image, fresh=True)
            assert np.array_equal(kept, source.read_display8(number))
            if image.flags.owndata or not image.flags.writeable:
                assert kept is image
            else:
                assert kept.flags.owndata and not np.shares_memory(kept, image)


def test_held_frames_are_copied_unless_fresh_and_owned_or_read_only():
    buffer = np.arange(2 * 4 * 6 * 3, dtype=np.uint8).reshape(2, 4, 6, 3)
    view = buffer[1]  # a writable view: its owner may reuse it
    assert not np.shares_memory(kept_image(view, fresh=True), buffer)
    own = buffer[0].copy()
    assert kept_image(own, fresh=True) is own
    assert kept_image(own, fresh=False) is not own and np.array_equal(kept_image(own, fresh=False), own)
    frozen = buffer[1]
    frozen.flags.writeable = False  # read-only: nothing changes it through this array
    assert kept_image(frozen, fresh=True) is frozen
    assert not np.shares_memory(kept_image(frozen, fresh=False), buffer)
