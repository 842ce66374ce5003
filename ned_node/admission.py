"""Checks a job passes before it is accepted: source readable inside the roots, emotion valid, plates writable."""

from __future__ import annotations

import os
from pathlib import Path

from ned_core.exceptions import ColourError, DirectError, PlateError, RenderJobError
from ned_core.io.colour import ColourConfig
from ned_core.io.plate_source import PlateInfo, frame_list
from ned_core.io.plates import open_plates
from ned_core.io.sequence import find_frames, is_pattern, parse_pattern
from ned_core.pipeline.directing import build_schedule
from ned_node.config import NodeConfig
from ned_node.errors import JobRequestError, NotAvailableError, OutputExistsError, PathNotAllowedError, SourceCheckError
from ned_node.jobspec import JobPlan
from ned_node.paths import confine


def check_source(plan: JobPlan, node: NodeConfig) -> PlateInfo:
    """Opens a path source (headers only) and confines every frame file it will read.

    Returns:
        The source's description (frames, size, ...).

    Raises:
        SourceCheckError: no such file, frames missing or outside the shot, unreadable header, bad colour space.
        PathNotAllowedError: a frame file is a symlink leading outside the input roots.
    """
    request = plan.request
    return check_readable(request.source, request.frames, request.start_frame, plan.config.colour, node,
                          "content.source.path")


def check_reference(plan: JobPlan, node: NodeConfig, frames: tuple[int, ...]) -> None:
    """Opens the reference clip like a source; a movie or still is used whole, so ``frames`` must be all of it.

    Raises:
        SourceCheckError, PathNotAllowedError: as :func:`check_source`.
        NotAvailableError: a movie or still reference with a frame range other than the whole clip.
    """
    clip = check_readable(plan.request.reference, None, None, plan.config.colour, node,
                          "content.emotion.reference.path")
    if tuple(frames) != clip.frames:
        raise NotAvailableError(f"content.emotion.reference.frames: a movie or still reference is used whole "
                                f"(frames {frame_list(clip.frames)}); trim the clip to the frames to copy",
                                {"field": "content.emotion.reference.frames"})


def check_readable(path: str, frames: str | None, start_frame: int | None, colour: ColourConfig, node: NodeConfig,
                   field: str) -> PlateInfo:
    """Opens a shot (headers only) and confines every frame file of a sequence to the input roots.

    Args:
        path: the shot's path, its folder already confined (``jobspec.confined_source``).
        frames: fileseq frame list, or None for the whole shot.
        start_frame: number of a movie's or still's first frame.
        colour: colour management of the job.
        node: the node's configuration (input roots).
        field: the request field, for errors.

    Raises:
        SourceCheckError: no such file, frames missing, unreadable header, bad colour space.
        PathNotAllowedError: a frame file is a symlink leading outside the input roots.
    """
    try:
        with open_plates(path, frames=frames, colour=colour, start_frame=start_frame) as plates:
            info = plates.info
    except (PlateError, ColourError) as exc:
        raise SourceCheckError(f"{field}: {exc}", {"field": field}) from exc
    if is_pattern(path) and not Path(path).is_file():
        found = find_frames(parse_pattern(path))
        for number in info.frames:
            confine(str(found[number]), node.input_roots, field, "input")
    return info


def check_emotion(plan: JobPlan) -> None:
    """The emotion target, keys and director settings make a valid schedule over the job's frames.

    Raises:
        JobRequestError: unknown label, intensity out of range, a key outside the frames, conflicting options.
    """
    try:
        build_schedule(plan.request, plan.frames[0], plan.frames[-1], plan.config)
    except (DirectError, RenderJobError) as exc:
        raise JobRequestError(f"content.emotion: {exc}", {"field": "content.emotion"}) from exc


def check_outputs(plan: JobPlan, overwrite: bool, own: frozenset[int] = frozenset()) -> None:
    """The plate folder must be writable and, unless ``overwrite``, hold none of the job's plates yet.

    Checked at submit and again when the job starts (another job may have written there meanwhile); ``own``
    are frames this job finished itself before it was interrupted (their plates are its own).

    Symlinks at plate paths are refused even with ``overwrite`` (a plate replaces them, never what they point to).

    Raises:
        JobRequestError: the pattern is not one run of ``#`` in an ``.exr`` name.
        OutputExistsError: plates exist already (the message lists their frames) or the folder is not writable.
        PathNotAllowedError: a plate path is a symlink.
    """
    folder = Path(plan.request.out_dir)
    existing, links = [], []
    for frame in plan.frames:
        try:
            path = plan.plate_path(frame)
        except RenderJobError as exc:
            raise JobRequestError(f"content.output.pattern: {exc}", {"field": "content.output.pattern"}) from exc
        if path.is_symlink():
            links.append(frame)
        elif frame not in own and path.exists():
            existing.append(frame)
    if links:
        raise PathNotAllowedError(f"content.output: plate paths of frames {frame_list(tuple(links))} in {folder} are "
                                  "symlinks; remove them", {"field": "content.output.directory"})
    if existing and not overwrite:
        raise OutputExistsError(f"content.output: {len(existing)} plate(s) exist already in {folder} (frames "
                                f"{frame_list(tuple(existing))}); set output.overwrite or pick another folder",
                                {"field": "content.output.overwrite", "frames": existing[:100]})
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise OutputExistsError(f"content.output.directory: {probe} is not a writable folder for the node's user",
                                {"field": "content.output.directory"})
