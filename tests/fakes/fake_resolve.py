"""A strict stand-in for the subset of DaVinci Resolve's scripting API that plugin_resolve uses.

Covered (names as in Resolve 18/19's scripting README):

- Resolve.GetProjectManager → ProjectManager.GetCurrentProject → Project.GetCurrentTimeline, GetMediaPool.
- Timeline: GetName, GetCurrentVideoItem, GetTrackCount(type), GetItemListInTrack(type, index),
  AddTrack(type), GetSetting(name).
- TimelineItem: GetName, GetUniqueId, GetStart, GetEnd, GetDuration, GetSourceStartFrame,
  GetMediaPoolItem.
- MediaPool: GetRootFolder, AddSubFolder, SetCurrentFolder, GetCurrentFolder, ImportMedia([{FilePath,
  StartIndex, EndIndex}]), AppendToTimeline([{mediaPoolItem, startFrame, endFrame, trackIndex,
  recordFrame, mediaType}]).
- Folder: GetName, GetSubFolderList, GetClipList. MediaPoolItem: GetName, GetClipProperty(name).

Strictness: wrong argument types and unknown dict keys raise TypeError; an unknown track type, clip
property or timeline setting raises KeyError; ImportMedia of a sequence imports only when every frame
StartIndex..EndIndex exists on disk (else returns [] as Resolve does); AppendToTimeline refuses a
track that does not exist or a placement overlapping an item (returns []). Resolve's API is callable
from any thread of the script, so no thread check is made.
"""

from __future__ import annotations

import itertools
import os
import re
from typing import Any, Dict, List, Optional

_ids = itertools.count(1)


def _check(value: Any, kind: Any, what: str) -> None:
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise TypeError(f"{what}: expected {kind}, got {type(value).__name__}")


class MediaPoolItem:
    """A clip: its name and clip properties (``File Path`` in Resolve's ``name.[first-last].ext`` form)."""

    PROPERTIES = ("File Path", "Clip Name", "FPS", "Start", "End", "Frames", "Type")

    def __init__(self, name: str, file_path: str, first: int, last: int, fps: float = 24.0):
        self._name = name
        self._props = {"File Path": file_path, "Clip Name": name, "FPS": fps, "Start": str(first),
                       "End": str(last), "Frames": str(last - first + 1), "Type": "Video"}
        self.first, self.last = first, last

    def GetName(self) -> str:
        return self._name

    def GetClipProperty(self, name: str) -> Any:
        _check(name, str, "GetClipProperty")
        if name not in self._props:
            raise KeyError(f"GetClipProperty: no clip property {name!r} (known: {self.PROPERTIES})")
        return self._props[name]


class TimelineItem:
    def __init__(self, media: Optional[MediaPoolItem], start: int, source_start: int, duration: int):
        self._media, self._start, self._source_start, self._duration = media, start, source_start, duration
        self._id = str(next(_ids))

    def GetName(self) -> str:
        return self._media.GetName() if self._media else "Solid Color"

    def GetUniqueId(self) -> str:
        return self._id

    def GetStart(self) -> int:
        return self._start

    def GetEnd(self) -> int:
        return self._start + self._duration

    def GetDuration(self) -> int:
        return self._duration

    def GetSourceStartFrame(self) -> int:
        return self._source_start

    def GetMediaPoolItem(self) -> Optional[MediaPoolItem]:
        return self._media


class Timeline:
    def __init__(self, name: str, fps: float = 24.0):
        self._name, self._fps, self.playhead = name, fps, 0
        self.tracks: List[List[TimelineItem]] = [[]]

    def GetName(self) -> str:
        return self._name

    def GetSetting(self, name: str) -> str:
        _check(name, str, "GetSetting")
        if name != "timelineFrameRate":
            raise KeyError(f"GetSetting: this fake knows only 'timelineFrameRate', got {name!r}")
        return f"{self._fps:g}"

    def GetTrackCount(self, track_type: str) -> int:
        self._type(track_type)
        return len(self.tracks) if track_type == "video" else 0

    def GetItemListInTrack(self, track_type: str, index: int) -> List[TimelineItem]:
        self._type(track_type)
        _check(index, int, "GetItemListInTrack index")
        return list(self.tracks[index - 1]) if track_type == "video" and 1 <= index <= len(self.tracks) else []

    def AddTrack(self, track_type: str) -> bool:
        self._type(track_type)
        self.tracks.append([])
        return True

    def GetCurrentVideoItem(self) -> Optional[TimelineItem]:
        for track in reversed(self.tracks):
            for item in track:
                if item.GetStart() <= self.playhead < item.GetEnd():
                    return item
        return None

    @staticmethod
    def _type(track_type: Any) -> None:
        _check(track_type, str, "track type")
        if track_type not in ("video", "audio", "subtitle"):
            raise KeyError(f"unknown track type {track_type!r}")


class Folder:
    def __init__(self, name: str):
        self._name, self.subfolders, self.clips = name, [], []

    def GetName(self) -> str:
        return self._name

    def GetSubFolderList(self) -> List["Folder"]:
        return list(self.subfolders)

    def GetClipList(self) -> List[MediaPoolItem]:
        return list(self.clips)


class MediaPool:
    IMPORT_KEYS = {"FilePath", "StartIndex", "EndIndex"}
    APPEND_KEYS = {"mediaPoolItem", "startFrame", "endFrame", "trackIndex", "recordFrame", "mediaType"}

    def __init__(self, project: "Project"):
        self._project = project
        self.root = Folder("Master")
        self.current = self.root

    def GetRootFolder(self) -> Folder:
        return self.root

    def AddSubFolder(self, parent: Folder, name: str) -> Folder:
        _check(parent, Folder, "AddSubFolder parent")
        _check(name, str, "AddSubFolder name")
        folder = Folder(name)
        parent.subfolders.append(folder)
        return folder

    def SetCurrentFolder(self, folder: Folder) -> bool:
        _check(folder, Folder, "SetCurrentFolder")
        self.current = folder
        return True

    def GetCurrentFolder(self) -> Folder:
        return self.current

    def ImportMedia(self, items: List[Dict[str, Any]]) -> List[MediaPoolItem]:
        _check(items, list, "ImportMedia")
        imported = []
        for entry in items:
            _check(entry, dict, "ImportMedia entry")
            if set(entry) - self.IMPORT_KEYS or "FilePath" not in entry:
                raise TypeError(f"ImportMedia: keys must be {sorted(self.IMPORT_KEYS)}, got {sorted(entry)}")
            path, first, last = entry["FilePath"], entry.get("StartIndex"), entry.get("EndIndex")
            _check(path, str, "FilePath")
            _check(first, int, "StartIndex")
            _check(last, int, "EndIndex")
            match = re.search(r"%0(\d)d", path)
            if match is None:
                raise TypeError(f"ImportMedia: StartIndex/EndIndex need a %0Nd sequence path, got {path!r}")
            files = [path.replace(match.group(), f"{n:0{match.group(1)}d}") for n in range(first, last + 1)]
            if not all(os.path.isfile(f) for f in files):
                return []
            name = os.path.basename(path[:match.start()]).rstrip("._") + f".[{first}-{last}]"
            clip = MediaPoolItem(name, path.replace(match.group(), f"[{first}-{last}]"), first, last)
            self.current.clips.append(clip)
            imported.append(clip)
        return imported

    def AppendToTimeline(self, items: List[Dict[str, Any]]) -> List[TimelineItem]:
        _check(items, list, "AppendToTimeline")
        timeline = self._project.timeline
        placed = []
        for entry in items:
            _check(entry, dict, "AppendToTimeline entry")
            if set(entry) - self.APPEND_KEYS:
                raise TypeError(f"AppendToTimeline: unknown keys {sorted(set(entry) - self.APPEND_KEYS)}")
            clip = entry["mediaPoolItem"]
            _check(clip, MediaPoolItem, "mediaPoolItem")
            for key in ("startFrame", "endFrame", "trackIndex", "recordFrame", "mediaType"):
                _check(entry[key], int, key)
            track = entry["trackIndex"]
            if not 1 <= track <= len(timeline.tracks):
                return []
            duration = entry["endFrame"] - entry["startFrame"] + 1
            start = entry["recordFrame"]
            if any(other.GetStart() < start + duration and start < other.GetEnd() for other in timeline.tracks[track - 1]):
                return []
            item = TimelineItem(clip, start, entry["startFrame"], duration)
            timeline.tracks[track - 1].append(item)
            placed.append(item)
        return placed


class Project:
    def __init__(self, timeline: Timeline):
        self.timeline = timeline
        self.media_pool = MediaPool(self)

    def GetCurrentTimeline(self) -> Timeline:
        return self.timeline

    def GetMediaPool(self) -> MediaPool:
        return self.media_pool


class ProjectManager:
    def __init__(self, project: Optional[Project]):
        self.project = project

    def GetCurrentProject(self) -> Optional[Project]:
        return self.project


class Resolve:
    """The ``resolve`` object. Test setup: ``Resolve.with_shot(...)`` builds a project with one item."""

    def __init__(self, project: Optional[Project]):
        self._manager = ProjectManager(project)

    def GetProjectManager(self) -> ProjectManager:
        return self._manager

    @classmethod
    def with_shot(cls, file_path: str, first: int, last: int, *, record_start: int, source_offset: int,
                  duration: int, fps: float = 24.0) -> "Resolve":
        """A timeline at ``fps`` whose video track 1 holds frames ``first+source_offset ...`` of a sequence
        clip at ``record_start``; the playhead is over it."""
        timeline = Timeline("Edit v1", fps)
        clip = MediaPoolItem(os.path.basename(file_path), file_path, first, last, fps)
        timeline.tracks[0].append(TimelineItem(clip, record_start, source_offset, duration))
        timeline.playhead = record_start + duration // 2
        project = Project(timeline)
        project.media_pool.root.clips.append(clip)
        return cls(project)
