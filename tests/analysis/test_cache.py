"""The on-disk analysis cache: entries read back as saved; keys, format and errors (the pipeline's use of it:
tests/pipeline/test_render_job.py, the source fingerprint: tests/pipeline/test_fingerprint.py)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from ned_core.analysis import AnalysisCache, analyze_shot, cache_key
from ned_core.exceptions import AnalysisCacheError


def test_an_entry_reads_back_as_it_was_saved(tmp_path, clip_parts, config, models):
    source = [(1001 + i, clip_parts["both"]) for i in range(3)]
    first = analyze_shot(iter(source), config, models)
    bridged = dataclasses.replace(first.tracks[0].track, interpolated=np.array([False, True, False]),
                                  mix_share=np.array([1.0, 0.75, 0.5], np.float32))
    first = dataclasses.replace(first, tracks=(dataclasses.replace(first.tracks[0], track=bridged), *first.tracks[1:]),
                                transitions=("dissolve",))
    cache = AnalysisCache(tmp_path / "cache")
    key = cache_key("source-fingerprint", config, models)
    assert not cache.contains(key)
    cache.save(key, first, "source-fingerprint", config)
    entries = list((tmp_path / "cache").iterdir())
    assert entries == [cache.path(key)] and cache.contains(key)  # no temporary files left
    second = cache.load(key)
    np.testing.assert_array_equal(second.frames, [1001, 1002, 1003])
    assert second.frame_size == first.frame_size == (512, 1024) and second.transitions == ("dissolve",)
    assert len(second.tracks) == len(first.tracks) == 2
    for a, b in zip(first.tracks, second.tracks):
        assert a.track.track_id == b.track.track_id
        np.testing.assert_array_equal(a.landmarks, b.landmarks)
        np.testing.assert_array_equal(a.track.landmarks, b.track.landmarks)
        np.testing.assert_array_equal(a.track.interpolated, b.track.interpolated)
        np.testing.assert_array_equal(a.track.mix_share, b.track.mix_share)  # the plates' opacity in a dissolve
        np.testing.assert_array_equal(a.alignment.image_from_crop, b.alignment.image_from_crop)
    with np.load(entries[0]) as data:
        assert json.loads(bytes(data["header"]))["schema"] == "AnalysisCache.2"


def test_key_depends_on_the_source_and_results_affecting_parameters(config, models):
    key = cache_key("fingerprint-a", config, models)
    assert cache_key("fingerprint-a", config, models) == key
    assert cache_key("fingerprint-b", config, models) != key
    assert cache_key("fingerprint-a", dataclasses.replace(config, crop_size=512), models) != key
    assert cache_key("fingerprint-a", dataclasses.replace(config, num_threads=4), models) == key


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
