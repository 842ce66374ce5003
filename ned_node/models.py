"""Which models a job needs and how a worker loads them (the set its LRU cache keeps resident)."""

from __future__ import annotations

from collections.abc import Hashable

from ned_core.analysis import FaceMeshModels
from ned_core.models.store import ModelStore
from ned_core.pipeline.config import NedConfig


def model_key(config: NedConfig) -> Hashable:
    """Jobs with equal keys share one loaded model set (same store, same licence opt-in, same analysis knobs)."""
    return (config.store, config.analysis.num_threads)


def load_model_set(config: NedConfig) -> FaceMeshModels:
    """Loads the models ``render_shot`` takes as ``models``.

    Raises:
        ModelMissingError: a model is not in the store (the message says how to get it).
    """
    return FaceMeshModels.load(ModelStore(config.store), config.analysis)
