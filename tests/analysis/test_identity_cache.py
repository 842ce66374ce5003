"""The track-descriptor cache beside the analysis cache: round trip, keys that change with what they depend on,
an unreadable entry read as absent (described again) rather than an error."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.characters import TrackIdentity
from ned_core.analysis.identity_cache import IdentityCache, TrackFaces, identity_key


def _faces() -> TrackFaces:
    rng = np.random.default_rng(3)
    identities = (TrackIdentity(0, np.arange(1001, 1010), rng.normal(size=128).astype(np.float32)),
                  TrackIdentity(4, np.arange(1020, 1023), None))
    chips = {0: rng.integers(0, 255, (150, 150, 3), dtype=np.uint8), 4: np.zeros((150, 150, 3), np.uint8)}
    return TrackFaces("dlib 19.24 model.dat", identities, chips, {0: 1005, 4: 1021})


def test_round_trip_keeps_descriptors_chips_and_undescribed_tracks(tmp_path):
    cache, faces = IdentityCache(tmp_path), _faces()
    key = identity_key("a" * 64, "b" * 64, 4)
    assert cache.load(key) is None
    cache.save(key, faces)
    got = cache.load(key)
    assert got.method == faces.method and got.chip_frames == {0: 1005, 4: 1021}
    assert [t.track_id for t in got.identities] == [0, 4] and got.identities[1].descriptor is None
    np.testing.assert_array_equal(got.identities[0].descriptor, faces.identities[0].descriptor)
    np.testing.assert_array_equal(got.identities[0].frames, faces.identities[0].frames)
    np.testing.assert_array_equal(got.chips[0], faces.chips[0])


def test_the_key_changes_with_the_analysis_the_model_and_the_sampling():
    base = identity_key("a" * 64, "b" * 64, 4)
    assert len({base, identity_key("c" * 64, "b" * 64, 4), identity_key("a" * 64, "d" * 64, 4),
                identity_key("a" * 64, "b" * 64, 5)}) == 4


def test_an_unreadable_entry_is_treated_as_missing(tmp_path):
    cache = IdentityCache(tmp_path)
    key = identity_key("a" * 64, "b" * 64, 4)
    cache.path(key).write_bytes(b"not an npz")
    assert cache.load(key) is None
    cache.save(key, _faces())  # replaced atomically by the next description
    assert cache.load(key) is not None
