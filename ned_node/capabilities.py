"""What this node offers (the ``hello_reply`` content): versions, devices, tiers, models, emotions, limits."""

from __future__ import annotations

import os
import socket

from ned_core import __version__ as ned_version
from ned_core.face3d.channels import EMOTIONS
from ned_core.models.store import ModelStore, StoreConfig, default_model_dir
from ned_core.pipeline.directors import director_names
from ned_node.config import NodeConfig
from ned_protocol import PROTOCOL_VERSION

#: Tiers and face renderers a job may name (besides ``"auto"``).
TIERS = ("embedded",)
RENDERERS = ("mesh_warp",)


def directors(node: NodeConfig) -> tuple[str, ...]:
    """Emotion directors a job may name: the EMFACS prior, and the learned manipulator when the node has one."""
    return director_names(with_checkpoint=node.manipulator is not None)


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return None


def hello_content(node: NodeConfig, device_memory: dict[str, int | None]) -> dict:
    """The ``hello_reply`` content (without ``status``).

    Args:
        node: the node's configuration.
        device_memory: bytes of each CUDA device as its worker reported it (None until then).
    """
    devices = [{"name": name, "kind": name.split(":")[0],
                "memory_bytes": _memory_bytes() if name == "cpu" else device_memory.get(name)}
               for name in dict.fromkeys(node.worker_devices)]
    store = ModelStore(StoreConfig(root=node.model_dir or default_model_dir()))
    models = [{"name": m.name, "tier": m.tier, "available": m.present} for m in store.status()]
    return {
        "node": {"name": socket.gethostname()[:128], "version": ned_version},
        "protocol_version": list(PROTOCOL_VERSION),
        "protocol_versions": [[PROTOCOL_VERSION[0], minor] for minor in range(PROTOCOL_VERSION[1] + 1)],
        "devices": devices,
        "tiers": list(TIERS),
        "models": models,
        "emotions": list(EMOTIONS),
        "directors": list(directors(node)),
        "renderers": list(RENDERERS),
        "limits": node.limits.to_wire(),
    }
