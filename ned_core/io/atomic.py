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
    staged = StagedFile(final, suffix)
    try:
        yield staged.path
        staged.publish()
    finally:
        staged.discard()


class StagedFile:
    """A file written under a temporary name next to ``final`` and published (renamed over it) later, perhaps on
    another thread: what :func:`atomic_path` does in one step, split so that a writer thread can write and the
    thread that reports finished files can publish them, and a file is never at its final path before it is
    reported. Until :meth:`publish` or :meth:`discard` it holds the temporary file (and, confined, its folder's
    descriptor); a process killed meanwhile leaves only ``.<name>.partial-<random><ext>``.

    Attributes:
        final: where :meth:`publish` puts the file.
        path: the temporary path to write.
    """

    def __init__(self, final: Path | str, suffix: str | None = None):
        self.final = Path(final)
        suffix = suffix or self.final.suffix
        self._folder: int | None = None
        self._synced = False
        self._created: tuple[int, int] | None = None
        if confining():
            self._open_confined(suffix)
            return
        self.final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.final.name}.partial-", suffix=suffix, dir=self.final.parent)
        os.close(fd)
        self._name = tmp
        self.path = Path(tmp)
        os.chmod(self.path, 0o666 & ~_umask())  # mkstemp makes 0600; finished files get the usual permissions

    def _open_confined(self, suffix: str) -> None:
        with open_folder(self.final.parent) as opened:
            folder = os.dup(opened)  # kept open until published or discarded (non-inheritable, like the original)
        name = f".{self.final.name}.partial-{secrets.token_hex(4)}{suffix}"
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666,
                         dir_fd=folder)
            created = os.fstat(fd)
            os.close(fd)
        except BaseException:
            os.close(folder)
            raise
        self._folder, self._name = folder, name
        self._created = (created.st_dev, created.st_ino)
        self.path = Path(f"/proc/self/fd/{folder}/{name}")

    def sync(self) -> None:
        """fsync the temporary file now, on the calling thread (the writer's, once the file is complete), so that
        :meth:`publish` on the reporting thread only renames it: a disk flush takes milliseconds that would
        otherwise hold up the thread that renders and reports. Write nothing more to the file afterwards.

        Raises:
            OSError: the file cannot be synced (it is then removed, see :meth:`discard`).
        """
        if self._name is None:
            raise FileNotFoundError(f"{self.final}: already published or discarded")
        try:
            self._flush()
        except BaseException:
            self.discard()
            raise

    def _flush(self) -> None:
        """fsync the temporary file (plain or confined: ``dir_fd`` is ``None`` for a plain absolute path)."""
        fd = os.open(self._name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self._folder)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        self._synced = True

    def publish(self) -> Path:
        """fsync the temporary file (unless :meth:`sync` did) and rename it over :attr:`final`; on failure it is
        removed (see :meth:`discard`).

        Raises:
            OSError: the file cannot be synced or renamed.
            UnsafeOutputPathError: (confined) the temporary file was replaced while it was written.
        """
        if self._name is None:
            raise FileNotFoundError(f"{self.final}: already published or discarded")
        try:
            if self._folder is None:
                if not self._synced:
                    self._flush()
                os.replace(self._name, self.final)
            else:
                self._publish_confined()
        except BaseException:
            self.discard()
            raise
        self._name = None
        self._close()
        return self.final

    def _publish_confined(self) -> None:
        now = os.stat(self._name, dir_fd=self._folder, follow_symlinks=False)
        if (now.st_dev, now.st_ino) != self._created:
            raise UnsafeOutputPathError(f"{self.final}: its temporary file was replaced while it was written; "
                                        "the file is not published")
        if not self._synced:
            self._flush()
        os.replace(self._name, self.final.name, src_dir_fd=self._folder, dst_dir_fd=self._folder)

    def discard(self) -> None:
        """Remove the temporary file (nothing after :meth:`publish`); the final path is untouched."""
        if self._name is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._name, dir_fd=self._folder)
            self._name = None
        self._close()

    def _close(self) -> None:
        if self._folder is not None:
            os.close(self._folder)
            self._folder = None


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
