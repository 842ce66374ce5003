"""Node test fixtures: resolved input/output roots and a factory of real node subprocesses."""

from __future__ import annotations

import subprocess
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


@pytest.fixture
def small_fs(tmp_path):
    """``mount(folder, size)``: a real size-limited file system (tmpfs) at ``folder``; skips the test where this
    machine does not let it mount one (not root, no CAP_SYS_ADMIN). Unmounted at teardown."""
    mounted: list[Path] = []

    def mount(folder: Path, size: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a size-limited tmpfs here ({done.stderr.strip() or done.returncode}); "
                        "run as root or with CAP_SYS_ADMIN to test a full disk")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
