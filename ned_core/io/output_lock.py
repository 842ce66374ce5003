"""One writer per output folder: an advisory lock file held for the whole render, released when its owner dies.

``ned render`` and every node job hold ``.ned-writer.lock`` in their plate folder with ``flock(LOCK_EX |
LOCK_NB)`` while they write; a second writer is refused at once with :class:`OutputFolderBusyError`. The
kernel drops the lock when the holding process exits, however it exits (``kill -9`` included), so a crashed
writer never leaves a folder locked and no ``--force`` is needed. The holder removes the file when it is
done; a writer that locked a file which was removed meanwhile sees another inode at the name and tries again
(the usual lock-file protocol), so removal cannot let two writers in. The folders the render created and left
empty (bad input, cancelled before its first plate) are removed too, whether it ended or failed. ``flock``
works between processes on one machine and on NFS v4 mounts (Linux maps it to byte-range locks there).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ned_core.exceptions import OutputFolderBusyError
from ned_core.io.confined import open_folder

LOCK_NAME = ".ned-writer.lock"


@contextlib.contextmanager
def output_folder_lock(folder: Path | str) -> Iterator[None]:
    """Holds ``folder``'s writer lock (the folder is created, confined like every write, when missing).

    Raises:
        OutputFolderBusyError: another process holds it: a render is writing into this folder now.
        UnsafeOutputPathError: (confined processes) a folder on the way is a symlink.
    """
    created = _missing_folders(Path(folder))
    try:
        with open_folder(folder) as dir_fd:
            fd = _lock(dir_fd, folder)
            try:
                yield
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(LOCK_NAME, dir_fd=dir_fd)
                os.close(fd)
    finally:
        for made in created:  # deepest first; only while empty: nothing was written there
            try:
                os.rmdir(made)
            except OSError:
                break


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and those of its parents that do not exist yet, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _lock(dir_fd: int, folder: Path | str) -> int:
    while True:
        fd = os.open(LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=dir_fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputFolderBusyError(
                f"{folder}: another render is writing into this folder right now (a `ned render` run or a render "
                "node job); wait until it ends or write to another folder") from None
        held = os.fstat(fd)
        try:
            named = os.stat(LOCK_NAME, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            named = None
        if named is not None and (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)  # the previous holder removed the file as we opened it: lock the new one
