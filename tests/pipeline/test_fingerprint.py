"""The source fingerprint (the analysis cache key's source part): content and frame numbers count, names do not."""

from __future__ import annotations

import shutil

import numpy as np
import OpenImageIO as oiio

from ned_core.io.plates import open_plates
from ned_core.pipeline.fingerprint import source_fingerprint


def _sequence(folder, name="shot", first=1001, count=3, change=None):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(count):
        image = rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)
        if change == first + i:
            image[5, 7, 1] ^= 1  # one pixel, one bit
        assert oiio.ImageBuf(image).write(str(folder / f"{name}.{first + i}.png"))
    return str(folder / f"{name}.####.png")


def _fingerprint(pattern, **kwargs):
    with open_plates(pattern, **kwargs) as plates:
        return source_fingerprint(plates)


def test_same_content_elsewhere_and_renamed_has_the_same_fingerprint(tmp_path):
    original = _fingerprint(_sequence(tmp_path / "a"))
    assert _fingerprint(_sequence(tmp_path / "a")) == original  # stable
    shutil.copytree(tmp_path / "a", tmp_path / "moved")
    assert _fingerprint(str(tmp_path / "moved" / "shot.####.png")) == original
    assert _fingerprint(_sequence(tmp_path / "renamed", name="take2")) == original


def test_a_changed_pixel_renumbered_frames_or_a_subrange_change_it(tmp_path):
    original = _fingerprint(_sequence(tmp_path / "a"))
    assert _fingerprint(_sequence(tmp_path / "pixel", change=1002)) != original
    assert _fingerprint(_sequence(tmp_path / "renumbered", first=2001)) != original
    assert _fingerprint(str(tmp_path / "a" / "shot.####.png"), frames="1001-1002") != original
