"""Resolve script fixtures: the strict fake Resolve API, a real render node subprocess, a tiny shot."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parents[1]
for path in (TESTS / "fakes", TESTS.parent / "plugin_resolve", TESTS / "node"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from node_helpers import NodeFactory, write_shot


@pytest.fixture(scope="session")
def real_node(tmp_path_factory):
    """``(node, input_root, output_root)``: a real `ned node serve` with the real pipeline, loopback port."""
    tmp = tmp_path_factory.mktemp("resolve_node")
    inp, out = (tmp / "in").resolve(), (tmp / "out").resolve()
    factory = NodeFactory(tmp)
    node = factory.start(input_roots=[inp], output_roots=[out], runner=None)
    yield node, inp, out
    factory.close()


@pytest.fixture
def shot_dir(real_node, tmp_path):
    """A 5-frame 256² astronaut PNG sequence, frames 1001-1005, in the node's input root."""
    _, inp, _ = real_node
    write_shot(inp / tmp_path.name, range(1001, 1006), size=256, name="plate")
    return inp / tmp_path.name
