"""Characters of a shot: each track described from a few of its frames, grouped, the artist's edits applied."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

from ned_core.analysis import FaceMeshModels, ShotAnalysis
from ned_core.analysis.characters import CharacterSet, TrackIdentity, apply_edits, group_tracks
from ned_core.analysis.identity import FaceDescriptor, face_chip
from ned_core.exceptions import IdentityModelUnavailableError, ModelMissingError
from ned_core.io.plate_source import PlateSource, frame_list
from ned_core.models.store import ModelStore
from ned_core.pipeline.analyze import analyze_source, whole_source
from ned_core.pipeline.config import NedConfig

#: Frames of each track the descriptor looks at (evenly spaced, first and last included).
SAMPLES_PER_TRACK = 4


@dataclass(frozen=True)
class ShotCharacters:
    """The characters of a shot and a face chip of each.

    Attributes:
        characters: the grouping (edits applied).
        thumbnails: character id -> ``(150, 150, 3) uint8`` sRGB face chip from the middle of its longest track.
        faces: character id -> (track id, frame) the thumbnail shows.
    """

    characters: CharacterSet
    thumbnails: dict[int, np.ndarray]
    faces: dict[int, tuple[int, int]]


def find_characters(source: PlateSource, analysis: ShotAnalysis, descriptor: FaceDescriptor,
                    edits: dict | None = None, samples: int = SAMPLES_PER_TRACK) -> ShotCharacters:
    """Group the analysis's tracks into characters by identity.

    Args:
        source: the analysed source (a few frames per track are decoded again).
        analysis: its analysis.
        descriptor: the loaded face descriptor.
        edits: an ``NedCharacterEdits.1`` document (:func:`~ned_core.analysis.characters.read_edits`), or None.
        samples: frames described per track.

    Raises:
        CharacterEditError: the edits name unknown track ids or join tracks that overlap in time.
    """
    identities, middles = [], {}
    for t in analysis.tracks:
        frames = t.track.frames
        rows = np.unique(np.linspace(0, len(frames) - 1, min(samples, len(frames))).round().astype(int))
        chips = {int(r): face_chip(source.read_display8(int(frames[r])), t.landmarks[r]) for r in rows}
        vectors = [descriptor.describe(chip) for chip in chips.values()]
        identities.append(TrackIdentity(int(t.track.track_id), frames, np.mean(vectors, axis=0)))
        middle = min(chips, key=lambda r: abs(r - (len(frames) - 1) / 2))
        middles[int(t.track.track_id)] = (chips[middle], int(frames[middle]))
    characters = group_tracks(identities, method=descriptor.name)
    if edits is not None:
        characters = apply_edits(characters, identities, edits)
    lengths = {i.track_id: len(i.frames) for i in identities}
    longest = {c.character_id: max(c.track_ids, key=lengths.__getitem__) for c in characters.characters}
    return ShotCharacters(characters, {c: middles[t][0] for c, t in longest.items()},
                          {c: (t, middles[t][1]) for c, t in longest.items()})


def character_rows(characters: CharacterSet, analysis: ShotAnalysis) -> list[dict]:
    """One row per character: id, track ids, frames (fileseq syntax), first/last frame, frames with the face."""
    frames = {int(t.track.track_id): t.track.frames for t in analysis.tracks}
    rows = []
    for c in characters.characters:
        seen = np.unique(np.concatenate([frames[t] for t in c.track_ids]))
        rows.append({"id": c.character_id, "tracks": list(c.track_ids), "frames": frame_list(seen.tolist()),
                     "first_frame": int(seen[0]), "last_frame": int(seen[-1]), "frames_with_face": int(len(seen))})
    return rows


#: File name of the characters' contact sheet in an analysis folder.
SHEET_NAME = "characters.png"


def characters_doc(shot: ShotCharacters, analysis: ShotAnalysis) -> dict:
    """The ``characters`` section of ``analysis.json`` (``NedCharacters.1``): method, edits, one row each."""
    return {"schema": "NedCharacters.1", "method": shot.characters.method, "edits": shot.characters.edits,
            "sheet": SHEET_NAME, "characters": character_rows(shot.characters, analysis)}


def shot_characters(source: PlateSource, analysis: ShotAnalysis, store: ModelStore, edits: dict | None = None,
                    required: bool = False) -> tuple[ShotCharacters | None, str | None]:
    """:func:`find_characters` with the descriptor from ``store`` and the artist's ``edits``.

    Returns:
        The characters, or None and a one-line note saying why not when the descriptor is not installed
        (then an error instead when ``required`` or edits were given).

    Raises:
        CharacterEditError: the edits name unknown track ids or join tracks that overlap in time.
        ModelMissingError, IdentityModelUnavailableError: no descriptor, and characters are required.
    """
    try:
        descriptor = FaceDescriptor.load(store)
    except (ModelMissingError, IdentityModelUnavailableError) as e:
        if required or edits is not None:
            raise
        return None, f"characters not grouped: {e}"
    return find_characters(source, analysis, descriptor, edits), None


def source_characters(source: PlateSource, config: NedConfig, models: FaceMeshModels, edits: dict | None = None,
                      required: bool = False, analysis: ShotAnalysis | None = None,
                      ) -> tuple[ShotCharacters | None, str | None, ShotAnalysis]:
    """:func:`shot_characters` of the whole movie or sequence ``source`` was opened from, so that character ids,
    like track ids, do not depend on ``--frames`` (the whole analysis comes from the analysis cache).

    Args:
        analysis: ``source``'s analysis when already at hand; used when ``source`` is the whole source.

    Returns:
        ``(characters or None, note, the whole source's analysis)`` (see :func:`shot_characters`).
    """
    whole = whole_source(source)
    with whole if whole is not None else nullcontext(source) as src:
        if whole is not None or analysis is None:
            analysis, _, _ = analyze_source(src, config, models)
        found, note = shot_characters(src, analysis, ModelStore(config.store), edits, required)
    return found, note, analysis
