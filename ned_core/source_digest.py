"""A digest of the ``ned_core`` sources that made an output.

Plates record it as ``ned/code`` next to ``ned/version``: the package version does not change with every fix, so two
renders with identical parameters but different code (a farm whose nodes run different revisions, a re-render after
an upgrade) would otherwise carry identical headers.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_SUFFIXES = (".py", ".json")  # code and the data it ships (prototypes, model manifest)


def digest_of(root: Path) -> str:
    """First 16 hex digits of SHA-256 over the ``.py`` and ``.json`` files under ``root``, each as its path relative to
    ``root`` and its bytes, in path order (independent of where or when the tree was installed)."""
    sha = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.suffix in _SOURCE_SUFFIXES and p.is_file()
                   and "__pycache__" not in p.parts)
    for path in files:
        sha.update(path.relative_to(root).as_posix().encode())
        sha.update(b"\0")
        sha.update(path.read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()[:16]


@lru_cache(maxsize=1)
def source_digest() -> str:
    """The digest of this installation's ``ned_core`` (computed once per process, ~20 ms)."""
    return digest_of(_PACKAGE)
