"""DirectConfig: defaults follow the paper, bad fields are named, instances are frozen."""

import dataclasses

import pytest

from ned_core.direct.config import DirectConfig
from ned_core.exceptions import DirectConfigError


def test_defaults_follow_the_paper_window():
    config = DirectConfig()
    assert config.window == 10
    assert config.window_sigma == pytest.approx(0.3 * ((10 - 1) / 2 - 1) + 0.8)
    assert config.as_dict()["transition_frames"] == config.transition_frames


@pytest.mark.parametrize(
    "field, value",
    [
        ("window", 0),
        ("window", 10.5),
        ("window_sigma", 0.0),
        ("transition_frames", 0),
        ("ease", "linear"),
        ("baseline_percentile", 101.0),
        ("baseline_window", -1),
        ("unit_range", 0.0),
        ("min_speech_gain", 0.0),
        ("geomedian_tol", -1e-6),
        ("geomedian_max_iter", True),
        ("window_sigma", "2"),
    ],
)
def test_bad_field_is_named(field, value):
    with pytest.raises(DirectConfigError, match=f"DirectConfig.{field}"):
        DirectConfig(**{field: value})


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DirectConfig().window = 5  # type: ignore[misc]
