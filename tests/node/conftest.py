"""Node test fixtures: resolved input/output roots and a factory of real node subprocesses."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
if str(HERE) not in sys.path:  # node_helpers and node_test_runner, importable by tests, nodes and their workers
    sys.path.insert(0, str(HERE))

from node_helpers import NodeFactory  # noqa: E402


@pytest.fixture
def roots(tmp_path):
    """``(input_root, output_root)`` folders, resolved (tmp paths may contain symlinks)."""
    inp, out = (tmp_path / "in").resolve(), (tmp_path / "out").resolve()
    inp.mkdir()
    out.mkdir()
    return inp, out


@pytest.fixture
def nodes(tmp_path):
    """A :class:`NodeFactory` (``nodes.start(...)``, ``nodes.restart(node)``)."""
    factory = NodeFactory(tmp_path)
    yield factory
    factory.close()

