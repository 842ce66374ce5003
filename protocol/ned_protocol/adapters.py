"""Protocol versions: the major-version rule, and upgrades of an older minor version's messages."""

from __future__ import annotations

import copy
from typing import Any, Callable, Dict, Mapping, Sequence, Tuple

from .exceptions import VersionMismatchError

#: Turns a message (the header map, content included) of minor version m into minor m + 1.
Adapter = Callable[[Dict[str, Any]], Dict[str, Any]]


def _unchanged(wire: Dict[str, Any]) -> Dict[str, Any]:
    """1.0 -> 1.1: 1.1 only adds ``analyze_shot_request``/``_reply``, which a 1.0 peer never sends.
    1.1 -> 1.2: 1.2 only adds choices (``face_track.select`` "all"/"character") and optional fields
    (``face_track.character_id``/``character_edits``, ``analyze_shot_reply.characters``).
    1.2 -> 1.3: 1.3 only adds the optional ``emotion.units`` and ``emotion.keys[].units`` (null by default).
    1.3 -> 1.4: 1.4 only adds ``analyze_shot_reply.characters[].thumbnail`` (null by default) and its buffer, which
    a node sends only to 1.4 requests."""
    return wire


#: Upgrades within major 1, keyed by the minor they upgrade from.
#: A minor release adds a new entry here (e.g. ``{1: _rename_priority}``) and never changes one.
MINOR_UPGRADES: Mapping[int, Adapter] = {0: _unchanged, 1: _unchanged, 2: _unchanged, 3: _unchanged}


def check_version(remote: Sequence[int], local: Sequence[int]) -> None:
    """Accepts a message only when its major version equals this end's.

    Raises:
        VersionMismatchError: the majors differ; ``details`` holds both versions.
    """
    if remote[0] == local[0]:
        return
    newest = max(tuple(remote), tuple(local))
    older = "the sender of the message" if tuple(remote) < tuple(local) else "this end"
    raise VersionMismatchError(
        f"protocol version mismatch: the message is NED protocol {remote[0]}.{remote[1]}, this end speaks "
        f"{local[0]}.{local[1]}, and major versions must match: upgrade {older} (ned-protocol client or "
        f"host plugin, or the render node) to protocol {newest[0]}.x",
        details={"remote": list(remote), "local": list(local)})


def upgrade(wire: Dict[str, Any], remote: Tuple[int, int], local: Tuple[int, int],
            upgrades: Mapping[int, Adapter]) -> Dict[str, Any]:
    """Brings a same-major message of an older minor version up to this end's minor.

    A newer minor's message is returned unchanged: minors only add optional fields and new message
    types, and the schemas drop fields they do not know.

    Args:
        wire: the decoded header map (not modified).
        remote: the message's version.
        local: this end's version (same major).
        upgrades: adapters keyed by the minor they upgrade from.

    Returns:
        The header map in this end's minor version.

    Raises:
        VersionMismatchError: an upgrade step is missing from ``upgrades``.
    """
    if remote[1] >= local[1]:
        return wire
    upgraded = copy.deepcopy(wire)
    for minor in range(remote[1], local[1]):
        if minor not in upgrades:
            raise VersionMismatchError(f"this end cannot upgrade protocol {remote[0]}.{minor} messages to "
                                       f"{local[0]}.{minor + 1}: upgrade the sender",
                                       details={"remote": list(remote), "local": list(local)})
        upgraded = upgrades[minor](upgraded)
    return upgraded
