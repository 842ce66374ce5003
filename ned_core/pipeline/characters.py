"""Characters of a shot: each track described from a few of its frames, grouped, the artist's edits applied."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

from ned_core.analysis import FaceMeshModels, ShotAnalysis, TrackAnalysis, cache_key
from ned_core.analysis.characters import CharacterSet, TrackIdentity, apply_edits, group_tracks
from ned_core.analysis.identity import FaceDescriptor, face_chip
from ned_core.analysis.identity import model_path as identity_model_path
from ned_core.analysis.identity_cache import IdentityCache, TrackFaces, identity_key
from ned_core.exceptions import IdentityModelUnavailableError, ModelMissingError
from ned_core.io.plate_source import PlateSource, frame_list
from ned_core.models.store import ModelStore, sha256_of
from ned_core.pipeline.analyze import analyze_source, whole_source
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.fingerprint import source_fingerprint

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


def describe_tracks(source: PlateSource, analysis: ShotAnalysis, descriptor: FaceDescriptor,
                    samples: int = SAMPLES_PER_TRACK) -> TrackFaces:
    """Describe every track from ``samples`` of its frames (:func:`track_identity`): the slow part of finding
    characters (about 0.1 s per sample), cached by :func:`shot_characters`.

    Args:
        source: the analysed source (those frames are decoded again).
        analysis: its analysis.
        descriptor: the loaded face descriptor.
    """
    identities, chips, chip_frames = [], {}, {}
    for t in analysis.tracks:
        identity, sampled = track_identity(analysis, t, source.read_display8, descriptor, samples)
        identities.append(identity)
        frames, tid = t.track.frames, identity.track_id
        middle = min(sampled, key=lambda r: abs(r - (len(frames) - 1) / 2))
        chips[tid], chip_frames[tid] = sampled[middle], int(frames[middle])
    return TrackFaces(descriptor.name, tuple(identities), chips, chip_frames)


def track_identity(analysis: ShotAnalysis, track: TrackAnalysis, image: Callable[[int], np.ndarray],
                   descriptor: FaceDescriptor, samples: int = SAMPLES_PER_TRACK
                   ) -> tuple[TrackIdentity, dict[int, np.ndarray]]:
    """One track's identity: the mean descriptor of ``samples`` of its frames in its own shot (evenly spaced, first
    and last included), with those frames as its time span, and the face chips described, by track row.

    A track may run into the mix of a dissolve past its shot (the outgoing face) or start in it before (the incoming
    one, ``track.track_faces``): a face mixed with another shot's describes neither, and the same actor in the two
    shots of a dissolve, on screen together only in the mix, stays one character. All its frames count when none
    lies in its shot.

    Args:
        image: frame number -> ``(H, W, 3) uint8`` sRGB display frame.
    """
    frames = track.track.frames
    own = np.flatnonzero(analysis.shots[np.searchsorted(analysis.frames, frames)] == track.track.shot)
    if len(own) == 0:
        own = np.arange(len(frames))
    rows = own[np.unique(np.linspace(0, len(own) - 1, min(samples, len(own))).round().astype(int))]
    sampled = {int(r): face_chip(image(int(frames[r])), track.landmarks[r]) for r in rows}
    vector = np.mean([descriptor.describe(chip) for chip in sampled.values()], axis=0)
    return TrackIdentity(int(track.track.track_id), frames[own], vector), sampled


def group_characters(faces: TrackFaces, edits: dict | None = None) -> ShotCharacters:
    """Group described tracks into characters by identity, then apply the artist's ``edits`` (fast).

    Args:
        faces: :func:`describe_tracks` of the analysis (or its cached copy).
        edits: an ``NedCharacterEdits.1`` document (:func:`~ned_core.analysis.characters.read_edits`), or None.

    Raises:
        CharacterEditError: the edits name unknown track ids or join tracks that overlap in time.
    """
    identities = list(faces.identities)
    characters = group_tracks(identities, method=faces.method)
    if edits is not None:
        characters = apply_edits(characters, identities, edits)
    lengths = {i.track_id: len(i.frames) for i in identities}
    longest = {c.character_id: max(c.track_ids, key=lengths.__getitem__) for c in characters.characters}
    return ShotCharacters(characters, {c: faces.chips[t] for c, t in longest.items()},
                          {c: (t, faces.chip_frames[t]) for c, t in longest.items()})


def find_characters(source: PlateSource, analysis: ShotAnalysis, descriptor: FaceDescriptor,
                    edits: dict | None = None, samples: int = SAMPLES_PER_TRACK) -> ShotCharacters:
    """Group the analysis's tracks into characters by identity (:func:`describe_tracks`, :func:`group_characters`;
    nothing cached).

    Raises:
        CharacterEditError: the edits name unknown track ids or join tracks that overlap in time.
    """
    return group_characters(describe_tracks(source, analysis, descriptor, samples), edits)


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
                    required: bool = False, cache: tuple[IdentityCache, str] | None = None,
                    ) -> tuple[ShotCharacters | None, str | None]:
    """:func:`find_characters` with the descriptor from ``store`` and the artist's ``edits``.

    Args:
        cache: the descriptor cache and the analysis's cache key: tracks described once for this analysis are
            not described again (grouping and ``edits`` are applied every time).

    Returns:
        The characters, or None and a one-line note saying why not when the descriptor is not installed
        (then an error instead when ``required`` or edits were given).

    Raises:
        CharacterEditError: the edits name unknown track ids or join tracks that overlap in time.
        ModelMissingError, IdentityModelUnavailableError: no descriptor, and characters are required.
    """
    try:
        faces, key = None, None
        if cache is not None:
            key = identity_key(cache[1], sha256_of(identity_model_path(store)), SAMPLES_PER_TRACK)
            faces = cache[0].load(key)
        if faces is None:
            faces = describe_tracks(source, analysis, FaceDescriptor.load(store))
            if cache is not None:
                cache[0].save(key, faces)
    except (ModelMissingError, IdentityModelUnavailableError) as e:
        if required or edits is not None:
            raise
        return None, f"characters not grouped: {e}"
    return group_characters(faces, edits), None


def source_characters(source: PlateSource, config: NedConfig, models: FaceMeshModels, edits: dict | None = None,
                      required: bool = False, analysis: ShotAnalysis | None = None, source_hash: str | None = None,
                      ) -> tuple[ShotCharacters | None, str | None, ShotAnalysis]:
    """:func:`shot_characters` of the whole movie or sequence ``source`` was opened from, so that character ids,
    like track ids, do not depend on ``--frames`` (the whole analysis comes from the analysis cache). With an
    analysis cache, the tracks' descriptors are cached beside it (``analysis.identity_cache``).

    Args:
        analysis: ``source``'s analysis when already at hand; used when ``source`` is the whole source.
        source_hash: the fingerprint of the whole source (``ShotFit.source_hash``), which keys the cache; computed
            when not given.

    Returns:
        ``(characters or None, note, the whole source's analysis)`` (see :func:`shot_characters`).
    """
    whole = whole_source(source)
    with whole if whole is not None else nullcontext(source) as src:
        if whole is not None or analysis is None:
            analysis, _, source_hash = analyze_source(src, config, models)
        cache = None
        if config.cache_dir is not None:
            source_hash = source_hash if source_hash is not None else source_fingerprint(src)
            cache = (IdentityCache(config.cache_dir), cache_key(source_hash, config.analysis, models))
        found, note = shot_characters(src, analysis, ModelStore(config.store), edits, required, cache)
    return found, note, analysis


@dataclass(frozen=True)
class ChosenFaces:
    """The faces a render edits (or an eval measures): those asked for, or the default ones (:func:`default_faces`)."""

    tracks: tuple[TrackAnalysis, ...]  # tracks of the analysis, in its order
    character: int | None  # the character they are, when one was asked for or formed for the default
    note: str | None  # why only the default track is taken on a range of several shots, else None


def default_faces(source: PlateSource, config: NedConfig, models: FaceMeshModels, analysis: ShotAnalysis,
                  edits: dict | None = None, source_hash: str | None = None) -> ChosenFaces:
    """The faces a render edits when none is chosen. On a range of one shot: its largest, most central face
    (``ShotAnalysis.default``). On a range of several shots: its main actor, the character on screen in the most
    frames of the range (ties: the one holding that default track), with every track of it, so that a render of a
    cut sequence follows the main actor through the cuts instead of editing one shot.

    Args:
        source: the plates ``analysis`` was made from (its whole source keys the characters, as for ``--character``).
        analysis: the range's analysis (ids of the whole source's analysis).
        edits, source_hash: as for :func:`source_characters`.

    Returns:
        The tracks; the default track alone when the range is one shot or when no face descriptor is installed
        (``note`` says so).
    """
    default = analysis.default()
    shots = len(analysis.shot_ranges())
    if shots < 2:
        return ChosenFaces((default,), None, None)
    found, note, _ = source_characters(source, config, models, edits, analysis=analysis, source_hash=source_hash)
    track_id = int(default.track.track_id)
    if found is None:
        return ChosenFaces((default,), None, f"only face track {track_id} is edited, in one of {shots} shots "
                                             f"({note}); choose faces with --character or --track all")
    here = {int(t.track.track_id): t for t in analysis.tracks}
    screen = [(len({int(f) for t in c.track_ids if t in here for f in here[t].track.frames}),
               track_id in c.track_ids, c) for c in found.characters.characters]
    frames, _, main = max(screen, key=lambda s: s[:2], default=(0, False, None))
    if not frames:  # no character holds a track of the range (none described): the default track alone
        return ChosenFaces((default,), None, None)
    return ChosenFaces(tuple(here[t] for t in sorted(here) if t in main.track_ids), main.character_id, None)
