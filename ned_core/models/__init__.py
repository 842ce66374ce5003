"""The model store: every model the pipeline can use, where it lives, whether it is present."""

from ned_core.models.manifest import ModelSpec, load_manifest
from ned_core.models.store import ModelStatus, ModelStore, StoreConfig

__all__ = ["ModelSpec", "ModelStatus", "ModelStore", "StoreConfig", "load_manifest"]
