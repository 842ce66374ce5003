"""Workers keep model sets resident: least recently used dropped first."""

from __future__ import annotations

import pytest

from ned_node.model_cache import ModelCache


def test_least_recently_used_is_dropped():
    evicted = []
    cache = ModelCache(2, on_evict=evicted.append)
    assert cache.get("a", lambda: "A") == "A"
    assert cache.get("b", lambda: "B") == "B"
    assert cache.get("a", lambda: pytest.fail("a was resident")) == "A"
    cache.get("c", lambda: "C")
    assert evicted == ["B"] and "a" in cache and "b" not in cache
    assert cache.loads == 3 and len(cache) == 2
    cache.clear()
    assert len(cache) == 0 and sorted(evicted) == ["A", "B", "C"]


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        ModelCache(0)
