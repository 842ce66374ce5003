"""AnalysisConfig validation."""

from __future__ import annotations

import dataclasses

import pytest

from ned_core.analysis import AnalysisConfig
from ned_core.exceptions import AnalysisConfigError


@pytest.mark.parametrize(
    ("field", "value"),
    [("crop_size", 2048), ("crop_size", 32), ("min_face_px", 8), ("num_threads", 0), ("rotation_search", (45,))],
)
def test_out_of_range_fields_are_named(field, value):
    with pytest.raises(AnalysisConfigError, match=field):
        AnalysisConfig(**{field: value})


def test_config_is_frozen_and_replaceable():
    config = AnalysisConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.crop_size = 512  # type: ignore[misc]
    assert dataclasses.replace(config, crop_size=1024).crop_size == 1024
