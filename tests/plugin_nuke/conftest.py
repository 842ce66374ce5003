"""Nuke plugin fixtures: the strict fake ``nuke`` module, a real render node subprocess, a tiny shot."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parents[1]
for path in (TESTS / "fakes", TESTS.parent / "plugin_nuke", TESTS / "node"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import fake_nuke

sys.modules["nuke"] = fake_nuke

from node_helpers import NodeFactory, write_shot


@pytest.fixture
def nuke():
    """The fake nuke module, reset to an empty GUI session."""
    fake_nuke.reset(gui=True)
    yield fake_nuke
    fake_nuke.reset(gui=True)


@pytest.fixture(scope="session")
def real_node(tmp_path_factory):
    """``(node, input_root, output_root)``: a real `ned node serve` with the real pipeline, loopback port."""
    tmp = tmp_path_factory.mktemp("nuke_node")
    inp, out = (tmp / "in").resolve(), (tmp / "out").resolve()
    factory = NodeFactory(tmp)
    node = factory.start(input_roots=[inp, out], output_roots=[out], runner=None)
    yield node, inp, out
    factory.close()


@pytest.fixture
def shot(real_node, tmp_path):
    """A 3-frame 256² astronaut PNG sequence (frames 1001-1003) inside the node's input root."""
    _, inp, _ = real_node
    return write_shot(inp / tmp_path.name, range(1001, 1004), size=256)


@pytest.fixture(scope="session")
def slow_node(tmp_path_factory):
    """``(node, input_root, output_root)``: a real node whose stand-in pipeline takes 0.4 s per frame."""
    from node_helpers import set_control

    tmp = tmp_path_factory.mktemp("nuke_slow_node")
    inp, out = (tmp / "in").resolve(), (tmp / "out").resolve()
    control = tmp / "control.json"
    set_control(control, frame_delay=0.4)
    factory = NodeFactory(tmp)
    node = factory.start(input_roots=[inp, out], output_roots=[out], env={"NED_TEST_CONTROL": str(control)})
    yield node, inp, out
    factory.close()
