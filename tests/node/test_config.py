"""Node options: loopback by default, network binds need a key, devices and workers."""

from __future__ import annotations

import pytest

from ned_node.config import NodeConfig, is_loopback_bind
from ned_node.errors import NodeConfigError


@pytest.mark.parametrize("address, loopback", [("tcp://127.0.0.1:5570", True), ("tcp://[::1]:5570", True),
                                               ("tcp://localhost:1", True), ("ipc:///tmp/ned", True),
                                               ("tcp://0.0.0.0:5570", False), ("tcp://*:5570", False),
                                               ("tcp://10.1.2.3:5570", False), ("garbage", False)])
def test_loopback_detection(address, loopback):
    assert is_loopback_bind(address) == loopback


def test_network_bind_needs_a_key(tmp_path):
    with pytest.raises(NodeConfigError, match="--key-file"):
        NodeConfig(state_dir=tmp_path, bind="tcp://0.0.0.0:5570")
    key = tmp_path / "node.key"
    assert NodeConfig(state_dir=tmp_path, bind="tcp://0.0.0.0:5570", key_file=key).key_file == key
    assert NodeConfig(state_dir=tmp_path, bind="tcp://0.0.0.0:5570", allow_insecure=True).allow_insecure


def test_workers_per_device(tmp_path):
    config = NodeConfig(state_dir=tmp_path, devices=("cuda:1", "cpu", "cuda"), workers=2)
    assert config.worker_devices == ("cuda:1", "cuda:0", "cpu", "cpu")
    assert config.threads_for("cuda:0") == 2


@pytest.mark.parametrize("fields, option", [({"workers": 0}, "--workers"), ({"devices": ("tpu",)}, "--device"),
                                            ({"bind": "tcp://127.0.0.1:port"}, "--bind"),
                                            ({"devices": ("cuda", "cuda:0")}, "--device"),
                                            ({"input_roots": ("relative",)}, "--input-root"),
                                            ({"keepalive_s": 6.0}, "keepalive_s"), ({"runner": "x"}, "--runner")])
def test_bad_options_are_named(tmp_path, fields, option):
    with pytest.raises(NodeConfigError, match=option):
        NodeConfig(state_dir=tmp_path, **fields)
