"""A submitted job's content -> the pipeline's RenderRequest and NedConfig, with the node's path rules applied."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ned_core.analysis.characters import EDITS_SCHEMA
from ned_core.exceptions import PlateCompressionError
from ned_core.io.colour import ColourConfig
from ned_core.io.exr import PlateWriteConfig
from ned_core.io.plate_source import PlateInfo, frame_list
from ned_core.io.sequence import is_pattern, parse_pattern
from ned_core.models.store import StoreConfig, default_model_dir
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.naming import plate_path, source_stem
from ned_core.pipeline.request import ALL_FACES, RenderRequest
from ned_node.capabilities import RENDERERS, TIERS, directors
from ned_node.config import NodeConfig
from ned_node.errors import JobRequestError, NotAvailableError
from ned_node.paths import check_file_name, confine

#: Names of the files an inline job's frames are written to (input) and rendered to (plates).
INLINE_INPUT_FLOAT = "src.####.exr"
INLINE_INPUT_INT = "src.####.tif"
INLINE_PLATES = "plate.####.exr"


@dataclass(frozen=True)
class JobPlan:
    """What the pipeline is asked to do for one job.

    Attributes:
        request: the render request (paths resolved and confined).
        config: the pipeline configuration (node settings plus the job's compression, colour space, opt-ins).
        frames: frame numbers of the job, ascending.
        inline_source: the frames arrive in ``frames_chunk_request`` messages.
        inline_output: plates go back in ``frame_result`` buffers (written under the job folder first).
    """

    request: RenderRequest
    config: NedConfig
    frames: tuple[int, ...]
    inline_source: bool
    inline_output: bool

    def plate_path(self, frame: int) -> Path:
        """Where the pipeline writes the plate of ``frame`` (``naming.plate_path``; only the shot's path is read).

        Raises:
            RenderJobError: the pattern is not one run of ``#`` in an ``.exr`` file name.
        """
        return plate_path(self.request, self._shot(), frame)

    def plate_pattern(self) -> str:
        """The plates' file name pattern with ``{stem}`` filled in (``shot.ned.####.exr``), as clients show it."""
        return self.request.pattern.replace("{stem}", source_stem(self._shot()))

    def _shot(self) -> PlateInfo:
        """The shot as ``naming`` needs it (only its path is read)."""
        return PlateInfo(path=self.request.source, kind="sequence", frames=self.frames, width=1, height=1,
                         channels=3, pixel_type="float", fps=None, timecode=None, colourspace="")


def job_frames(frames: dict) -> tuple[int, ...]:
    """Frame numbers of a protocol frame range ``{first, last, step}`` (one already sized by :func:`checked_frames`)."""
    return tuple(range(frames["first"], frames["last"] + 1, frames["step"]))


def checked_frames(frames: dict, node: NodeConfig, field: str) -> tuple[int, ...]:
    """Frame numbers of a protocol frame range, its size checked arithmetically before any list is built.

    The schema admits frame numbers up to +-2**31, so a range is sized with ``len(range(...))`` (constant time)
    and refused above ``node.max_frames_per_job`` before it is materialised.

    Raises:
        JobRequestError: more frames than the node takes per job (``details['field']`` is ``field``).
    """
    count = len(range(frames["first"], frames["last"] + 1, frames["step"]))
    if count > node.max_frames_per_job:
        raise JobRequestError(f"{field}: {count} frames, this node takes at most {node.max_frames_per_job} per job "
                              "or analysis; split the shot or give a smaller frame range", {"field": field})
    return job_frames(frames)


def inline_input_pattern(dtype: str) -> str:
    """Float frames are kept as EXR (scene-linear by default), integer frames as TIFF (sRGB by default)."""
    return INLINE_INPUT_FLOAT if dtype.startswith("float") else INLINE_INPUT_INT


def plan_job(spec: dict, job_dir: Path, node: NodeConfig) -> JobPlan:
    """Builds the pipeline's request from a cleaned ``submit_job_request`` content.

    Args:
        spec: the content as the protocol decoder returned it (defaults filled in).
        job_dir: the job's private folder (inline inputs and plates), ``<state dir>/jobs/<job id>``: its name
            is the job id the plates record (``RenderRequest.job_id``).
        node: the node's configuration (roots, model store, cache, OCIO config).

    Raises:
        PathNotAllowedError: a source, reference or output path lies outside the node's roots.
        JobRequestError: another field the node cannot honour as given (``details['field']``).
        NotAvailableError: the tier, director, renderer or face selection is not offered by this node.
    """
    source, emotion, output = spec["source"], spec["emotion"], spec["output"]
    frames = checked_frames(source["frames"], node, "content.source.frames")
    _check_offered(emotion, spec["face_track"], node)
    if source["kind"] == "inline":
        source_path, start_frame = str(job_dir / "input" / inline_input_pattern(source["dtype"])), None
    else:
        source_path = str(confined_source(source["path"], node, "content.source.path"))
        start_frame = source["start_frame"]
    if output["kind"] == "inline":
        out_dir, pattern, extras = str(job_dir / "plates"), INLINE_PLATES, {}
    else:
        pattern = check_file_name(output["pattern"], "content.output.pattern")
        out_dir = str(confine(output["directory"], node.output_roots, "content.output.directory", "output"))
        extras = {"preview": output["preview"], "composite": output["composite"]}
    reference = emotion["reference"]
    learned = emotion["director"] == "learned"
    request = RenderRequest(
        source=source_path,
        out_dir=out_dir,
        pattern=pattern,
        frames=frame_list(frames),
        start_frame=start_frame,
        reference=_reference(reference, node) if reference else None,
        **_face_fields(spec["face_track"]),
        seed=emotion["seed"],
        director="learned" if learned else "prior",
        checkpoint=str(node.manipulator) if learned else None,
        **extras,
        **_emotion_fields(emotion),
        units=tuple(f"{name}={value!r}" for name, value in sorted((emotion["units"] or {}).items())),
        job_id=job_dir.name,
    )
    return JobPlan(request, job_config(spec, node), frames, source["kind"] == "inline", output["kind"] == "inline")


def _face_fields(face_track: dict) -> dict:
    """RenderRequest ``track`` / ``character`` / ``character_edits`` of a cleaned ``face_track``."""
    select = face_track["select"]
    if select == "track":
        return {"track": face_track["track_id"]}
    if select == "all":
        return {"track": ALL_FACES}
    if select == "character":
        edits = face_track["character_edits"]
        return {"character": face_track["character_id"],
                "character_edits": None if edits is None else {"schema": EDITS_SCHEMA, **edits}}
    return {}


def job_config(spec: dict, node: NodeConfig) -> NedConfig:
    """The pipeline configuration of one job: node-wide settings plus the job's own options."""
    try:
        plates = PlateWriteConfig(compression=spec["compression"], full_frame=spec["full_frame"], stmap=spec["stmap"])
    except PlateCompressionError as exc:
        raise JobRequestError(f"content.compression: {exc}", {"field": "content.compression"}) from exc
    return replace(analysis_config(node, spec["source"]["colorspace"], spec["allow_noncommercial"]), plates=plates)


def analysis_config(node: NodeConfig, colorspace: str | None, allow_noncommercial: bool = False) -> NedConfig:
    """Node-wide pipeline settings: OCIO config, model store and the shared analysis cache (so that an
    ``analyze_shot_request`` and a later job on the same frames share one analysis)."""
    return replace(
        NedConfig(),
        colour=ColourConfig(config=node.ocio, input_space=colorspace),
        store=StoreConfig(root=node.model_dir or default_model_dir(), allow_noncommercial=allow_noncommercial),
        cache_dir=node.analysis_cache_dir,
    )


def _reference(reference: dict, node: NodeConfig) -> str:
    """The reference clip's path; a sequence's frame range is written into its pattern (``ref.1001-1040#.exr``)."""
    path = str(confined_source(reference["path"], node, "content.emotion.reference.path"))
    if not is_pattern(path) or Path(path).is_file():
        return path
    pattern = parse_pattern(path)
    frames = frame_list(checked_frames(reference["frames"], node, "content.emotion.reference.frames"))
    return str(pattern.directory / f"{pattern.prefix}{frames}%0{pattern.padding}d{pattern.suffix}")


def confined_source(path: str, node: NodeConfig, field: str) -> Path:
    """A source path confined to the input roots; for a sequence pattern its folder is resolved."""
    if is_pattern(path) and not Path(path).is_file():
        folder = confine(str(Path(path).parent), node.input_roots, field, "input")
        return folder / Path(path).name
    return confine(path, node.input_roots, field, "input")


def _check_offered(emotion: dict, face_track: dict, node: NodeConfig) -> None:
    if emotion["tier"] not in TIERS:
        raise NotAvailableError(f"content.emotion.tier: tier {emotion['tier']!r} is not installed on this node "
                                f"(available: {', '.join(TIERS)})", {"field": "content.emotion.tier"})
    for name, offered in (("director", directors(node)), ("renderer", RENDERERS)):
        if emotion[name] != "auto" and emotion[name] not in offered:
            raise NotAvailableError(f"content.emotion.{name}: {emotion[name]!r} is not available on this node "
                                    f"(available: auto, {', '.join(offered)})", {"field": f"content.emotion.{name}"})
    if face_track["select"] == "boxes":
        raise NotAvailableError("content.face_track.select: selecting the face by boxes is not available on this "
                                "node; use 'largest' or a track id", {"field": "content.face_track.select"})


def _amount(value: float) -> str:
    return repr(float(value))


def emotion_spec(target, intensity: float) -> str:
    """The pipeline's emotion spec string (``happy``, ``happy:0.8``, ``happy:0.6+surprised:0.4``).

    A blend's weights are normalised and scaled by the intensity, as ``parse_emotion_spec`` reads them back.
    Weights that already sum to the intensity (a host sending a spec's amounts) are kept exactly.
    """
    if isinstance(target, str):
        return target if intensity == 1.0 else f"{target}:{_amount(intensity)}"
    total = sum(target.values())
    if total <= 0:
        raise JobRequestError("content.emotion.target: blend weights must sum to more than 0",
                              {"field": "content.emotion.target"})
    terms = [(label, weight) for label, weight in target.items() if weight > 0]
    if len(terms) == 1 and intensity == 1.0:
        return terms[0][0]
    scale = intensity / total
    return "+".join(f"{label}:{_amount(weight * scale)}" for label, weight in terms)


def _emotion_fields(emotion: dict) -> dict:
    """``emotion`` and ``keys`` of the RenderRequest from the protocol's emotion map (keys' unit overrides
    go into the ``EmotionKeys.2`` document; the map's own ``units`` become the request's ``units``)."""
    target, intensity = emotion["target"], emotion["intensity"]
    if emotion["keys"]:
        keys = []
        for key in emotion["keys"]:
            entry = {"frame": key["frame"], "intensity": key["intensity"]}
            label = key["emotion"] if key["emotion"] is not None else target
            if label is not None:
                entry["emotion"] = label
            if key["transition"] is not None:
                entry["transition"] = key["transition"]
            if key["units"]:
                entry["units"] = dict(key["units"])
            keys.append(entry)
        doc = {"schema": "EmotionKeys.2", "ease": emotion["ease"], "keys": keys}
        if emotion["transition"] is not None:
            doc["transition"] = emotion["transition"]
        return {"emotion": None, "keys": doc}
    if target is None:  # a reference clip, optionally scaled
        return {"emotion": None if intensity == 1.0 else _amount(intensity), "keys": None}
    return {"emotion": emotion_spec(target, intensity), "keys": None}
