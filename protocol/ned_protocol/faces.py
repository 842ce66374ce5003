"""Host face lists: the entries a host offers for an ``analyze_shot_reply`` and the ``face_track`` each one sends.

Shared by the Nuke node's face-track knob and the Resolve dialog, so both read the same labels (and scripts
saved by one version keep working in the next).
"""

from __future__ import annotations

from typing import Any, Dict, List

#: The node's default: the largest, most central face.
LARGEST = "largest"
#: Every face (since protocol 1.2): one plate per frame with a ``track<id>`` layer per face.
ALL_FACES = "all faces"


def track_label(track: Dict[str, Any]) -> str:
    """The entry of one ``analyze_shot_reply`` track: ``"0: frames 1001-1096 (90)"``."""
    return f"{track['id']}: frames {track['first_frame']}-{track['last_frame']} ({track['frames_with_face']})"


def character_label(character: Dict[str, Any]) -> str:
    """The entry of one ``analyze_shot_reply`` character (since 1.2):
    ``"character 0: tracks 0, 6 (1001-1040,1100-1150)"``."""
    tracks = ", ".join(str(t) for t in character["tracks"])
    return f"character {character['id']}: tracks {tracks} ({character['frames']})"


def face_items(result: Dict[str, Any]) -> List[str]:
    """The face list for an ``analyze_shot_reply``: "largest" first, "all faces" when there are several, one entry
    per character (a person across cuts) and one per track."""
    everyone = [ALL_FACES] if len(result["tracks"]) > 1 else []
    people = [character_label(c) for c in result.get("characters", [])]
    return [LARGEST, *everyone, *people, *(track_label(track) for track in result["tracks"])]


def face_choice(label: str) -> Dict[str, Any]:
    """The ``face_track`` a face-list entry sends: largest, all faces, a character or a track.

    Reads :func:`track_label` and :func:`character_label` entries and the ``"track 3"`` entries of Nuke scripts
    saved by older versions.
    """
    if label == LARGEST:
        return {"select": "largest"}
    if label == ALL_FACES:
        return {"select": "all"}
    head = label.split(":")[0].split()
    if head[0] == "character":
        return {"select": "character", "character_id": int(head[-1])}
    return {"select": "track", "track_id": int(head[-1])}
