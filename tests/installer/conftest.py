"""Tiny pyzmq/msgpack wheels built by the tests (zip files with a package and a dist-info), so no test downloads."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest


def make_wheel(folder: Path, package: str, module: str, tag: str, platform: str = "manylinux2014_x86_64") -> Path:
    """Writes ``<package>-27.0.0-<tag>-<tag>-<platform>.whl`` holding ``<module>/__init__.py`` and a dist-info."""
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{package}-27.0.0-{tag}-{tag}-{platform}.whl"
    info = f"{package}-27.0.0.dist-info"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(f"{module}/__init__.py", f"FROM_TEST_WHEEL = {tag!r}\n")
        archive.writestr(f"{module}/backend/__init__.py", "")
        archive.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {package}\nVersion: 27.0.0\n")
        archive.writestr(f"{info}/WHEEL", f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}-{tag}-{platform}\n")
        archive.writestr(f"{info}/RECORD", "")
    return wheel


@pytest.fixture(name="make_wheel")
def make_wheel_fixture():
    """``make_wheel`` for tests that add wheels of their own."""
    return make_wheel


@pytest.fixture
def wheel_dir(tmp_path) -> Path:
    """A --wheel-dir with pyzmq and msgpack wheels for cp310 (and a cp311 pyzmq that must not be picked)."""
    folder = tmp_path / "wheels"
    make_wheel(folder, "pyzmq", "zmq", "cp310")
    make_wheel(folder, "pyzmq", "zmq", "cp311")
    make_wheel(folder, "msgpack", "msgpack", "cp310")
    return folder
