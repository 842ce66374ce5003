"""Emotion keys documents (JSON, schema ``EmotionKeys.2``; ``EmotionKeys.1`` still read) <-> :class:`EmotionSchedule`.

Schema ``EmotionKeys.2``::

    {
      "schema": "EmotionKeys.2",
      "transition": 12,                 # optional: default transition length in frames (>= 1)
      "ease": "smoothstep",             # optional: "smoothstep" or "cosine"
      "keys": [                         # at least one key; any order, frames unique
        {"frame": 1001, "emotion": "happy", "intensity": 0.5},
        {"frame": 1040, "emotion": {"happy": 0.6, "surprised": 0.4}, "intensity": 1.0,
         "transition": 8,               # optional per key: frames of the change ending here
         "units": {"brow_inner_up": -0.5}}   # optional per key (.2 only): unit overrides
      ]
    }

``frame`` is an integer inside the shot. ``emotion`` is a label or a ``{label: weight}`` blend
(weights >= 0, normalised to sum 1); leave it out of every key for an intensity-only schedule
(target from a reference clip). ``intensity`` is 0..1.5 and defaults to 1. ``units`` maps unit
names (a channel such as ``brow_inner_up_L`` or a bilateral group such as ``brow_inner_up``) to
override values in -1.5..1.5 (see :mod:`ned_core.direct.units`); ``EmotionKeys.1`` is ``.2``
without ``units``. Unknown fields are errors (they are usually typos).
"""

from __future__ import annotations

import json
from pathlib import Path

from ned_core.direct.config import DirectConfig
from ned_core.direct.labels import canonical_emotion, check_intensity, normalise_weights
from ned_core.direct.schedule import EmotionKey, EmotionSchedule
from ned_core.direct.units import UnitOverrides, check_unit
from ned_core.exceptions import DirectError, EmotionKeysFormatError
from ned_core.face3d.channels import EMOTIONS

KEYS_SCHEMA = "EmotionKeys.2"
READ_SCHEMAS = ("EmotionKeys.1", KEYS_SCHEMA)
_TOP_FIELDS = {"schema", "transition", "ease", "keys"}
_KEY_FIELDS = {"EmotionKeys.1": {"frame", "emotion", "intensity", "transition"},
               KEYS_SCHEMA: {"frame", "emotion", "intensity", "transition", "units"}}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _units(entry: dict, where: str) -> UnitOverrides:
    units = entry.get("units", {})
    if not isinstance(units, dict):
        raise EmotionKeysFormatError(f"{where}: 'units' must be a {{unit: value}} object, got {units!r}")
    return tuple(sorted(check_unit(name, value, f"{where}, units") for name, value in units.items()))


def _key(entry: object, index: int, default_transition: int, source: str, schema: str) -> EmotionKey:
    if not isinstance(entry, dict):
        raise EmotionKeysFormatError(f"{source}: key {index} must be an object, got {entry!r}")
    frame = entry.get("frame")
    if not _is_int(frame):
        raise EmotionKeysFormatError(f"{source}: key {index} needs an integer 'frame', got {frame!r}")
    where = f"{source}: key {index} (frame {frame})"
    unknown = sorted(set(entry) - _KEY_FIELDS[schema])
    if unknown:
        raise EmotionKeysFormatError(f"{where}: unknown field(s) {unknown}; {schema} expects "
                                     f"{sorted(_KEY_FIELDS[schema])}")
    emotion = entry.get("emotion")
    if emotion is None:
        weights = None
    elif isinstance(emotion, str):
        weights = normalise_weights({canonical_emotion(emotion, where): 1.0}, where)
    elif isinstance(emotion, dict):
        weights = normalise_weights(emotion, where)
    else:
        raise EmotionKeysFormatError(f"{where}: 'emotion' must be a label or a {{label: weight}} object")
    intensity = check_intensity(entry.get("intensity", 1.0), f"{where}, field 'intensity'")
    transition = entry.get("transition", default_transition)
    if not _is_int(transition) or transition < 1:
        raise EmotionKeysFormatError(f"{where}: 'transition' must be an integer >= 1, got {transition!r}")
    return EmotionKey(frame, weights, intensity, transition, _units(entry, where))


def parse_emotion_keys(
    doc: object, first_frame: int, last_frame: int, config: DirectConfig, source: str = "<emotion keys>"
) -> EmotionSchedule:
    """A schedule from a parsed ``EmotionKeys.2`` (or ``.1``) document.

    Args:
        doc: the JSON document (already decoded).
        first_frame: first frame of the shot.
        last_frame: last frame of the shot.
        config: default ``transition_frames`` and ``ease``.
        source: name of the document for messages (e.g. its path).

    Raises:
        EmotionKeysFormatError: wrong schema, missing/unknown fields, duplicate frames.
        KeyFrameRangeError: a key frame outside ``first_frame..last_frame``.
        UnknownEmotionError, IntensityRangeError, EmotionWeightError: bad values (named by key).
    """
    if not isinstance(doc, dict) or doc.get("schema") not in READ_SCHEMAS:
        found = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise EmotionKeysFormatError(f"{source}: expected an object with \"schema\": one of "
                                     f"{', '.join(READ_SCHEMAS)}, got {found!r}")
    unknown = sorted(set(doc) - _TOP_FIELDS)
    if unknown:
        raise EmotionKeysFormatError(f"{source}: unknown field(s) {unknown}; expected {sorted(_TOP_FIELDS)}")
    entries = doc.get("keys")
    if not isinstance(entries, list) or not entries:
        raise EmotionKeysFormatError(f"{source}: 'keys' must be a non-empty list")
    transition = doc.get("transition", config.transition_frames)
    if not _is_int(transition) or transition < 1:
        raise EmotionKeysFormatError(f"{source}: 'transition' must be an integer >= 1, got {transition!r}")
    keys = sorted((_key(e, i, transition, source, doc["schema"]) for i, e in enumerate(entries)),
                  key=lambda k: k.frame)
    for before, after in zip(keys, keys[1:]):
        if before.frame == after.frame:
            raise EmotionKeysFormatError(f"{source}: frame {after.frame} is keyed twice")
    try:
        return EmotionSchedule(tuple(keys), first_frame, last_frame, doc.get("ease", config.ease))
    except DirectError as err:
        raise type(err)(f"{source}: {err}") from err


def load_emotion_keys(path: Path | str, first_frame: int, last_frame: int, config: DirectConfig) -> EmotionSchedule:
    """Read an ``EmotionKeys.2`` (or ``.1``) JSON file; see :func:`parse_emotion_keys`.

    Raises:
        EmotionKeysFormatError: the file is missing, unreadable or not JSON (plus the parse errors).
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise EmotionKeysFormatError(f"{path}: cannot read emotion keys ({err})") from err
    return parse_emotion_keys(doc, first_frame, last_frame, config, source=str(path))


def emotion_keys_doc(schedule: EmotionSchedule) -> dict:
    """The ``EmotionKeys.2`` document of a schedule (blends written as objects; round-trips)."""
    keys = []
    for key in schedule.keys:
        entry: dict = {"frame": key.frame, "intensity": key.intensity, "transition": key.transition}
        if key.weights is not None:
            entry["emotion"] = {label: w for label, w in zip(EMOTIONS, key.weights) if w > 0}
        if key.units:
            entry["units"] = dict(key.units)
        keys.append(entry)
    return {"schema": KEYS_SCHEMA, "ease": schedule.ease, "keys": keys}
