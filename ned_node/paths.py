"""Confine request paths to the node's roots: absolute, no traversal, symlinks resolved before the check."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from ned_node.errors import PathNotAllowedError

#: Characters a plate file name pattern may not contain (folders, NUL, Windows separators).
_BAD_NAME = re.compile(r"[/\\\x00]")


def _within(path: str, root: str) -> bool:
    return path == root or os.path.commonpath([path, root]) == root


def confine(path: str, roots: Sequence[Path], field: str, what: str) -> Path:
    """``path`` with every symlink resolved, checked to lie inside one of ``roots``.

    The path need not exist: its existing part is resolved and the rest appended. ``..``
    components are refused outright, so a later-created folder cannot lead outside.

    Args:
        path: an absolute path from a request.
        roots: allowed folders (resolved here too).
        field: the request field, for the error (``content.source.path``).
        what: ``"input"`` or ``"output"``, for the error message.

    Returns:
        The resolved path.

    Raises:
        PathNotAllowedError: relative, holds ``..`` or NUL, or lies outside every root.
    """
    if "\x00" in path or not os.path.isabs(path):
        raise PathNotAllowedError(f"{field}: {path!r:.200} must be an absolute path on storage the node "
                                  "reads (paths are not relative to anything on the node)", {"field": field})
    if ".." in Path(path).parts:
        raise PathNotAllowedError(f"{field}: {path!r:.200} holds '..'; give the path without parent references",
                                  {"field": field})
    if not roots:
        raise PathNotAllowedError(f"{field}: this node has no {what} roots configured, so it accepts no {what} "
                                  f"paths (start it with --{what}-root, or send the frames inline)", {"field": field})
    resolved = os.path.realpath(path)
    real_roots = [os.path.realpath(root) for root in roots]
    if not any(_within(resolved, root) for root in real_roots):
        shown = ", ".join(str(r) for r in roots)
        via = " through a symlink" if resolved != os.path.normpath(path) else ""  # the target is not told
        raise PathNotAllowedError(f"{field}: {path:.200} leads{via} outside the node's {what} roots [{shown}]",
                                  {"field": field, "roots": [str(r) for r in roots]})
    return Path(resolved)


def check_file_name(pattern: str, field: str) -> str:
    """A plate name pattern must be a plain ``.exr`` file name: no folders, no hidden or partial names.

    Raises:
        PathNotAllowedError: it names a folder, starts with a dot, or is not an ``.exr`` name.
    """
    if _BAD_NAME.search(pattern) or pattern in (".", "..") or pattern.startswith("."):
        raise PathNotAllowedError(f"{field}: {pattern!r:.200} must be a file name (no folders, not hidden); "
                                  "put folders in output.directory", {"field": field})
    if not pattern.lower().endswith(".exr"):
        raise PathNotAllowedError(f"{field}: {pattern!r:.200} must end in .exr (plates are OpenEXR)",
                                  {"field": field})
    return pattern
