"""Every output says it is synthetic: the flag and the note that plates, composites and previews carry.

EXR plates and composites get ``ned/synthetic = 1`` and the note in the standard ``comments`` attribute; the
preview movie gets the same two entries in its container metadata (``comment`` and ``ned/synthetic``).
"""

from __future__ import annotations

#: Parameter key (written ``ned/synthetic``) whose value 1 marks an output as machine-altered.
SYNTHETIC_KEY = "synthetic"
#: What a person reading the file's metadata is told.
NOTE = ("SYNTHETIC CONTENT: the actor's facial expression was changed by NED (Neural Emotion Director), an AI "
        "edit of the source footage.")


def comments(what: str) -> str:
    """The ``comments`` text of an output: what the file is, then :data:`NOTE`."""
    return f"{what}. {NOTE}"


def movie_metadata() -> dict[str, str]:
    """Container metadata of a preview movie (MP4 writes custom keys with ``movflags=use_metadata_tags``)."""
    return {"comment": NOTE, f"ned/{SYNTHETIC_KEY}": "1"}
