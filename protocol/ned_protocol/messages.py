"""The message catalogue: one content schema per msg_type, and the rules on header ids and buffers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence

from .buffers import Buffer
from .exceptions import BufferMismatchError, InvalidFieldError, UnknownMessageTypeError
from .limits import Limits
from .schema import AnyMap, AnyOf, Bool, Field, Float, Int, ListOf, Map, MapOf, Nullable, OneOf, Str, invalid
from .thumbnails import check_thumbnails

#: The 7 emotion domains of the NED paper, canonical spelling and order of ``ned_core.face3d.channels``.
EMOTIONS = ("neutral", "happy", "sad", "angry", "fear", "surprised", "disgusted")
#: Highest emotion intensity (1 = the prototype; as ``ned_core.direct.labels.MAX_INTENSITY``).
MAX_INTENSITY = 1.5
#: Per-unit overrides' names (since 1.3): the embedded tier's channels and bilateral groups, as
#: ``ned_core.direct.units.UNIT_NAMES``; a group (``brow_inner_up``) sets both sides. For host panels: the
#: node checks names against the chosen tier's face model itself.
UNITS = ("blink", "blink_L", "blink_R", "brow_inner_up", "brow_inner_up_L", "brow_inner_up_R", "brow_lower",
         "brow_lower_L", "brow_lower_R", "brow_outer_up", "brow_outer_up_L", "brow_outer_up_R", "cheek_raise",
         "cheek_raise_L", "cheek_raise_R", "chin_raise", "jaw_open", "lid_tighten", "lid_tighten_L", "lid_tighten_R",
         "lip_corner_depress", "lip_corner_depress_L", "lip_corner_depress_R", "lip_corner_pull", "lip_corner_pull_L",
         "lip_corner_pull_R", "lip_press", "lip_stretch", "lip_stretch_L", "lip_stretch_R", "lip_tighten", "lips_part",
         "nose_wrinkle", "upper_lid_raise", "upper_lid_raise_L", "upper_lid_raise_R", "upper_lip_raise")
EASES = ("smoothstep", "cosine")
#: Job states, in lifecycle order; the last three are final.
JOB_STATES = ("queued", "receiving", "running", "done", "failed", "cancelled")
#: Pipeline stages a job may be in.
STAGES = ("plates", "analysis", "face3d", "direct", "render", "composite", "write")
#: What a progress event may name: "queued" while the job waits, then the pipeline stages.
PROGRESS_STAGES = ("queued",) + STAGES
TIERS = ("embedded", "studio")

#: Longest error message an error reply carries (``Session.error_reply`` cuts longer ones).
MAX_EVALUE_LEN = 4096


def clip_evalue(text: str) -> str:
    """An error message cut to ``MAX_EVALUE_LEN`` bytes of UTF-8 (receivers count bytes: ``max_str_len``)."""
    return text.encode("utf-8")[:MAX_EVALUE_LEN].decode("utf-8", "ignore")

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:-]*"
ID = Str(64, min_len=1, pattern=ID_PATTERN)
PATH = Str(4096, min_len=1)
NAME = Str(128)
FRAME = Int(-(10 ** 9), 10 ** 9)
SEQ = Int(1)
COUNT = Int(0)
VERSION = ListOf(Int(0, 65535), 2, 2)
WINDOW = ListOf(Int(-(1 << 31), (1 << 31) - 1), 4, 4)


def _range_rule(value: dict, path: str) -> None:
    if value["last"] < value["first"]:
        raise invalid(f"{path}.last", f"a frame >= first ({value['first']})", value["last"])


FRAME_RANGE = Map({"first": FRAME, "last": FRAME, "step": Int(1, 10 ** 6, default=1)}, rule=_range_rule)
PATH_SOURCE = Map({"path": PATH, "frames": FRAME_RANGE, "colorspace": Nullable(NAME, default=None),
                   "start_frame": Nullable(FRAME, default=None)})
ERROR_INFO = Map({
    "code": Str(64, min_len=1, pattern=r"[a-z][a-z0-9_]*"),
    "ename": NAME,
    "evalue": Str(MAX_EVALUE_LEN),
    "details": AnyMap(default={}),
})
ERROR_REPLY = Map({"status": Str(choices=("error",)), **ERROR_INFO.fields,
                   "traceback": Nullable(ListOf(Str()), default=None)})
JOB = Map({
    "job_id": ID,
    "state": Str(choices=JOB_STATES),
    "stage": Nullable(Str(choices=STAGES), default=None),
    "frames_done": COUNT,
    "frames_total": COUNT,
    "priority": Int(0, 100),
    "submitted_at": Float(0),
    "started_at": Nullable(Float(0), default=None),
    "finished_at": Nullable(Float(0), default=None),
    "last_seq": COUNT,
    "error": Nullable(ERROR_INFO, default=None),
})


def _track_rule(value: dict, path: str) -> None:
    if value["select"] == "track" and value["track_id"] is None:
        raise invalid(f"{path}.track_id", "a track id when select is 'track'", None)
    if value["select"] == "character" and value["character_id"] is None:
        raise invalid(f"{path}.character_id", "a character id when select is 'character'", None)
    if value["select"] == "boxes" and not value["boxes"]:
        raise invalid(f"{path}.boxes", "at least one box when select is 'boxes'", [])


def _emotion_rule(value: dict, path: str) -> None:
    labelled = value["target"] is not None or any(key["emotion"] is not None for key in value["keys"])
    if labelled == (value["reference"] is not None):
        raise invalid(path, "either a target emotion (target, or keys with an emotion) or a reference clip",
                      {"target": value["target"], "reference": value["reference"]})


#: The artist's character edits (``NedCharacterEdits.1`` without its schema label), since 1.2.
CHARACTER_EDITS = Map({
    "merge": ListOf(ListOf(Int(0), 1, 1000), 0, 1000, default=[]),
    "split": ListOf(Int(0), 0, 1000, default=[]),
})
FACE_TRACK = Map({
    "select": Str(choices=("largest", "track", "boxes", "all", "character"), default="largest"),
    "track_id": Nullable(Int(0), default=None),
    "boxes": ListOf(Map({"frame": FRAME, "box": ListOf(Float(), 4, 4)}), default=[]),
    "character_id": Nullable(Int(0), default=None),
    "character_edits": Nullable(CHARACTER_EDITS, default=None),
}, rule=_track_rule, default={"select": "largest", "track_id": None, "boxes": [], "character_id": None,
                              "character_edits": None})
LABEL_OR_BLEND = AnyOf(Str(choices=EMOTIONS), MapOf(Str(choices=EMOTIONS), Float(0.0), len(EMOTIONS)),
                      expected=f"an emotion label {list(EMOTIONS)} or a {{label: weight >= 0}} blend")
INTENSITY = Float(0.0, MAX_INTENSITY, default=1.0)
#: ``{unit: value in -1.5..1.5}`` overrides on top of the emotion (since 1.3), or null.
UNIT_OVERRIDES = Nullable(MapOf(Str(64, min_len=1, pattern=r"[A-Za-z_]+"), Float(-MAX_INTENSITY, MAX_INTENSITY),
                                len(UNITS)), default=None)
EMOTION = Map({
    "target": Nullable(LABEL_OR_BLEND, default=None),
    "intensity": INTENSITY,
    "keys": ListOf(Map({
        "frame": FRAME,
        "emotion": Nullable(LABEL_OR_BLEND, default=None),
        "intensity": INTENSITY,
        "transition": Nullable(Int(1, 10 ** 6), default=None),
        "units": UNIT_OVERRIDES,
    }), default=[]),
    "transition": Nullable(Int(1, 10 ** 6), default=None),
    "ease": Str(choices=EASES, default="smoothstep"),
    "units": UNIT_OVERRIDES,
    "reference": Nullable(PATH_SOURCE, default=None),
    "seed": Int(0, (1 << 32) - 1, default=0),
    "tier": Str(choices=TIERS, default="embedded"),
    "director": Str(64, min_len=1, default="auto"),
    "renderer": Str(64, min_len=1, default="auto"),
}, rule=_emotion_rule)
SOURCE = OneOf({
    "path": PATH_SOURCE,
    "inline": Map({
        "frames": FRAME_RANGE,
        "width": Int(1, 65536),
        "height": Int(1, 65536),
        "channels": Int(1, 4),
        "dtype": Str(choices=("float16", "float32", "uint8", "uint16")),
        "colorspace": Nullable(NAME, default=None),
    }),
})
OUTPUT = OneOf({
    "path": Map({"directory": PATH, "pattern": Str(255, min_len=1, default="face.####.exr"),
                 "overwrite": Bool(default=False), "preview": Bool(default=False),
                 "composite": Bool(default=False)}),
    "inline": Map({}),
})
LIMITS = Map({name: Int(0) for name in Limits().to_wire()})
#: A shot to analyse: a path source whose frame range is optional (null: every frame of the shot).
ANALYZE_SOURCE = Map({"path": PATH, "frames": Nullable(FRAME_RANGE, default=None),
                      "colorspace": Nullable(NAME, default=None), "start_frame": Nullable(FRAME, default=None)})
TRACK_SUMMARY = Map({
    "id": COUNT,
    "shot": COUNT,
    "first_frame": FRAME,
    "last_frame": FRAME,
    "frames_with_face": COUNT,
    "box": ListOf(Float(), 4, 4),
})
#: One character of ``analyze_shot_reply`` (since 1.2): its tracks across cuts and a face to show for it.
CHARACTER_SUMMARY = Map({
    "id": COUNT,
    "tracks": ListOf(COUNT, 1, 1000),
    "frames": Str(),
    "first_frame": FRAME,
    "last_frame": FRAME,
    "frames_with_face": COUNT,
    "face": Map({"frame": FRAME, "box": ListOf(Float(), 4, 4)}),
    # since 1.4: where its JPEG lies in the reply's "thumbnails" buffer (ned_protocol.thumbnails)
    "thumbnail": Nullable(Map({"offset": COUNT, "size": Int(1, 1 << 20), "width": Int(1, 4096),
                               "height": Int(1, 4096)}), default=None),
})


@dataclass(frozen=True)
class MessageSpec:
    """What a msg_type must carry.

    Attributes:
        kind: ``"request"``, ``"reply"`` or ``"event"``.
        content: schema of the content (for a reply: of an ``ok`` reply).
        job_id: the header's job_id must be set.
        request_id: the header's request_id must be set (idempotency key).
    """

    kind: str
    content: Map
    job_id: bool = False
    request_id: bool = False


def _reply(fields: Dict[str, Field]) -> Map:
    return Map({"status": Str(choices=("ok",)), **fields})


def _event(fields: Dict[str, Field]) -> Map:
    return Map({"seq": SEQ, **fields})


EMPTY = Map({})
CATALOGUE: Dict[str, MessageSpec] = {
    "hello_request": MessageSpec("request", Map({"client": NAME, "versions": ListOf(VERSION, 1, 16)})),
    "hello_reply": MessageSpec("reply", _reply({
        "node": Map({"name": NAME, "version": NAME}),
        "protocol_version": VERSION,
        "protocol_versions": ListOf(VERSION, 1, 16),
        "devices": ListOf(Map({"name": NAME, "kind": Str(32), "memory_bytes": Nullable(COUNT, default=None)})),
        "tiers": ListOf(Str(32)),
        "models": ListOf(Map({"name": NAME, "tier": Str(32), "available": Bool()})),
        "emotions": ListOf(Str(32)),
        "directors": ListOf(Str(64)),
        "renderers": ListOf(Str(64)),
        "limits": LIMITS,
    })),
    "submit_job_request": MessageSpec("request", Map({
        "source": SOURCE,
        "face_track": FACE_TRACK,
        "emotion": EMOTION,
        "output": OUTPUT,
        "compression": Str(32, min_len=1, default="dwaa:45"),
        "full_frame": Bool(default=False),
        "stmap": Bool(default=False),
        "priority": Int(0, 100, default=50),
        "allow_noncommercial": Bool(default=False),
    }), request_id=True),
    "submit_job_reply": MessageSpec("reply", _reply({
        "job_id": ID, "state": Str(choices=JOB_STATES), "duplicate": Bool(), "frames_expected": COUNT,
    })),
    "frames_chunk_request": MessageSpec("request", Map({
        "frames": ListOf(FRAME, 1, 1024), "final": Bool(default=False),
    }), job_id=True),
    "frames_chunk_reply": MessageSpec("reply", _reply({
        "received": COUNT, "expected": COUNT, "complete": Bool(),
    })),
    "cancel_job_request": MessageSpec("request", EMPTY, job_id=True),
    "cancel_job_reply": MessageSpec("reply", _reply({"state": Str(choices=JOB_STATES)})),
    "job_status_request": MessageSpec("request", EMPTY, job_id=True),
    "job_status_reply": MessageSpec("reply", _reply({"job": JOB})),
    "list_jobs_request": MessageSpec("request", Map({
        "states": ListOf(Str(choices=JOB_STATES), default=[]), "limit": Int(1, 1000, default=100),
    })),
    "list_jobs_reply": MessageSpec("reply", _reply({"jobs": ListOf(JOB, 0, 1000)})),
    "attach_job_request": MessageSpec("request", Map({"since": Int(0, default=0)}), job_id=True),
    "attach_job_reply": MessageSpec("reply", _reply({"job": JOB, "first_seq": SEQ, "last_seq": COUNT})),
    "heartbeat_request": MessageSpec("request", EMPTY),
    "heartbeat_reply": MessageSpec("reply", _reply({
        "node_time": Float(0), "jobs_running": COUNT, "jobs_queued": COUNT,
    })),
    "analyze_shot_request": MessageSpec("request", Map({"source": ANALYZE_SOURCE})),
    "analyze_shot_reply": MessageSpec("reply", _reply({
        "tracks": ListOf(TRACK_SUMMARY, 0, 1000),
        "default_track": Nullable(COUNT, default=None),
        "characters": ListOf(CHARACTER_SUMMARY, 0, 1000, default=[]),
        "characters_note": Nullable(Str(), default=None),
        "frames": COUNT,
        "width": Int(1, 65536),
        "height": Int(1, 65536),
    })),
    "error_reply": MessageSpec("reply", ERROR_REPLY),
    "progress": MessageSpec("event", _event({
        "stage": Str(choices=PROGRESS_STAGES), "frames_done": COUNT, "frames_total": COUNT,
        "fps": Float(0), "eta_s": Nullable(Float(0), default=None),
    }), job_id=True),
    "frame_result": MessageSpec("event", _event({
        "frame": FRAME,
        "path": Nullable(PATH, default=None),
        "display_window": WINDOW,
        "data_window": WINDOW,
        "channels": ListOf(Str(64, min_len=1), 1, 64),
    }), job_id=True),
    "job_done": MessageSpec("event", _event({
        "frames_written": COUNT, "elapsed_s": Float(0),
        "output": Nullable(Map({"directory": PATH, "pattern": Str(255, min_len=1)}), default=None),
        "warnings": ListOf(Str(2000), 0, 100, default=[]),
    }), job_id=True),
    "job_failed": MessageSpec("event", _event({"error": ERROR_INFO, "frames_done": COUNT}), job_id=True),
}


def reply_type(msg_type: str) -> str:
    """The reply type of a request type: ``<action>_reply``, or ``error_reply`` for an unknown request."""
    spec = CATALOGUE.get(msg_type)
    if spec is None or spec.kind != "request":
        return "error_reply"
    return msg_type[: -len("_request")] + "_reply"


def check_content(msg_type: str, content: Any, job_id: Optional[str], request_id: Optional[str],
                  buffers: Sequence[Buffer]) -> Dict[str, Any]:
    """Validates one message against the catalogue.

    Args:
        msg_type: the header's msg_type.
        content: the header's content (untrusted).
        job_id, request_id: the header's ids.
        buffers: the message's buffers (already matched to their descriptors).

    Returns:
        The cleaned content: known fields only, defaults filled in.

    Raises:
        UnknownMessageTypeError: msg_type is not in the catalogue.
        InvalidFieldError: a field is wrong (``details['field']`` names it).
        BufferMismatchError: the buffers do not fit the message (count, shape, presence).
    """
    spec = CATALOGUE.get(msg_type)
    if spec is None:
        raise UnknownMessageTypeError(f"unknown msg_type {msg_type!r:.80}; this end knows {sorted(CATALOGUE)}")
    if spec.job_id and job_id is None:
        raise InvalidFieldError(f"header.job_id: {msg_type} needs a job_id", details={"field": "header.job_id"})
    if spec.request_id and request_id is None:
        raise InvalidFieldError(f"header.request_id: {msg_type} needs a request_id (the idempotency key)",
                                details={"field": "header.request_id"})
    is_error = spec.kind == "reply" and isinstance(content, dict) and content.get("status") == "error"
    cleaned = (ERROR_REPLY if is_error else spec.content).check(content, "content")
    _check_buffers(msg_type, cleaned, buffers, is_error)
    return cleaned


def _check_buffers(msg_type: str, content: Dict[str, Any], buffers: Sequence[Buffer], is_error: bool) -> None:
    """Buffers belong to frames_chunk_request (one per frame), inline frame_result events and (since 1.4) the
    thumbnails of an analyze_shot_reply only."""
    if msg_type == "frames_chunk_request":
        if len(buffers) != len(content["frames"]) or any(len(buf.shape) != 3 for buf in buffers):
            raise BufferMismatchError(f"frames_chunk_request lists {len(content['frames'])} frames but carries "
                                      f"{len(buffers)} buffers; each frame needs one (H, W, C) buffer")
    elif msg_type == "frame_result":
        if (content["path"] is None) != bool(buffers):
            raise BufferMismatchError("frame_result carries either a plate path or inline plate buffers, "
                                      f"got path={content['path']!r:.80} and {len(buffers)} buffers")
    elif msg_type == "analyze_shot_reply" and not is_error:
        check_thumbnails(content, buffers)
    elif buffers:
        raise BufferMismatchError(f"{msg_type}{' (error)' if is_error else ''} carries no buffers, got {len(buffers)}")
