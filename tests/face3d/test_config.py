"""FitConfig refuses out-of-range settings with a message naming the field."""

from __future__ import annotations

import pytest

from ned_core.exceptions import FitConfigError
from ned_core.face3d import FitConfig


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"z_weight": 1.5}, "z_weight"),
        ({"ridge": -1.0}, "ridge"),
        ({"scale_smoothing": -2.0}, "scale_smoothing"),
        ({"channel_priors": (("smirk", 1.0),)}, "channel_priors"),
        ({"channel_priors": (("lips_part", -1.0),)}, "channel_priors"),
        ({"min_activation": 2.0}, "min_activation"),
        ({"pose_passes": 0}, "pose_passes"),
        ({"rigid_threshold": 0.0}, "rigid_threshold"),
    ],
)
def test_bad_settings_raise(kwargs, field):
    with pytest.raises(FitConfigError, match=field):
        FitConfig(**kwargs)


def test_defaults_are_valid_and_frozen():
    config = FitConfig()
    with pytest.raises(AttributeError):
        config.ridge = 1.0  # type: ignore[misc]
