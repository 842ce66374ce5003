"""AnalysisConfig validation."""

from __future__ import annotations

import re

import pytest

from ned_core.analysis import AnalysisConfig
from ned_core.exceptions import AnalysisConfigError


@pytest.mark.parametrize(
    ("field", "value"),
    [("crop_size", 2048), ("crop_size", 32), ("min_face_px", 8), ("num_threads", 0), ("rotation_search", (45,)),
     ("turned_presence", 0.0), ("turned_presence", 0.95), ("max_side", 255), ("min_face_share", -0.1),
     ("min_face_share", 1.0)],
)
def test_out_of_range_fields_are_named_with_the_value(field, value):
    with pytest.raises(AnalysisConfigError, match=rf"AnalysisConfig\.{field} must .*, got {re.escape(str(value))}"):
        AnalysisConfig(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [("crop_size", 64), ("crop_size", 1024), ("min_face_px", 16), ("num_threads", 1), ("rotation_search", ()),
     ("rotation_search", (90, 180, 270)), ("turned_presence", 0.9), ("min_face_share", 0.0)],
)
def test_values_at_the_limits_are_accepted(field, value):
    assert getattr(AnalysisConfig(**{field: value}), field) == value


def test_frames_longer_than_max_side_are_shrunk_by_the_least_whole_factor_dividing_them():
    config = AnalysisConfig()  # max_side 2048
    assert [config.shrink(w, h) for w, h in ((1920, 1080), (2048, 858), (3840, 2160), (4096, 2160), (7680, 4320),
                                             (5120, 2880), (4001, 2001))] == [1, 1, 2, 2, 4, 4, 1]
    assert config.shrunk(2).min_face_px == 32 and config.shrunk(8).min_face_px == 16 and config.shrunk(1) is config
