"""The shot to process: the current timeline video item, its source file, source frame range and fps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Tuple

from .errors import NoShotError
from .ned_items import is_ned_plate, ned_clip_paths
from .timecode import timecode_frames
from .version import ResolveVersion, resolve_version

_SEQUENCE = re.compile(r"^(?P<head>.*?)\[(?P<first>\d+)-(?P<last>\d+)\](?P<tail>[^/\\]*)$")


@dataclass(frozen=True)
class Shot:
    """One timeline item and where its frames come from.

    Attributes:
        item: the TimelineItem (kept to place the result beside it).
        track: its video track index (1-based).
        record_start: the timeline frame where the item starts.
        source_path: a ``name.####.exr`` pattern or a movie file, as the node reads it.
        source_first, source_last: the used source frames (file frame numbers), inclusive.
        fps: the timeline frame rate.
        name: the clip's name.
    """

    item: Any
    track: int
    record_start: int
    source_path: str
    source_first: int
    source_last: int
    fps: float
    name: str


def source_pattern(file_path: str) -> Tuple[str, int]:
    """Resolve's ``File Path`` → ``(node path, first file frame)``.

    ``/shots/plate.[1001-1096].exr`` → ``(/shots/plate.####.exr, 1001)``; a movie → ``(path, 0)``.
    """
    match = _SEQUENCE.match(file_path)
    if match is None:
        return file_path, 0
    return f"{match['head']}{'#' * len(match['first'])}{match['tail']}", int(match["first"])


def current_shot(resolve: Any) -> Shot:
    """The source video item under the playhead on the current timeline (topmost track wins).

    NED plate clips placed over a shot by an earlier run are skipped: the item below them is the shot.

    Raises:
        NoShotError: no project, timeline or item there, or the item has no media file.
        UnsupportedResolveError: Resolve older than 18.
    """
    version = resolve_version(resolve)
    project = resolve.GetProjectManager().GetCurrentProject()
    timeline = project.GetCurrentTimeline() if project else None
    if timeline is None:
        raise NoShotError("open a timeline in Resolve and put the playhead over the shot to process")
    item = timeline.GetCurrentVideoItem()
    if item is None:
        raise NoShotError(f"no video item under the playhead on timeline {timeline.GetName()!r}")
    track = next(index for index in range(timeline.GetTrackCount("video"), 0, -1)
                 if any(other.GetUniqueId() == item.GetUniqueId()
                        for other in timeline.GetItemListInTrack("video", index)))
    item, track = _source_below(project, timeline, item, track)
    media = item.GetMediaPoolItem()
    file_path = media.GetClipProperty("File Path") if media else ""
    if not file_path:
        raise NoShotError(f"timeline item {item.GetName()!r} has no source file (generator, title or compound clip)")
    path, file_first = source_pattern(file_path)
    first = file_first + source_offset(item, media, version)
    return Shot(item=item, track=track, record_start=item.GetStart(), source_path=path, source_first=first,
                source_last=first + item.GetDuration() - 1, fps=float(timeline.GetSetting("timelineFrameRate")),
                name=item.GetName())


def source_offset(item: Any, media: Any, version: ResolveVersion) -> int:
    """The item's first frame as an offset into its clip (0 = the clip's first frame).

    Resolve 19.0.2 and later: ``GetSourceStartFrame()``, which counts from the clip's start timecode
    (``Start TC``), so that is taken off. Earlier (no GetSourceStartFrame): ``GetLeftOffset()``, the frames
    the item could be extended by to the left.

    Raises:
        NoShotError: the clip's start timecode cannot be read, or the offset comes out negative.
    """
    if not version.has_source_start_frame:
        offset = int(item.GetLeftOffset())
    else:
        start_tc, fps = media.GetClipProperty("Start TC"), media.GetClipProperty("FPS")
        try:
            offset = int(item.GetSourceStartFrame()) - timecode_frames(start_tc, float(fps))
        except ValueError as exc:
            raise NoShotError(f"clip {media.GetName()!r}: cannot read its start timecode {start_tc!r} at "
                              f"{fps} fps: {exc}") from exc
    if offset < 0:
        raise NoShotError(f"timeline item {item.GetName()!r} starts {-offset} frames before its clip "
                          f"{media.GetName()!r} (Resolve {version.text}); trim it to the clip's frames")
    return offset


def _source_below(project: Any, timeline: Any, item: Any, track: int) -> Tuple[Any, int]:
    """``(item, track)`` itself, or for a NED plate clip the first non-NED item below it at its start frame.

    Raises:
        NoShotError: only NED plate clips lie under the playhead.
    """
    ned_paths = ned_clip_paths(project.GetMediaPool())
    frame = item.GetStart()
    for index in range(track, 0, -1):
        for candidate in timeline.GetItemListInTrack("video", index):
            media = candidate.GetMediaPoolItem()
            if candidate.GetStart() <= frame < candidate.GetEnd() and not (media and is_ned_plate(media, ned_paths)):
                return candidate, index
    raise NoShotError(f"only NED plate clips lie under the playhead at {item.GetName()!r}; "
                      "put the playhead over the source shot")
