"""The NED Resolve script: shot under the playhead → render node job → plates imported above the shot.

Inside Resolve (Workspace → Scripts → NED Emotion) the settings come from a small dialog; from a shell::

    python "NED Emotion.py" --emotion happy --intensity 0.8 [--reference clip.mov] [--node tcp://host:5570]
                            [--face "all faces" | --face "character 1" | --face 3] [--unit brow_inner_up=-0.5 ...]
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from ned_protocol.emotion_keys import emotion_fields, parse_unit_texts
from ned_protocol.exceptions import InvalidFieldError
from ned_protocol.faces import ALL_FACES, LARGEST, face_choice
from ned_protocol.host_connection import NodeSettings, client_factory
from ned_protocol.jobs import JobCallbacks, JobRequest, JobRunner
from ned_protocol.messages import EMOTIONS

from .errors import NedResolveError, RenderJobError
from .media import import_and_place
from .ned_items import PLATE_SUFFIX
from .timeline import Shot, current_shot


@dataclass(frozen=True)
class Choices:
    """What the user picked (dialog or flags)."""

    emotion: str
    intensity: float
    reference: str
    output_dir: str
    node: NodeSettings
    full_frame: bool = True  # Resolve's data-window handling is unverified: full-frame plates by default
    face: str = LARGEST  # an entry of ``ned_protocol.faces.face_items``: largest, all faces, a character, a track
    units: Tuple[Tuple[str, float], ...] = ()  # per-unit overrides on top of the emotion (protocol 1.3)


def parse_flags(argv: Optional[List[str]]) -> Choices:
    """The shell flags; ``--out`` defaults to ``<source folder>/ned`` (decided once the shot is known)."""
    env = NodeSettings.from_environment()
    parser = argparse.ArgumentParser(prog="NED Emotion", description=__doc__.splitlines()[0])
    parser.add_argument("--emotion", choices=EMOTIONS, default="happy")
    parser.add_argument("--intensity", type=float, default=1.0)
    parser.add_argument("--reference", default="", help="a reference clip whose expression style is transferred")
    parser.add_argument("--out", default="", help="plate folder (default: <source folder>/ned/<clip>)")
    parser.add_argument("--node", default=env.address, help="render node address ($NED_NODE)")
    parser.add_argument("--key-file", default=env.key_file, help="shared HMAC key ($NED_KEY_FILE)")
    parser.add_argument("--server-key", default="", help="CURVE: the node's server.key")
    parser.add_argument("--client-key", default="", help="CURVE: this client's NAME.key_secret")
    parser.add_argument("--data-window", action="store_true", help="face-box data window instead of full frame")
    parser.add_argument("--face", default=LARGEST,
                        help="largest (default), 'all' (every face, a layer each), 'character ID' or a track id")
    parser.add_argument("--unit", action="append", default=[], metavar="NAME=VALUE",
                        help="per-unit override on top of the emotion, -1.5..1.5 (e.g. brow_inner_up=-0.5); repeatable")
    args = parser.parse_args(argv)
    try:
        units = tuple(parse_unit_texts(args.unit).items())
    except InvalidFieldError as exc:
        parser.error(f"--unit: {exc}")
    face = ALL_FACES if args.face == "all" else args.face
    try:
        face_choice(face)
    except (ValueError, IndexError):
        parser.error(f"--face {args.face!r}: expected largest, all, 'character ID' or a track id")
    return Choices(emotion=args.emotion, intensity=args.intensity, reference=args.reference, output_dir=args.out,
                   node=NodeSettings(args.node, args.key_file, args.server_key, args.client_key),
                   full_frame=not args.data_window, face=face, units=units)


def plate_location(shot: Shot, choices: Choices) -> Dict[str, str]:
    """``{"directory", "pattern"}``: the chosen folder, or ``<source folder>/ned/<clip>_<emotion>``."""
    base = os.path.splitext(os.path.basename(shot.source_path))[0].split("#")[0].rstrip("._") or "shot"
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in base)
    directory = choices.output_dir or os.path.join(os.path.dirname(shot.source_path), "ned",
                                                   f"{stem}_{choices.emotion}")
    return {"directory": directory, "pattern": f"{stem}{PLATE_SUFFIX}.####.exr"}


def run(resolve: Any, choices: Choices, report: Callable[[str], None] = print) -> Any:
    """Renders the shot under the playhead and places the plates; returns the new TimelineItem.

    Raises:
        NedResolveError: no shot, the job failed, or Resolve refused the import.
    """
    shot = current_shot(resolve)
    location = plate_location(shot, choices)
    frames = range(shot.source_first, shot.source_last + 1)
    reference = {"path": choices.reference} if choices.reference else None
    units = {name: [value] * len(frames) for name, value in choices.units}  # static over the shot
    request = JobRequest(
        source={"kind": "path", "path": shot.source_path,
                "frames": {"first": shot.source_first, "last": shot.source_last}},
        emotion=emotion_fields(choices.emotion, [(frame, choices.intensity) for frame in frames],
                               reference=reference, units=units),
        output={"kind": "path", "overwrite": True, **location}, full_frame=choices.full_frame,
        face_track=face_choice(choices.face))
    failure: List[Dict[str, Any]] = []
    callbacks = JobCallbacks(
        on_submitted=lambda job_id: report(f"NED: job {job_id} for {shot.name} frames {frames[0]}-{frames[-1]}"),
        on_progress=lambda c: report(f"NED: {c['stage']} {c['frames_done']}/{c['frames_total']}"),
        on_failed=failure.append)
    outcome = JobRunner(client_factory(choices.node), callbacks, request=request).run()
    if outcome != "done":
        raise RenderJobError(f"NED job {outcome}: {failure[0]['evalue'] if failure else 'no reason given'}")
    placed, track = import_and_place(resolve, shot, location["directory"], location["pattern"])
    report(f"NED: plates imported into bin NED and placed on video track {track} at frame "
           f"{shot.record_start}")
    return placed


def analyse_faces(resolve: Any, node: NodeSettings) -> Dict[str, Any]:
    """The ``analyze_shot_reply`` of the shot under the playhead (its tracks and, from a 1.2 node, characters; from a
    1.4 node each character carries its face as ``thumbnail["jpeg"]``).

    Raises:
        NedResolveError: no shot under the playhead; ProtocolError: the node refused or did not answer.
    """
    shot = current_shot(resolve)
    with client_factory(node)() as client:
        return client.analyze_shot({"path": shot.source_path},
                                   frames={"first": shot.source_first, "last": shot.source_last})


def main(resolve: Any, argv: Optional[List[str]] = None, ask: Optional[Callable[[], Optional[Choices]]] = None) -> int:
    """Entry point: ``ask`` (the dialog inside Resolve) or flags; returns an exit status (0 ok, 1 failed)."""
    choices = ask() if ask is not None else parse_flags(argv)
    if choices is None:
        return 1  # the dialog was closed
    try:
        run(resolve, choices)
    except NedResolveError as exc:
        print(f"NED: {exc}")
        return 1
    return 0
