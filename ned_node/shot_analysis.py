"""analyze_shot_request: a shot's face tracks from the pipeline's cached analysis, for a host's track list."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ned_core.analysis import FaceMeshModels
from ned_core.io.plate_source import frame_list
from ned_core.io.plates import open_plates
from ned_core.models.store import ModelStore
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.character_sheet import thumbnail_jpeg
from ned_core.pipeline.characters import ShotCharacters, character_rows, source_characters
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.export import track_summaries
from ned_node.admission import check_readable
from ned_node.config import NodeConfig
from ned_node.errors import JobRequestError
from ned_node.jobspec import analysis_config, checked_frames, confined_source
from ned_protocol.thumbnails import THUMBNAIL_PX

#: Fields of ``export.track_summaries`` rows that an ``analyze_shot_reply`` track carries (plus ``box``).
TRACK_FIELDS = ("id", "shot", "first_frame", "last_frame", "frames_with_face")
FIELD = "content.source.path"


@dataclass(frozen=True)
class ShotQuery:
    """A checked analysis request.

    Attributes:
        path: the shot's path, confined to the node's input roots.
        frames: fileseq frame list, or None for the whole shot.
        start_frame: number of a movie's or still's first frame.
        config: the node's pipeline settings (analysis cache under the state dir).
    """

    path: str
    frames: str | None
    start_frame: int | None
    config: NedConfig


@dataclass(frozen=True)
class ShotSummary:
    """What an ``analyze_shot_reply`` says about a shot.

    Attributes:
        content: the reply content (characters without thumbnail placements).
        thumbnails: character id -> ``(jpeg bytes, width, height)`` of its face, at most ``THUMBNAIL_PX`` a side.
    """

    content: dict
    thumbnails: dict[int, tuple[bytes, int, int]]


class ShotAnalyzer:
    """Runs ``analyze_and_fit`` for hosts; the face models stay loaded, one analysis runs at a time.

    Args:
        node: the node's configuration (input roots, model store, analysis cache, OCIO config).
    """

    def __init__(self, node: NodeConfig):
        self.node = node
        self._lock = threading.Lock()
        self._models: FaceMeshModels | None = None

    def check(self, source: dict) -> ShotQuery:
        """Confines and opens (headers only) the shot of a cleaned ``analyze_shot_request`` source (fast).

        Raises:
            PathNotAllowedError: the path, or a frame file, lies outside the node's input roots.
            SourceCheckError: no such shot, frames missing, unreadable header, bad colour space.
            JobRequestError: more frames than this node takes per job.
        """
        config = analysis_config(self.node, source["colorspace"])
        path = str(confined_source(source["path"], self.node, FIELD))
        frames = None
        if source["frames"] is not None:
            frames = frame_list(checked_frames(source["frames"], self.node, "content.source.frames"))
        info = check_readable(path, frames, source["start_frame"], config.colour, self.node, FIELD)
        if len(info.frames) > self.node.max_frames_per_job:
            raise JobRequestError(f"content.source.frames: {len(info.frames)} frames, this node analyses at most "
                                  f"{self.node.max_frames_per_job} per request; give a frame range",
                                  {"field": "content.source.frames"})
        return ShotQuery(path, frames, source["start_frame"], config)

    def summary(self, query: ShotQuery) -> ShotSummary:
        """The ``analyze_shot_reply`` content of a checked shot (slow: decodes and analyses every frame).

        Returns:
            The content ``{tracks: [{id, shot, first_frame, last_frame, frames_with_face, box}], default_track, characters:
            [{id, tracks, frames, first_frame, last_frame, frames_with_face, face: {frame, box}}], characters_note,
            frames, width, height}``; a track's ``box`` is its median ``[x0, y0, x1, y1]`` in pixels; characters
            are empty (and the note says why) when the face descriptor is not installed; and a JPEG per character.

        Raises:
            PlateError, ColourError: a frame cannot be read; other NedError subclasses from the pipeline.
        """
        with open_plates(query.path, frames=query.frames, colour=query.config.colour,
                         start_frame=query.start_frame) as source, self._lock:
            if self._models is None:
                self._models = FaceMeshModels.load(ModelStore(query.config.store), query.config.analysis)
            shot = analyze_and_fit(source, query.config, models=self._models)
            info = source.info
            found, note, whole = source_characters(source, query.config, self._models, analysis=shot.analysis,
                                                   source_hash=shot.source_hash)
        analysis = shot.analysis
        tracks = []
        for row, track in zip(track_summaries(analysis, shot.fits), analysis.tracks):
            box = np.median(np.asarray(track.track.boxes, np.float64), axis=0)
            tracks.append({**{key: row[key] for key in TRACK_FIELDS}, "box": [round(float(v), 2) for v in box]})
        default = int(analysis.default().track.track_id) if analysis.tracks else None
        content = {"tracks": tracks, "default_track": default,
                   "characters": _characters(found, whole) if found else [], "characters_note": note,
                   "frames": len(info.frames), "width": info.width, "height": info.height}
        thumbnails = {c: thumbnail_jpeg(chip, THUMBNAIL_PX) for c, chip in found.thumbnails.items()} if found else {}
        return ShotSummary(content, thumbnails)


def _characters(found: ShotCharacters, analysis) -> list[dict]:
    """``analyze_shot_reply.characters`` (since 1.2): each character's rows plus the frame and box of its face."""
    out = []
    for row in character_rows(found.characters, analysis):
        track_id, frame = found.faces[row["id"]]
        track = analysis.track(track_id).track
        box = track.boxes[int(np.flatnonzero(track.frames == frame)[0])]
        out.append({**row, "face": {"frame": frame, "box": [round(float(v), 2) for v in box]}})
    return out
