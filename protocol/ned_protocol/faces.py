"""Host face lists: the entries a host offers for an ``analyze_shot_reply`` and the ``face_track`` each one sends.

Shared by the Nuke node's face-track knob and the Resolve dialog, so both read the same labels (and scripts
saved by one version keep working in the next).
"""

from __future__ import annotations

import hashlib
import html
import os
import tempfile
from typing import Any, Dict, List

#: The node's default: the largest, most central face.
LARGEST = "largest"
#: Every face (since protocol 1.2): one plate per frame with a ``track<id>`` layer per face.
ALL_FACES = "all faces"
#: Character thumbnails a row in :func:`characters_html`.
THUMBNAILS_PER_ROW = 4


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


def thumbnail_folder() -> str:
    """Where hosts keep the thumbnails of ``analyze_shot`` replies: ``<temp dir>/ned_thumbnails``."""
    return os.path.join(tempfile.gettempdir(), "ned_thumbnails")


def save_thumbnails(result: Dict[str, Any], folder: str) -> Dict[int, str]:
    """Writes the character thumbnails of an ``analyze_shot`` result (``NodeClient.analyze_shot``, protocol 1.4) as
    JPEG files named by their content (the same face is one file, a file never changes), each written atomically.

    Returns:
        character id -> absolute JPEG path; characters without a thumbnail (an older node) are left out.

    Raises:
        OSError: the folder or a file cannot be written.
    """
    paths = {}
    for character in result.get("characters", []):
        thumbnail = character.get("thumbnail")
        if not thumbnail or "jpeg" not in thumbnail:
            continue
        path = os.path.abspath(os.path.join(folder, f"face_{hashlib.sha1(thumbnail['jpeg']).hexdigest()[:20]}.jpg"))
        if not os.path.exists(path):
            os.makedirs(folder, exist_ok=True)
            partial = f"{path}.{os.getpid()}.partial"
            with open(partial, "wb") as out:
                out.write(thumbnail["jpeg"])
            os.replace(partial, path)
        paths[character["id"]] = path
    return paths


def characters_html(result: Dict[str, Any], paths: Dict[int, str]) -> str:
    """Qt rich text showing each character's thumbnail over its list entry's name and frames, for a Nuke
    ``Text_Knob`` or a Resolve ``Label``; empty when the result has no characters."""
    cells = []
    for character in result.get("characters", []):
        path = paths.get(character["id"])
        thumb = character.get("thumbnail") or {}
        image = (f'<img src="{html.escape(path)}" width="{thumb["width"]}" height="{thumb["height"]}"><br>'
                 if path else "")
        cells.append(f'<td align="center">{image}character {character["id"]}<br>'
                     f'{html.escape(character["frames"])}</td>')
    rows = ["<tr>" + "".join(cells[i:i + THUMBNAILS_PER_ROW]) + "</tr>"
            for i in range(0, len(cells), THUMBNAILS_PER_ROW)]
    return f"<table>{''.join(rows)}</table>" if rows else ""
