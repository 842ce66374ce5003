"""Atomic file creation: write to a temporary name in the same directory, fsync, then rename."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ned_core.exceptions import UnsafeOutputPathError
from ned_core.io.confined import confining, open_folder


@contextlib.contextmanager
def atomic_path(final: Path | str, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``final``; on success rename it over ``final``.

    The temporary name keeps ``final``'s extension (``suffix`` overrides it) so that writers that
    pick a format from the extension (OpenImageIO) still work. On any exception the temporary file
    is removed and ``final`` is untouched: a reader never sees a half-written file.

    In a process that confines its writes (``ned_core.io.confined``), the folder is opened from its root
    without following symlinks and the file is written and renamed through that folder's descriptor.
    """
    final = Path(final)
    if confining():
        with open_folder(final.parent) as folder, _atomic_in(folder, final, suffix or final.suffix) as tmp:
            yield tmp
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.partial-", suffix=suffix or final.suffix, dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; finished files get the usual permissions
    try:
        yield tmp_path
        with open(tmp_path, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


@contextlib.contextmanager
def _atomic_in(folder: int, final: Path, suffix: str) -> Iterator[Path]:
    """``atomic_path`` inside an open folder descriptor (see ``ned_core.io.confined``)."""
    name = f".{final.name}.partial-{secrets.token_hex(4)}{suffix}"
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=folder)
    created = os.fstat(fd)
    try:
        yield Path(f"/proc/self/fd/{folder}/{name}")
        now = os.stat(name, dir_fd=folder, follow_symlinks=False)
        if (now.st_dev, now.st_ino) != (created.st_dev, created.st_ino):
            raise UnsafeOutputPathError(f"{final}: its temporary file was replaced while it was written; "
                                        "the file is not published")
        os.fsync(fd)
        os.replace(name, final.name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=folder)
        raise
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Free space below which a failed write is blamed on a full disk, bytes.
FULL_DISK_BYTES = 1 << 20


def no_space_note(folder: Path | str, error: BaseException | None = None) -> str:
    """``"; no space left on the device ..."`` when a write into ``folder`` failed because its disk is full,
    else ``""`` (libraries such as OpenEXR report a full disk only as "failed to write").

    ``error`` already saying ``ENOSPC`` needs no note.
    """
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return ""
    try:
        stat = os.statvfs(folder)
    except OSError:
        return ""
    free = stat.f_bavail * stat.f_frsize
    if free >= FULL_DISK_BYTES:
        return ""
    return f"; no space left on the device holding {folder} ({free} bytes free): free space and render again"


def atomic_write_bytes(final: Path | str, data: bytes) -> None:
    """Write ``data`` to ``final`` atomically."""
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)
