"""Reads a NED Group's knobs into a frozen RenderSettings (on the main thread, before a render starts)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import nuke
from ned_protocol.emotion_keys import blend_target, emotion_fields
from ned_protocol.exceptions import InvalidFieldError
from ned_protocol.faces import face_choice
from ned_protocol.host_connection import NodeSettings
from ned_protocol.messages import UNITS

from .errors import SettingsError
from .node_builder import NO_BLEND, default_farm_engine, unit_knob


@dataclass(frozen=True)
class RenderSettings:
    """Everything a render needs from the knobs, read once.

    Attributes:
        node: how to reach the render node.
        emotion: the request's ``emotion`` map (intensity and unit-override curves sampled once per frame into
            keys; constant ones stay static).
        face_track: the request's ``face_track`` map.
        first, last: the frame range.
        output_dir, pattern: where the plates go (``<output_dir>/<Group name>.####.exr``).
        compression, full_frame, stmap: EXR options (``stmap``: the warp as an STMap layer in every plate).
    """

    node: NodeSettings
    emotion: Dict[str, Any]
    face_track: Dict[str, Any]
    first: int
    last: int
    output_dir: str
    pattern: str
    compression: str
    full_frame: bool
    stmap: bool


def frame_range(group: "nuke.Node") -> Tuple[int, int]:
    """The knobs' range, or the input's when ``use_input_range`` is on.

    Raises:
        SettingsError: last < first.
    """
    source = group.input(0)
    if group["use_input_range"].value() and source is not None:
        first, last = source.firstFrame(), source.lastFrame()
    else:
        first, last = group["first"].value(), group["last"].value()
    if last < first:
        raise SettingsError(f"{group.name()}: frame range {first}-{last} is empty: set 'first' <= 'last'")
    return first, last


def plate_location(group: "nuke.Node") -> Tuple[str, str]:
    """``(output_dir, pattern)`` of the Group's plates.

    Raises:
        SettingsError: the output directory knob is empty.
    """
    directory = group["output_dir"].value().strip()
    if not directory:
        raise SettingsError(f"{group.name()}: set 'output directory' (a folder the render node can write)")
    return directory, f"{group.name()}.####.exr"


def read_settings(group: "nuke.Node", first: Optional[int] = None, last: Optional[int] = None) -> RenderSettings:
    """Reads the knobs of ``group`` (main thread).

    Args:
        group: a NED Group.
        first, last: a sub-range of the node's range (farm chunks); the whole range by default.

    Raises:
        SettingsError: an unusable value; the message names the knob.
    """
    full_first, full_last = frame_range(group)
    first = full_first if first is None else first
    last = full_last if last is None else last
    if not full_first <= first <= last <= full_last:
        raise SettingsError(f"{group.name()}: frames {first}-{last} lie outside its range {full_first}-{full_last}")
    directory, pattern = plate_location(group)
    blend_label = group["blend_emotion"].value()
    target = blend_target(group["emotion"].value(), None if blend_label == NO_BLEND else blend_label,
                          min(max(group["blend"].value(), 0.0), 1.0))
    frames = range(first, last + 1)
    samples = list(zip(frames, _sampled(group["intensity"], frames)))
    reference = group["reference"].value().strip()
    try:
        emotion = emotion_fields(target, samples, seed=group["seed"].value(),
                                 reference=_reference(reference) if reference else None,
                                 units=_unit_curves(group, frames))
    except InvalidFieldError as exc:
        raise SettingsError(f"{group.name()}: {exc} (units tab)") from exc
    return RenderSettings(
        node=node_settings(group),
        emotion=emotion,
        face_track=face_choice(group["face_track"].value()),
        first=first, last=last, output_dir=directory, pattern=pattern,
        compression=group["compression"].value(), full_frame=bool(group["full_frame"].value()),
        stmap=group.knob("stmap") is not None and bool(group["stmap"].value()))


def _sampled(knob: Any, frames: range) -> List[float]:
    """A Double knob's value at each frame (its curve when animated)."""
    return [knob.getValueAt(frame) if knob.isAnimated() else knob.value() for frame in frames]


def _unit_curves(group: "nuke.Node", frames: range) -> Dict[str, List[float]]:
    """The switched-on unit overrides, sampled per frame (a Group made before the units tab has none)."""
    return {unit: _sampled(group[unit_knob(unit)], frames) for unit in UNITS
            if group.knob(f"{unit_knob(unit)}_on") is not None and group[f"{unit_knob(unit)}_on"].value()}


def node_settings(group: "nuke.Node") -> NodeSettings:
    """How the Group reaches its render node (address and key-file knobs)."""
    return NodeSettings(address=group["node_address"].value().strip(), key_file=group["key_file"].value().strip(),
                        server_key=group["server_key"].value().strip(), client_key=group["client_key"].value().strip())


def _reference(path: str) -> Dict[str, Any]:
    return {"path": os.path.abspath(path)}


@dataclass(frozen=True)
class FarmSettings:
    """How "Submit to farm" submits the Group's render.

    Attributes:
        engine: one of ``node_builder.FARM_ENGINES`` (knob ``farm_engine``; default ``$NED_FARM_ENGINE``).
        chunk_size: frames per render task (knob ``chunk_size``).
        job_dir: folder of the bundle / job files (knob ``farm_job_dir``; default
            ``<output directory>/.ned-farm/<Group name>_<engine>``).
        ned: the ``ned`` command-line tool that writes and submits the job (``$NED_CLI``, default ``ned`` on PATH).
    """

    engine: str
    chunk_size: int
    job_dir: str
    ned: str


def farm_settings(group: "nuke.Node") -> FarmSettings:
    """Reads the Group's farm knobs (main thread); a Group saved before they existed gets the defaults.

    Raises:
        SettingsError: a chunk size < 1 or no output directory.
    """
    def knob(name: str, default: Any) -> Any:
        found = group.knob(name)
        return default if found is None else found.value()

    chunk_size = knob("chunk_size", 10)
    if chunk_size < 1:
        raise SettingsError(f"{group.name()}: 'frames per task' is {chunk_size}: set it to 1 or more")
    engine = knob("farm_engine", default_farm_engine())
    job_dir = knob("farm_job_dir", "").strip() or \
        os.path.join(plate_location(group)[0], ".ned-farm", f"{group.name()}_{engine}")
    return FarmSettings(engine=engine, chunk_size=chunk_size, job_dir=job_dir,
                        ned=os.environ.get("NED_CLI", "").strip() or "ned")
