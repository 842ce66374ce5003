"""A small least-recently-used cache of loaded model sets, so a worker keeps its models resident across jobs."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class ModelCache(Generic[T]):
    """Keeps up to ``capacity`` loaded model sets; the least recently used one is dropped first.

    Args:
        capacity: model sets kept (>= 1).
        on_evict: called with each dropped set (e.g. to free GPU memory).
    """

    def __init__(self, capacity: int, on_evict: Callable[[T], None] | None = None):
        if capacity < 1:
            raise ValueError(f"model cache capacity must be >= 1, got {capacity}")
        self.capacity = capacity
        self.on_evict = on_evict
        self.loads = 0
        self._sets: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The model set for ``key``, loaded by ``load()`` on a miss."""
        if key in self._sets:
            self._sets.move_to_end(key)
            return self._sets[key]
        models = load()
        self.loads += 1
        self._sets[key] = models
        while len(self._sets) > self.capacity:
            _, dropped = self._sets.popitem(last=False)
            if self.on_evict is not None:
                self.on_evict(dropped)
        return models

    def clear(self) -> None:
        """Drops every set (after a GPU out-of-memory error)."""
        while self._sets:
            _, dropped = self._sets.popitem(last=False)
            if self.on_evict is not None:
                self.on_evict(dropped)

    def __len__(self) -> int:
        return len(self._sets)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._sets
