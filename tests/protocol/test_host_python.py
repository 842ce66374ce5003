"""ned_protocol loads inside hosts' Pythons: stdlib + pyzmq + msgpack only, Python 3.9+ syntax and runtime."""

from __future__ import annotations

import ast
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import msgpack
import pytest

import ned_protocol

PACKAGE = Path(ned_protocol.__file__).parent
ALLOWED = set(sys.stdlib_module_names) | {"zmq", "msgpack"}


def _top_level_imports(path: Path) -> set:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", sorted(p.name for p in PACKAGE.glob("*.py")))
def test_imports_only_stdlib_pyzmq_and_msgpack(module):
    assert _top_level_imports(PACKAGE / module) <= ALLOWED


def test_importing_everything_loads_no_numpy_torch_or_ned_core():
    modules = ", ".join(f"ned_protocol.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    code = (f"import sys, {modules}\n"
            "bad = [m for m in ('numpy', 'torch', 'ned_core') if m in sys.modules]\n"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def _interpreter(version: str):
    """A working ``python<version>`` on this machine (PATH or pyenv), or None."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True, timeout=30)
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


ROUND_TRIP = """
import sys
from ned_protocol import Session, make_buffer, ProtocolError
a, b = Session(b"k"), Session(b"k")
msg = a.message("frame_result", {"seq": 1, "frame": 7, "display_window": [0, 0, 7, 3], "data_window": [0, 0, 7, 3],
                "channels": ["R", "G", "B", "A"]}, job_id="job-1",
                buffers=[make_buffer("plate", "uint8", (4, 8, 4), bytes(range(128)))])
got = b.deserialize(a.serialize(msg))
assert bytes(got.buffers[0].data) == bytes(range(128)) and got.content["frame"] == 7
try:
    b.deserialize(a.serialize(msg)[:1])
except ProtocolError:
    pass
assert "zmq" not in sys.modules
print("ok", sys.version_info[:2])
"""


@pytest.mark.parametrize("version", ["3.9", "3.10"])
def test_codec_runs_on_older_host_pythons(version, tmp_path):
    """Compiles every module and runs a signed round trip there (msgpack's pure-Python fallback, no zmq)."""
    python = _interpreter(version)
    if python is None:
        pytest.skip(f"no python{version} on this machine")
    compile_all = "import sys\nfor path in sys.argv[1:]:\n    compile(open(path).read(), path, 'exec')"
    subprocess.run([python, "-c", compile_all, *map(str, PACKAGE.glob("*.py"))], check=True, timeout=60)
    site = tmp_path / "site"
    site.mkdir()
    (site / "msgpack").symlink_to(Path(msgpack.__file__).parent)
    env = {**os.environ, "MSGPACK_PUREPYTHON": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": f"{site}{os.pathsep}{PACKAGE.parent}"}
    result = subprocess.run([python, "-c", ROUND_TRIP], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


@pytest.mark.parametrize("version", ["3.9", "3.10"])
def test_the_host_plugins_compile_on_older_host_pythons(version):
    """Nuke 14 runs Python 3.9, Nuke 15 3.10; Resolve runs the system's Python (3.9+)."""
    python = _interpreter(version)
    if python is None:
        pytest.skip(f"no python{version} on this machine")
    repo = PACKAGE.parents[1]
    files = [str(p) for folder in ("plugin_nuke", "plugin_resolve") for p in (repo / folder).rglob("*.py")]
    compile_all = "import sys\nfor path in sys.argv[1:]:\n    compile(open(path).read(), path, 'exec')"
    subprocess.run([python, "-c", compile_all, *files], check=True, timeout=60)
