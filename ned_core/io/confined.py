"""Writes confined to trusted folders: each write opens its folder from a root, one ``O_NOFOLLOW`` step at a time.

A render node writes plates, composites, previews and its analysis cache only below folders its operator
configured (its output roots and state dir). Checking a path once when a job is submitted is not enough: a
folder inside an output tree can be replaced by a symlink at any moment. So, once :func:`confine_writes` has
been called in a process, every :func:`ned_core.io.atomic.atomic_path` write

1. opens the root (resolved when confinement was set up) and walks down to the file's folder with
   ``openat(..., O_DIRECTORY | O_NOFOLLOW)``, creating missing folders with ``mkdirat``: a symlink (or a
   non-folder) anywhere below the root stops the write with :class:`UnsafeOutputPathError`;
2. creates the temporary file in that folder descriptor with ``O_CREAT | O_EXCL | O_NOFOLLOW`` and hands
   writers (OpenImageIO, PyAV, numpy) the path ``/proc/self/fd/<folder fd>/<temporary name>``, which the kernel
   resolves through the already-open folder, whatever its path points to now;
3. checks that the temporary name is still the file it created, then renames it onto the final name inside
   the same folder descriptor (``renameat``; a symlink at the final name is replaced, never followed).

A folder swapped for a symlink after step 1 only redirects writes into the folder that was opened (it is
still the confined one, wherever it was moved).

Reads are confined the same way once :func:`confine_reads` was called: :func:`readable_input` resolves the
input's symlinks *at the moment it is opened* (symlinks that stay inside the roots are fine), checks the result
lies in a read root, and hands the reader ``/proc/self/fd/<folder fd>/<name>`` for the folder walked down
from that root without following symlinks; so a frame replaced by a symlink to another show after the job was
accepted is refused (:class:`UnsafeInputPathError`) instead of read.

Linux only (``/proc/self/fd``); processes that call neither function (the ``ned`` CLI) use paths as given.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from ned_core.exceptions import FrameReadError, UnsafeInputPathError, UnsafeOutputPathError

_ROOTS: tuple[str, ...] = ()
_READ_ROOTS: tuple[str, ...] = ()
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


def confine_writes(roots: Sequence[Path | str]) -> None:
    """From now on this process writes files (``atomic_path``) only below ``roots`` (resolved now), through no
    symlink below them. An empty sequence lifts the confinement."""
    global _ROOTS
    _ROOTS = tuple(os.path.realpath(root) for root in roots)


def confining() -> bool:
    """Whether :func:`confine_writes` holds for this process."""
    return bool(_ROOTS)


def confine_reads(roots: Sequence[Path | str]) -> None:
    """From now on this process opens inputs (:func:`readable_input`) only below ``roots`` (resolved now), as
    they resolve when opened. An empty sequence lifts the confinement."""
    global _READ_ROOTS
    _READ_ROOTS = tuple(os.path.realpath(root) for root in roots)


def _within(path: str, roots: tuple[str, ...]) -> str | None:
    return next((root for root in roots if path == root or os.path.commonpath([path, root]) == root), None)


def _root_of(folder: str) -> str:
    root = _within(folder, _ROOTS)
    if root is None:
        raise UnsafeOutputPathError(f"{folder}: outside every folder this process may write to")
    return root


@contextlib.contextmanager
def open_folder(folder: Path | str) -> Iterator[int]:
    """A descriptor of ``folder`` (created if missing), opened from its root without following any symlink
    below the root when confining, else simply by path.

    Raises:
        UnsafeOutputPathError: a folder below the root is a symlink or not a folder, or ``folder`` lies outside
            every root.
    """
    folder = os.path.normpath(os.path.abspath(folder))
    if not _ROOTS:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(folder, _DIR_FLAGS)
    else:
        root = _root_of(folder)
        parts = Path(os.path.relpath(folder, root)).parts if folder != root else ()
        fd = os.open(root, _DIR_FLAGS)
        for depth, part in enumerate(parts):
            fd = _step(fd, part, folder, depth)  # closes the parent, also when it raises
    try:
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def readable_input(path: Path | str) -> Iterator[str]:
    """The path a reader (OpenImageIO, PyAV) should open for input ``path``: ``path`` itself unless reads are
    confined, else the file it resolves to now, reached through its folder opened from a read root without
    following symlinks. Open the file inside the block (readers keep their own descriptor afterwards).

    Raises:
        UnsafeInputPathError: ``path`` resolves outside every read root, or a folder on the way was swapped
            for a symlink meanwhile.
    """
    if not _READ_ROOTS:
        yield str(path)
        return
    real = os.path.realpath(path)
    root = _within(real, _READ_ROOTS)
    if root is None:
        raise UnsafeInputPathError(f"{path}: leads outside the folders this job may read (a symlink changed "
                                   "since the job was accepted?)")
    folder, name = os.path.split(real)
    fd = os.open(root, _DIR_FLAGS)
    try:
        for depth, part in enumerate(Path(os.path.relpath(folder, root)).parts if folder != root else ()):
            fd = _step(fd, part, folder, depth, create=False)
    except UnsafeOutputPathError as exc:
        raise UnsafeInputPathError(f"{path}: a folder on its way was replaced by a symlink") from exc
    except FileNotFoundError as exc:
        raise FrameReadError(f"{path}: file is missing (its folder is gone)") from exc
    try:
        if os.path.islink(f"/proc/self/fd/{fd}/{name}"):  # replaced since it was resolved
            raise UnsafeInputPathError(f"{path}: was replaced by a symlink while it was being opened")
        yield f"/proc/self/fd/{fd}/{name}"
    finally:
        os.close(fd)


def _step(parent: int, name: str, folder: str, depth: int, create: bool = True) -> int:
    """Opens (creating it if missing and ``create``) folder ``name`` in ``parent`` without following a symlink;
    closes ``parent``."""
    flags = _DIR_FLAGS | os.O_NOFOLLOW
    try:
        try:
            return os.open(name, flags, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                raise
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o777, dir_fd=parent)
            return os.open(name, flags, dir_fd=parent)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        raise UnsafeOutputPathError(
            f"{folder}: {name!r} (level {depth + 1} below the output root) is a symlink or not a folder; nothing "
            "is written through symlinks inside output folders") from exc
    finally:
        os.close(parent)


@contextlib.contextmanager
def readable_output(path: Path | str) -> Iterator[str]:
    """A path to read a file this process wrote (e.g. a plate's header), resolved like a write: through its
    folder opened from the root without symlinks, the file itself not a symlink. Plain ``path`` when not
    confining.

    Raises:
        UnsafeOutputPathError: a folder on the way, or the file, is a symlink.
    """
    if not _ROOTS:
        yield str(path)
        return
    path = Path(path)
    with open_folder(path.parent) as folder:
        if os.path.islink(f"/proc/self/fd/{folder}/{path.name}"):
            raise UnsafeOutputPathError(f"{path}: is a symlink; nothing is read through symlinks in output folders")
        yield f"/proc/self/fd/{folder}/{path.name}"
