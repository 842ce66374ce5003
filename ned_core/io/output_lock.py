"""One writer per output folder: an advisory lock file held for the whole render, released when its owner dies.

``ned render`` and every node job hold ``.ned-writer.lock`` in their plate folder with ``flock(LOCK_EX |
LOCK_NB)`` while they write. The kernel drops the lock when the holding process exits, however it exits
(``kill -9`` included), so a crashed writer never leaves a folder locked and no ``--force`` is needed. The
file itself stays (removing it would race with a writer that has just opened it). ``flock`` locks work
between processes on one machine and on NFS v4 mounts (Linux maps them to byte-range locks there).
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
    with open_folder(folder) as dir_fd:
        fd = os.open(LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=dir_fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputFolderBusyError(
                f"{folder}: another render is writing into this folder right now (a `ned render` run or a render "
                "node job); wait until it ends or write to another folder") from None
        yield
    finally:
        os.close(fd)
