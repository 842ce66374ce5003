"""Imports a plate sequence into the media pool's "NED" bin and places it above its source item, in sync."""

from __future__ import annotations

import os
from typing import Any, Tuple

from ned_protocol.plates import frame_path, printf_pattern

from .errors import ImportPlatesError
from .ned_items import BIN_NAME
from .timeline import Shot
from .version import resolve_version


def ned_bin(media_pool: Any) -> Any:
    """The root-level "NED" bin, created on first use."""
    root = media_pool.GetRootFolder()
    existing = [folder for folder in root.GetSubFolderList() if folder.GetName() == BIN_NAME]
    return existing[0] if existing else media_pool.AddSubFolder(root, BIN_NAME)


def free_track(timeline: Any, shot: Shot) -> int:
    """The first video track above the shot with nothing in the shot's frames (earlier NED clips stay)."""
    end = shot.record_start + shot.source_last - shot.source_first + 1
    track = shot.track + 1
    while track <= timeline.GetTrackCount("video") and any(
            item.GetStart() < end and shot.record_start < item.GetEnd()
            for item in timeline.GetItemListInTrack("video", track)):
        track += 1
    return track


def import_and_place(resolve: Any, shot: Shot, directory: str, pattern: str) -> Tuple[Any, int]:
    """Imports ``directory/pattern`` for the shot's source frames; puts it on the first free track above the shot.

    The clip's first frame lands on the timeline frame where the shot starts, so plate frame N sits over
    source frame N. ``endFrame`` is inclusive on Resolve 18 and exclusive from 19 on; the placed length is
    read back, and a clip of the wrong length is taken off the timeline again.

    Returns:
        The new TimelineItem and its video track index.

    Raises:
        ImportPlatesError: Resolve did not import or place the clip.
    """
    version = resolve_version(resolve)
    project = resolve.GetProjectManager().GetCurrentProject()
    media_pool = project.GetMediaPool()
    timeline = project.GetCurrentTimeline()
    media_pool.SetCurrentFolder(ned_bin(media_pool))
    first_file = frame_path(directory, pattern, shot.source_first)
    clips = media_pool.ImportMedia([{"FilePath": os.path.join(directory, printf_pattern(pattern)),
                                     "StartIndex": shot.source_first, "EndIndex": shot.source_last}])
    if not clips:
        raise ImportPlatesError(f"Resolve did not import the plates starting at {first_file}")
    track = free_track(timeline, shot)
    while timeline.GetTrackCount("video") < track:
        if not timeline.AddTrack("video"):
            raise ImportPlatesError(f"Resolve could not add video track {track} to {timeline.GetName()!r}")
    frames = shot.source_last - shot.source_first + 1
    placed = media_pool.AppendToTimeline([{"mediaPoolItem": clips[0], "startFrame": 0,
                                           "endFrame": frames if version.end_frame_exclusive else frames - 1,
                                           "trackIndex": track, "recordFrame": shot.record_start,
                                           "mediaType": 1}])
    if not placed:
        raise ImportPlatesError(f"Resolve could not place {clips[0].GetName()!r} on video track {track} "
                                f"at frame {shot.record_start}")
    if placed[0].GetDuration() != frames:
        timeline.DeleteClips(placed, False)
        raise ImportPlatesError(f"Resolve {version.text} placed {clips[0].GetName()!r} with "
                                f"{placed[0].GetDuration()} frames instead of {frames}; it was taken off the "
                                f"timeline again (the plates are in the NED bin)")
    return placed[0], track
