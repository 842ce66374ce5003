"""Characters: face tracks grouped by identity across cuts, and the artist's merge/split edits.

Grouping is agglomerative (average linkage) on the Euclidean distance between the tracks' mean face
descriptors (:mod:`ned_core.analysis.identity`); two groups join while their distance is below
``threshold`` and no track of one overlaps a track of the other in time (one person is never two faces
at once). Edits (``NedCharacterEdits.1``) name track ids, which do not depend on the grouping::

    {"schema": "NedCharacterEdits.1", "split": [4], "merge": [[0, 7], [2, 5, 9]]}

``split`` takes each listed track out of its character into one of its own; ``merge`` then joins the
characters holding each list's tracks. Character ids number the characters by their first frame.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ned_core.exceptions import CharacterEditError, NoCharacterError

EDITS_SCHEMA = "NedCharacterEdits.1"
#: Largest average descriptor distance inside one character (dlib's own same-person bound is 0.6).
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class TrackIdentity:
    """What grouping needs of one track.

    Attributes:
        track_id: the track's id.
        frames: ``(T,) int64`` frames where the track has the face.
        descriptor: ``(128,) float32`` mean face descriptor, or None when no frame gave one.
    """

    track_id: int
    frames: np.ndarray
    descriptor: np.ndarray | None


@dataclass(frozen=True)
class Character:
    """One person: the tracks that show them (never two at the same frame)."""

    character_id: int
    track_ids: tuple[int, ...]


@dataclass(frozen=True)
class CharacterSet:
    """Every character of an analysis.

    Attributes:
        characters: in id order.
        method: how they were grouped (descriptor, linkage, threshold), recorded with them.
        edits: the artist's edits applied (an ``NedCharacterEdits.1`` document), or None.
    """

    characters: tuple[Character, ...]
    method: str
    edits: dict | None = field(default=None)

    def character(self, character_id: int) -> Character:
        """The character with ``character_id``; raises NoCharacterError naming the ids there are."""
        for c in self.characters:
            if c.character_id == character_id:
                return c
        ids = [c.character_id for c in self.characters]
        raise NoCharacterError(f"no character {character_id}; characters: {ids or 'none (no face found)'}")

    def of_track(self, track_id: int) -> int:
        """The id of the character holding track ``track_id``."""
        return next(c.character_id for c in self.characters if track_id in c.track_ids)


def _overlap(a: list[TrackIdentity], b: list[TrackIdentity]) -> bool:
    frames_a = np.concatenate([t.frames for t in a])
    return any(np.isin(t.frames, frames_a).any() for t in b)


def _linkage(a: list[TrackIdentity], b: list[TrackIdentity]) -> float:
    da = [t.descriptor for t in a if t.descriptor is not None]
    db = [t.descriptor for t in b if t.descriptor is not None]
    if not da or not db:
        return float("inf")  # a face never described joins nobody on its own
    return float(np.mean([np.linalg.norm(x - y) for x in da for y in db]))


def group_tracks(tracks: list[TrackIdentity], threshold: float = DEFAULT_THRESHOLD,
                 method: str = "face descriptor") -> CharacterSet:
    """Group tracks into characters (see the module docstring).

    Args:
        tracks: every track with its frames and descriptor.
        threshold: largest average descriptor distance of two groups that join.
        method: name of the descriptor, recorded in :attr:`CharacterSet.method`.

    Returns:
        The characters, numbered by first frame.
    """
    groups = [[t] for t in sorted(tracks, key=lambda t: t.track_id)]
    while True:
        best = None
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                d = _linkage(groups[i], groups[j])
                if d < threshold and (best is None or d < best[0]) and not _overlap(groups[i], groups[j]):
                    best = (d, i, j)
        if best is None:
            break
        _, i, j = best
        groups[i] = groups[i] + groups.pop(j)
    return _numbered([[t.track_id for t in g] for g in groups], {t.track_id: t for t in tracks},
                     f"{method}, average linkage, distance < {threshold}", None)


def _numbered(groups: list[list[int]], by_id: dict[int, TrackIdentity], method: str,
              edits: dict | None) -> CharacterSet:
    def first(group: list[int]) -> tuple[int, int]:
        return min(int(by_id[t].frames.min()) for t in group), min(group)

    ordered = sorted((sorted(g) for g in groups if g), key=first)
    return CharacterSet(tuple(Character(i, tuple(int(t) for t in g)) for i, g in enumerate(ordered)), method, edits)


def read_edits(path: Path | str) -> dict:
    """Read an ``NedCharacterEdits.1`` file.

    Raises:
        CharacterEditError: unreadable, not JSON, wrong schema, or lists that are not track ids.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise CharacterEditError(f"character edits {path}: not a readable JSON file: {e}") from None
    if not isinstance(doc, dict) or doc.get("schema") != EDITS_SCHEMA:
        raise CharacterEditError(f"character edits {path}: expected schema {EDITS_SCHEMA!r} "
                                 f"(e.g. {{\"schema\": \"{EDITS_SCHEMA}\", \"merge\": [[0, 3]], \"split\": [5]}})")
    merge, split = doc.get("merge", []), doc.get("split", [])
    if (not isinstance(split, list) or not all(type(t) is int for t in split) or not isinstance(merge, list)
            or not all(isinstance(g, list) and all(type(t) is int for t in g) for g in merge)):
        raise CharacterEditError(f"character edits {path}: 'split' is a list of track ids and 'merge' a list of "
                                 "lists of track ids")
    return {"schema": EDITS_SCHEMA, "merge": merge, "split": split}


def apply_edits(characters: CharacterSet, tracks: list[TrackIdentity], edits: dict) -> CharacterSet:
    """The characters after the artist's splits, then merges (see the module docstring).

    Raises:
        CharacterEditError: the edits name track ids that do not exist (all listed, with the ids there are),
            or a merge would put two tracks that overlap in time into one character.
    """
    by_id = {t.track_id: t for t in tracks}
    named = set(edits["split"]) | {t for g in edits["merge"] for t in g}
    unknown = sorted(named - set(by_id))
    if unknown:
        raise CharacterEditError(f"character edits name unknown track ids {unknown}; tracks: {sorted(by_id)}")
    groups = [[t for t in c.track_ids if t not in edits["split"]] for c in characters.characters]
    groups += [[t] for t in edits["split"]]
    for wanted in edits["merge"]:
        joined = [g for g in groups if set(g) & set(wanted)]
        merged = sorted({t for g in joined for t in g})
        frames = [by_id[t].frames for t in merged]
        for i, a in enumerate(merged):
            for b, fb in zip(merged[i + 1:], frames[i + 1:]):
                if np.isin(by_id[a].frames, fb).any():
                    raise CharacterEditError(f"character edits: merge {wanted} would join tracks {a} and {b}, "
                                             "which show two faces at the same frames")
        groups = [g for g in groups if g not in joined] + [merged]
    return _numbered(groups, by_id, characters.method, edits)
