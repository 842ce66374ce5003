"""The sample photos load as RGB uint8; unknown names are refused."""

from __future__ import annotations

import pytest

from ned_core.exceptions import SyntheticActorError
from ned_core.synthetic import SAMPLE_PHOTOS, sample_photo


@pytest.mark.parametrize(("name", "shape"), [("astronaut", (512, 512, 3)), ("grace_hopper", (600, 512, 3))])
def test_sample_photos(name, shape):
    img = sample_photo(name)
    assert name in SAMPLE_PHOTOS and img.shape == shape and img.dtype.name == "uint8"
    assert img[..., 0].mean() != img[..., 2].mean()  # colour, channels not all equal


def test_unknown_photo():
    with pytest.raises(SyntheticActorError, match="lena"):
        sample_photo("lena")
