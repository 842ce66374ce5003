"""The on-disk analysis cache: a second request skips analysis; keys, format and errors."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import numpy as np
import pytest

from ned_core.analysis import AnalysisCache, cache_key, cached_analyze_shot, hash_frames
from ned_core.exceptions import AnalysisCacheError


def unreadable() -> Iterator[tuple[int, np.ndarray]]:
    raise AssertionError("the source was read although the analysis was cached")
    yield  # pragma: no cover


def test_second_request_is_a_cache_hit(tmp_path, clip_parts, config, models):
    source = [(1001 + i, clip_parts["both"]) for i in range(3)]
    source_hash, frames = hash_frames(iter(source))
    cache = AnalysisCache(tmp_path / "cache")
    first = cached_analyze_shot(frames, source_hash, config, models, cache)
    entries = list((tmp_path / "cache").iterdir())
    assert len(entries) == 1 and entries[0].suffix == ".npz"  # no temporary files left
    second = cached_analyze_shot(unreadable(), source_hash, config, models, cache)
    np.testing.assert_array_equal(second.frames, [1001, 1002, 1003])
    assert second.frame_size == first.frame_size == (512, 1024)
    assert len(second.tracks) == len(first.tracks) == 2
    for a, b in zip(first.tracks, second.tracks):
        assert a.track.track_id == b.track.track_id
        np.testing.assert_array_equal(a.landmarks, b.landmarks)
        np.testing.assert_array_equal(a.track.landmarks, b.track.landmarks)
        np.testing.assert_array_equal(a.alignment.image_from_crop, b.alignment.image_from_crop)
    with np.load(entries[0]) as data:
        assert json.loads(bytes(data["header"]))["schema"] == "AnalysisCache.1"


def test_key_depends_on_content_and_results_affecting_parameters(clip_parts, config, models):
    h1, _ = hash_frames([(1, clip_parts["both"])])
    h2, _ = hash_frames([(1, clip_parts["swapped"])])
    h3, _ = hash_frames([(2, clip_parts["both"])])
    assert len({h1, h2, h3}) == 3
    key = cache_key(h1, config, models)
    assert cache_key(h1, dataclasses.replace(config, crop_size=512), models) != key
    assert cache_key(h1, dataclasses.replace(config, num_threads=4), models) == key
    assert cache_key(h2, config, models) != key


def test_damaged_or_foreign_entries_raise(tmp_path):
    cache = AnalysisCache(tmp_path)
    cache.path("bad").write_bytes(b"not an npz")
    with pytest.raises(AnalysisCacheError, match="delete it"):
        cache.load("bad")
    np.savez(cache.path("old"), header=np.frombuffer(json.dumps({"schema": "AnalysisCache.0"}).encode(), np.uint8))
    with pytest.raises(AnalysisCacheError, match="AnalysisCache.0"):
        cache.load("old")
    with pytest.raises(AnalysisCacheError):
        cache.load("missing")
