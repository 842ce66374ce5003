"""Atomic writes: all or nothing at the final path, usual permissions."""

import os

import pytest

from ned_core.io.atomic import atomic_path, atomic_write_bytes


def test_failure_leaves_previous_file_and_no_temp(tmp_path):
    final = tmp_path / "plate.exr"
    final.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(final) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("crash mid-write")
    assert final.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plate.exr"]


def test_written_file_has_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.json", b"{}")
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644
