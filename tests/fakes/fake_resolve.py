"""A strict stand-in for the subset of DaVinci Resolve's scripting API that plugin_resolve uses.

Which Resolve version and which source each behaviour comes from: docs/host_api.md (the one place). Every
method here exists in the ``fusionscript-stubs`` 21.0 stubs with a compatible signature
(tests/plugin_resolve/test_host_api.py checks it). The faked version is given to :meth:`Resolve.with_shot`.

Covered:

- Resolve: GetProjectManager, GetVersion, GetVersionString, GetProductName → ProjectManager.GetCurrentProject
  → Project.GetCurrentTimeline, GetMediaPool.
- Timeline: GetName, GetCurrentVideoItem, GetTrackCount(type), GetItemListInTrack(type, index),
  AddTrack(type), DeleteClips(items, ripple), GetSetting(name).
- TimelineItem: GetName, GetUniqueId, GetStart, GetEnd, GetDuration, GetLeftOffset, GetMediaPoolItem, and
  GetSourceStartFrame only on Resolve 19.0.2 and later.
- MediaPool: GetRootFolder, AddSubFolder, SetCurrentFolder, GetCurrentFolder, ImportMedia([{FilePath,
  StartIndex, EndIndex}]), AppendToTimeline([{mediaPoolItem, startFrame, endFrame, trackIndex,
  recordFrame, mediaType}]).
- Folder: GetName, GetSubFolderList, GetClipList. MediaPoolItem: GetName, GetClipProperty(name).

Version behaviour: AppendToTimeline's ``endFrame`` is inclusive on Resolve 18 and exclusive from 19 on;
GetSourceStartFrame counts from the clip's start timecode (``Start TC``), GetLeftOffset from its first frame.
A name the faked version lacks answers None, as Resolve's scripting objects do, so calling it raises
TypeError ("'NoneType' object is not callable").

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


class _RemoteObject:
    """Resolve's scripting objects answer None for a name they do not have."""

    def __getattr__(self, name: str) -> None:
        return None


def _timecode_frames(timecode: str, fps: float) -> int:
    """``HH:MM:SS:FF`` (non-drop) → frames at ``fps``."""
    hours, minutes, seconds, frames = (int(part) for part in timecode.split(":"))
    return ((hours * 60 + minutes) * 60 + seconds) * round(fps) + frames


def _check(value: Any, kind: Any, what: str) -> None:
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise TypeError(f"{what}: expected {kind}, got {type(value).__name__}")


class MediaPoolItem(_RemoteObject):
    """A clip: its name and clip properties (``File Path`` in Resolve's ``name.[first-last].ext`` form)."""

    PROPERTIES = ("File Path", "Clip Name", "FPS", "Start", "End", "Frames", "Type", "Start TC")

    def __init__(self, name: str, file_path: str, first: int, last: int, fps: float = 24.0,
                 start_tc: str = "00:00:00:00"):
        self._name = name
        self._props = {"File Path": file_path, "Clip Name": name, "FPS": fps, "Start": str(first),
                       "End": str(last), "Frames": str(last - first + 1), "Type": "Video", "Start TC": start_tc}
        self.first, self.last = first, last

    def GetName(self) -> str:
        return self._name

    def start_frame(self) -> int:
        """Test helper: the clip's start timecode in frames."""
        return _timecode_frames(self._props["Start TC"], float(self._props["FPS"]))

    def GetClipProperty(self, propertyName: str) -> Any:
        _check(propertyName, str, "GetClipProperty")
        if propertyName not in self._props:
            raise KeyError(f"GetClipProperty: no clip property {propertyName!r} (known: {self.PROPERTIES})")
        return self._props[propertyName]


class TimelineItem(_RemoteObject):
    """An item as Resolve 18 - 19.0.1 has it; :class:`TimelineItem19` adds GetSourceStartFrame."""

    def __init__(self, media: Optional[MediaPoolItem], start: int, source_start: int, duration: int):
        """``source_start``: the item's first frame as an offset into its clip (0 = the clip's first frame)."""
        self._media, self._start, self._source_start, self._duration = media, start, source_start, duration
        self._id = str(next(_ids))

    def GetName(self) -> str:
        return self._media.GetName() if self._media else "Solid Color"

    def GetUniqueId(self) -> str:
        return self._id

    def GetStart(self, subframe_precision: bool = False) -> int:
        return self._start

    def GetEnd(self, subframe_precision: bool = False) -> int:
        return self._start + self._duration

    def GetDuration(self, subframe_precision: bool = False) -> int:
        return self._duration

    def GetLeftOffset(self, subframe_precision: bool = False) -> int:
        """How far the item could be extended to the left: the source frames before its first one."""
        return self._source_start

    def GetMediaPoolItem(self) -> Optional[MediaPoolItem]:
        return self._media


class TimelineItem19(TimelineItem):
    """An item on Resolve 19.0.2 and later."""

    def GetSourceStartFrame(self) -> int:
        """The item's first source frame, counted from the clip's start timecode."""
        return (self._media.start_frame() if self._media else 0) + self._source_start


class Timeline(_RemoteObject):
    def __init__(self, name: str, fps: float = 24.0, version: tuple = (19, 1, 3)):
        self._name, self._fps, self.playhead, self.version = name, fps, 0, version
        self.tracks: List[List[TimelineItem]] = [[]]

    def item(self, media: Optional[MediaPoolItem], start: int, source_start: int, duration: int) -> TimelineItem:
        """Test helper: a timeline item of this Resolve version (not added to a track)."""
        cls = TimelineItem19 if self.version >= (19, 0, 2) else TimelineItem
        return cls(media, start, source_start, duration)

    def GetName(self) -> str:
        return self._name

    def GetSetting(self, settingName: str) -> str:
        _check(settingName, str, "GetSetting")
        if settingName != "timelineFrameRate":
            raise KeyError(f"GetSetting: this fake knows only 'timelineFrameRate', got {settingName!r}")
        return f"{self._fps:g}"

    def GetTrackCount(self, trackType: str) -> int:
        self._type(trackType)
        return len(self.tracks) if trackType == "video" else 0

    def GetItemListInTrack(self, trackType: str, index: int) -> List[TimelineItem]:
        self._type(trackType)
        _check(index, int, "GetItemListInTrack index")
        return list(self.tracks[index - 1]) if trackType == "video" and 1 <= index <= len(self.tracks) else []

    def AddTrack(self, trackType: str, subTrackType: Optional[str] = None) -> bool:
        self._type(trackType)
        self.tracks.append([])
        return True

    def DeleteClips(self, timelineItems: List[TimelineItem], Bool: bool = False) -> bool:
        _check(timelineItems, list, "DeleteClips")
        for item in timelineItems:
            track = next((t for t in self.tracks if item in t), None)
            if track is None:
                return False
            track.remove(item)
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


class Folder(_RemoteObject):
    def __init__(self, name: str):
        self._name, self.subfolders, self.clips = name, [], []

    def GetName(self) -> str:
        return self._name

    def GetSubFolderList(self) -> List["Folder"]:
        return list(self.subfolders)

    def GetClipList(self) -> List[MediaPoolItem]:
        return list(self.clips)


class MediaPool(_RemoteObject):
    IMPORT_KEYS = {"FilePath", "StartIndex", "EndIndex"}
    APPEND_KEYS = {"mediaPoolItem", "startFrame", "endFrame", "trackIndex", "recordFrame", "mediaType"}

    def __init__(self, project: "Project"):
        self._project = project
        self.root = Folder("Master")
        self.current = self.root

    def GetRootFolder(self) -> Folder:
        return self.root

    def AddSubFolder(self, folder: Folder, name: str) -> Folder:
        _check(folder, Folder, "AddSubFolder folder")
        _check(name, str, "AddSubFolder name")
        subfolder = Folder(name)
        folder.subfolders.append(subfolder)
        return subfolder

    def SetCurrentFolder(self, folder: Folder) -> bool:
        _check(folder, Folder, "SetCurrentFolder")
        self.current = folder
        return True

    def GetCurrentFolder(self) -> Folder:
        return self.current

    def ImportMedia(self, clipInfo: List[Dict[str, Any]]) -> List[MediaPoolItem]:
        _check(clipInfo, list, "ImportMedia")
        imported = []
        for entry in clipInfo:
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

    def AppendToTimeline(self, clipInfo: List[Dict[str, Any]]) -> List[TimelineItem]:
        _check(clipInfo, list, "AppendToTimeline")
        timeline = self._project.timeline
        placed = []
        for entry in clipInfo:
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
            # endFrame: inclusive on Resolve 18, exclusive from 19 on
            duration = entry["endFrame"] - entry["startFrame"] + (1 if timeline.version < (19,) else 0)
            start = entry["recordFrame"]
            if any(other.GetStart() < start + duration and start < other.GetEnd() for other in timeline.tracks[track - 1]):
                return []
            item = timeline.item(clip, start, entry["startFrame"], duration)
            timeline.tracks[track - 1].append(item)
            placed.append(item)
        return placed


class Project(_RemoteObject):
    def __init__(self, timeline: Timeline):
        self.timeline = timeline
        self.media_pool = MediaPool(self)

    def GetCurrentTimeline(self) -> Timeline:
        return self.timeline

    def GetMediaPool(self) -> MediaPool:
        return self.media_pool


class ProjectManager(_RemoteObject):
    def __init__(self, project: Optional[Project]):
        self.project = project

    def GetCurrentProject(self) -> Optional[Project]:
        return self.project


class Resolve(_RemoteObject):
    """The ``resolve`` object. Test setup: ``Resolve.with_shot(...)`` builds a project with one item."""

    def __init__(self, project: Optional[Project], version: tuple = (19, 1, 3), build: int = 7):
        self._manager, self._version, self._build = ProjectManager(project), version, build

    def GetProjectManager(self) -> ProjectManager:
        return self._manager

    def GetProductName(self) -> str:
        return "DaVinci Resolve"

    def GetVersion(self) -> list:
        """``[major, minor, patch, build, suffix]``."""
        return [*self._version, self._build, ""]

    def GetVersionString(self) -> str:
        return ".".join(str(n) for n in (*self._version, self._build))

    @classmethod
    def with_shot(cls, file_path: str, first: int, last: int, *, record_start: int, source_offset: int,
                  duration: int, fps: float = 24.0, version: str = "19.1.3",
                  start_tc: str = "00:00:00:00") -> "Resolve":
        """Resolve ``version`` with a timeline at ``fps`` whose video track 1 holds frames
        ``first+source_offset ...`` of a sequence clip (start timecode ``start_tc``) at ``record_start``;
        the playhead is over it."""
        numbers = tuple(int(part) for part in version.split("."))
        timeline = Timeline("Edit v1", fps, numbers)
        clip = MediaPoolItem(os.path.basename(file_path), file_path, first, last, fps, start_tc)
        timeline.tracks[0].append(timeline.item(clip, record_start, source_offset, duration))
        timeline.playhead = record_start + duration // 2
        project = Project(timeline)
        project.media_pool.root.clips.append(clip)
        return cls(project, numbers)
