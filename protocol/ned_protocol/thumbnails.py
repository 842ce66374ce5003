"""Character thumbnails of ``analyze_shot_reply`` (since protocol 1.4): small JPEGs in one ``uint8`` buffer.

The node stores each character's JPEG at ``thumbnail.offset .. offset + size`` of the reply's one buffer named
``thumbnails`` (shape ``(total bytes,)``), and sends field and buffer only in answer to a request of version 1.4
or later: an older client refuses a reply that carries buffers, so it gets the 1.3 reply unchanged.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .buffers import Buffer, make_buffer
from .exceptions import BufferMismatchError

#: First protocol version whose ``analyze_shot_reply`` carries thumbnails.
THUMBNAILS_SINCE = (1, 4)
#: Name of the reply's buffer.
BUFFER_NAME = "thumbnails"
#: Longest side of a thumbnail, pixels.
THUMBNAIL_PX = 64


def pack_thumbnails(characters: Sequence[Dict[str, Any]], jpegs: Mapping[int, Tuple[bytes, int, int]]
                    ) -> Tuple[List[Dict[str, Any]], Optional[Buffer]]:
    """The characters with their ``thumbnail`` placements, and the buffer holding the JPEGs (None if none).

    Args:
        characters: ``analyze_shot_reply`` character rows.
        jpegs: character id -> ``(jpeg bytes, width, height)``; characters without one get ``thumbnail: None``.
    """
    blob, out = bytearray(), []
    for character in characters:
        found = jpegs.get(character["id"])
        placed = None
        if found is not None:
            data, width, height = found
            placed = {"offset": len(blob), "size": len(data), "width": width, "height": height}
            blob += data
        out.append({**character, "thumbnail": placed})
    return out, (make_buffer(BUFFER_NAME, "uint8", (len(blob),), bytes(blob)) if blob else None)


def check_thumbnails(content: Dict[str, Any], buffers: Sequence[Buffer]) -> None:
    """An ``ok`` ``analyze_shot_reply`` carries the thumbnails buffer exactly when a character has a thumbnail, and
    every thumbnail lies inside it.

    Raises:
        BufferMismatchError: otherwise.
    """
    placed = [(c["id"], c["thumbnail"]) for c in content["characters"] if c.get("thumbnail") is not None]
    if not placed:
        if buffers:
            raise BufferMismatchError(f"analyze_shot_reply carries {len(buffers)} buffers but no character has a "
                                      "thumbnail")
        return
    if len(buffers) != 1 or buffers[0].name != BUFFER_NAME or buffers[0].dtype != "uint8" or len(buffers[0].shape) != 1:
        raise BufferMismatchError(f"analyze_shot_reply with thumbnails carries one 1-D uint8 buffer "
                                  f"{BUFFER_NAME!r}, got {[(b.name, b.dtype, list(b.shape)) for b in buffers]}")
    total = buffers[0].shape[0]
    for character_id, thumb in placed:
        if thumb["offset"] + thumb["size"] > total:
            raise BufferMismatchError(f"character {character_id}: thumbnail bytes {thumb['offset']}.."
                                      f"{thumb['offset'] + thumb['size']} lie outside the {total}-byte buffer")


def read_thumbnails(content: Dict[str, Any], buffers: Sequence[Buffer]) -> Dict[str, Any]:
    """The reply content with each placed thumbnail's JPEG bytes added as ``thumbnail["jpeg"]`` (a checked reply)."""
    if not buffers:
        return content
    data = buffers[0].data
    characters = []
    for character in content["characters"]:
        thumb = character.get("thumbnail")
        if thumb is not None:
            thumb = {**thumb, "jpeg": bytes(data[thumb["offset"]:thumb["offset"] + thumb["size"]])}
        characters.append({**character, "thumbnail": thumb})
    return {**content, "characters": characters}
