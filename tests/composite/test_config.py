"""CompositeConfig: which bridged frames are painted."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.composite.config import CompositeConfig
from ned_core.exceptions import CompositeConfigError


def test_which_bridged_frames_fade_out_depends_on_the_cause_and_the_settings():
    """Bridged frames fade out unless painted: those held behind another face by default, every one with
    ``paint_bridged``, none without the occlusion mask (nothing would hide what covers the face)."""
    interpolated = np.array([False, True, True, True, False])
    held = np.array([False, False, True, True, False])
    assert CompositeConfig().faded_frames(interpolated, held).tolist() == [False, True, False, False, False]
    assert CompositeConfig().painted_gaps() == "held"
    assert CompositeConfig(paint_held=False).faded_frames(interpolated, held).tolist() == interpolated.tolist()
    assert CompositeConfig(paint_held=False).painted_gaps() == "none"
    assert not CompositeConfig(paint_bridged=True).faded_frames(interpolated, held).any()
    assert CompositeConfig(paint_bridged=True).painted_gaps() == "all"
    assert CompositeConfig(occlusion=None).faded_frames(interpolated, held).tolist() == interpolated.tolist()
    assert CompositeConfig(occlusion=None, paint_bridged=True).painted_gaps() == "none"
    with pytest.raises(CompositeConfigError, match="paint_held"):
        CompositeConfig(paint_held=1)
