"""What a render job asks for and what it reports back (shared by `ned render`, the node and plugins)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: ``track``/``character`` value that selects every face (one plate per frame with a layer per face).
ALL_FACES = "all"

#: Default plate file name: ``<source stem>.ned.####.exr`` in the output folder.
DEFAULT_PATTERN = "{stem}.ned.####.exr"


@dataclass(frozen=True)
class RenderRequest:
    """One render job: a shot, a face, an emotion target, where the plates go.

    Attributes:
        source: plate path: sequence pattern (``shot.####.exr``), movie or still.
        frames: frame range in fileseq syntax (``1001-1100``); None = the whole shot.
        start_frame: number of a movie's first frame (None = 0).
        emotion: emotion spec (``happy``, ``happy:0.8``, ``happy:0.6+surprised:0.4``); None with ``keys``
            or ``reference``.
        keys: an ``EmotionKeys.1`` document (keyframed emotion), or None.
        reference: path of a reference clip whose style to apply ("like this clip"), or None.
        track: face track id to edit, or ``"all"`` (every face in the range, one ``track<id>`` layer each in the
            frame's plate; see ``io.exr_plate.FacePlate.faces``); None = the default faces
            (``pipeline.characters.default_faces``: the largest, most central track; over several shots the main
            actor).
        character: character id to edit (every track of that person, across cuts; see ``ned analyze``), or
            ``"all"`` (every face, as ``track="all"``); None = choose by ``track``. Not both.
        character_edits: the artist's ``NedCharacterEdits.1`` document applied to the grouping, or None.
        seed: seed of every random choice (recorded in the plates).
        director: ``"prior"`` (embedded EMFACS prior) or ``"learned"`` (manipulator checkpoint).
        checkpoint: manipulator checkpoint path for ``director="learned"``.
        out_dir: folder for the plates (created).
        pattern: plate file name with ``####`` for the frame number; ``{stem}`` is the source's name.
        preview: also write an H.264 preview movie (source audio muxed back when there is some).
        composite: also write a full-frame composite EXR sequence (source with the plate merged over).
        units: per-unit overrides on top of the emotion, ``"NAME=VALUE"`` strings (``--unit``), applied to
            every key (see :mod:`ned_core.direct.units`).
        job_id: the render node's id of the job, recorded as ``ned/job`` in every plate (a retry of the job
            recognises the plates an interrupted attempt left); None outside a node.
    """

    source: str
    out_dir: str
    emotion: str | None = None
    keys: dict | None = None
    reference: str | None = None
    frames: str | None = None
    start_frame: int | None = None
    track: int | str | None = None
    character: int | str | None = None
    character_edits: dict | None = None
    seed: int = 0
    director: str = "prior"
    checkpoint: str | None = None
    pattern: str = DEFAULT_PATTERN
    preview: bool = False
    composite: bool = False
    units: tuple[str, ...] = ()
    job_id: str | None = None


@dataclass(frozen=True)
class FrameResult:
    """One finished frame: its plate is complete on disk when this is reported."""

    frame: int
    path: Path
    has_face: bool
    data_window: tuple[int, int, int, int]  # (x0, y0, x1, y1), x1/y1 exclusive


@dataclass(frozen=True)
class RenderSummary:
    """What a finished render produced."""

    plates: tuple[Path, ...]
    frames: tuple[int, ...]
    no_face_frames: tuple[int, ...]
    track: int | None
    preview: Path | None = None
    tracks: tuple[int, ...] = ()  # every track edited (one for a single-face render)
    composite: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    #: stage -> wall seconds; ``cpu:<stage>`` -> CPU seconds of the process during it (``cpu:analysis+fit``,
    #: ``cpu:set-up``, ``cpu:render+write``, ``cpu:total``) or of the render loop's own stage threads
    #: (``cpu:load``, ``cpu:render``, ``cpu:write``, ``cpu:report``; see ``FrameLoop.cpu``)
    timings: dict[str, float] = field(default_factory=dict)
    failed_outputs: tuple[str, ...] = ()  # optional outputs ("preview", "composite") dropped; see warnings
