"""Atomic writes: all or nothing at the final path, usual permissions."""

import contextlib
import os

import pytest

from ned_core.io.atomic import StagedFile, atomic_path, atomic_write_bytes
from ned_core.io.confined import confine_writes


@contextlib.contextmanager
def confining_writes(root):
    confine_writes([root])
    try:
        yield
    finally:
        confine_writes([])


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


def _count_fsyncs(monkeypatch) -> list[int]:
    """Record the descriptors ``os.fsync`` is called with (the real fsync still runs)."""
    calls, real = [], os.fsync

    def fsync(fd):
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


@pytest.mark.parametrize("confined", [False, True])
def test_a_synced_file_is_published_by_a_rename_only(tmp_path, monkeypatch, confined):
    """A writer thread syncs the staged file; publishing it (the reporting thread) flushes nothing more."""
    calls = _count_fsyncs(monkeypatch)
    with confining_writes(tmp_path) if confined else contextlib.nullcontext():
        staged = StagedFile(tmp_path / "plate.exr")
        staged.path.write_bytes(b"complete")
        staged.sync()
        assert len(calls) == 1 and not (tmp_path / "plate.exr").exists()  # synced, not yet at its final path
        staged.publish()
    assert len(calls) == 1
    assert (tmp_path / "plate.exr").read_bytes() == b"complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plate.exr"]


def test_an_unsynced_file_is_flushed_when_published(tmp_path, monkeypatch):
    calls = _count_fsyncs(monkeypatch)
    staged = StagedFile(tmp_path / "plate.exr")
    staged.path.write_bytes(b"complete")
    staged.publish()
    assert len(calls) == 1 and (tmp_path / "plate.exr").read_bytes() == b"complete"


def test_a_discarded_file_cannot_be_synced(tmp_path):
    staged = StagedFile(tmp_path / "plate.exr")
    staged.discard()
    with pytest.raises(FileNotFoundError, match="plate.exr: already published or discarded"):
        staged.sync()
    assert list(tmp_path.iterdir()) == []
