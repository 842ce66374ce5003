"""The Resolve script against the fake Resolve API and a real render node: item → job → imported, placed plates."""

from __future__ import annotations

import os

import pytest
from fake_resolve import Resolve
from ned_protocol.host_connection import NodeSettings
from ned_resolve.errors import NoShotError
from ned_resolve.main import Choices, main, parse_flags, run
from ned_resolve.timeline import current_shot, source_pattern


def test_source_pattern_reads_resolve_sequence_paths():
    assert source_pattern("/s/plate.[1001-1096].exr") == ("/s/plate.####.exr", 1001)
    assert source_pattern("/s/take 3.mov") == ("/s/take 3.mov", 0)


#: Resolve versions with different API behaviour: no GetSourceStartFrame before 19.0.2, AppendToTimeline's
#: endFrame exclusive from 19 on; clips whose start timecode is not zero.
VERSIONS = [("18.1.4", "00:00:00:00"), ("19.0.1", "01:00:00:00"), ("19.0.2", "01:00:00:00"),
            ("19.1.3", "00:00:00:00"), ("21.0.0", "00:00:41:17")]


@pytest.mark.parametrize("version, start_tc", VERSIONS)
def test_the_item_under_the_playhead_gives_source_frames_and_fps(shot_dir, version, start_tc):
    resolve = Resolve.with_shot(str(shot_dir / "plate.[1001-1005].png"), 1001, 1005, record_start=86400,
                                source_offset=1, duration=3, fps=25.0, version=version, start_tc=start_tc)
    shot = current_shot(resolve)
    assert (shot.source_path, shot.source_first, shot.source_last) == (str(shot_dir / "plate.####.png"), 1002, 1004)
    assert (shot.track, shot.record_start, shot.fps) == (1, 86400, 25.0)
    resolve.GetProjectManager().GetCurrentProject().GetCurrentTimeline().playhead = 0
    with pytest.raises(NoShotError, match="no video item under the playhead"):
        current_shot(resolve)


def test_resolve_before_18_is_refused_with_the_supported_versions(shot_dir):
    from ned_resolve.errors import NedResolveError

    resolve = Resolve.with_shot(str(shot_dir / "plate.[1001-1005].png"), 1001, 1005, record_start=0,
                                source_offset=0, duration=5, version="17.4.6")
    with pytest.raises(NedResolveError, match=r"Resolve 17\.4\.6.* 18 or later"):
        current_shot(resolve)


@pytest.mark.parametrize("version, start_tc", VERSIONS)
def test_render_imports_the_plates_into_the_ned_bin_above_the_source_in_sync(real_node, shot_dir, tmp_path, version,
                                                                             start_tc):
    node, _, out = real_node
    resolve = Resolve.with_shot(str(shot_dir / "plate.[1001-1005].png"), 1001, 1005, record_start=86400,
                                source_offset=1, duration=3, version=version, start_tc=start_tc)
    choices = Choices(emotion="sad", intensity=0.7, reference="", output_dir=str(out / tmp_path.name),
                      node=NodeSettings(node.address))
    lines = []
    placed = run(resolve, choices, lines.append)
    assert sorted(os.listdir(out / tmp_path.name)) == [f"plate_ned.{n}.exr" for n in (1002, 1003, 1004)]
    project = resolve.GetProjectManager().GetCurrentProject()
    bins = project.GetMediaPool().GetRootFolder().GetSubFolderList()
    assert [b.GetName() for b in bins] == ["NED"] and len(bins[0].GetClipList()) == 1
    clip = bins[0].GetClipList()[0]
    assert clip.GetClipProperty("File Path") == str(out / tmp_path.name / "plate_ned.[1002-1004].exr")
    timeline = project.GetCurrentTimeline()
    assert timeline.GetTrackCount("video") == 2 and timeline.GetItemListInTrack("video", 2) == [placed]
    assert (placed.GetStart(), placed.GetDuration(), placed.GetLeftOffset()) == (86400, 3, 0)  # frame for frame
    assert any("job" in line for line in lines) and "video track 2 at frame 86400" in lines[-1]
    import OpenImageIO as oiio

    spec = oiio.ImageInput.open(str(out / tmp_path.name / "plate_ned.1003.exr")).spec()
    assert (spec.x, spec.y, spec.width, spec.height) == (0, 0, 256, 256)  # full-frame plates for Resolve


def test_flags_and_failure_exit_status(shot_dir, real_node, capsys):
    node, _, out = real_node
    choices = parse_flags(["--emotion", "angry", "--intensity", "1.2", "--node", node.address])
    assert (choices.emotion, choices.intensity, choices.full_frame) == ("angry", 1.2, True)
    units = parse_flags(["--unit", "jaw_open=0.2", "--unit", "blink_L=-1"]).units
    assert units == (("jaw_open", 0.2), ("blink_L", -1.0))
    with pytest.raises(SystemExit):
        parse_flags(["--unit", "jaw_open=1.6"])
    assert "jaw_open = 1.6 is out of range; give a number in -1.5..1.5" in capsys.readouterr().err
    resolve = Resolve.with_shot(str(shot_dir / "plate.[1001-1005].png"), 1001, 1005, record_start=0,
                                source_offset=0, duration=5)
    # default output folder lies next to the source, outside the node's output roots: the node refuses it
    assert main(resolve, ["--node", node.address]) == 1
    assert "NED job failed" in capsys.readouterr().out


def test_a_ned_clip_above_the_shot_is_skipped_for_the_source_item_below(tmp_path):
    from fake_resolve import MediaPoolItem, TimelineItem

    resolve = Resolve.with_shot(str(tmp_path / "plate.[1001-1005].png"), 1001, 1005, record_start=100,
                                source_offset=1, duration=3)
    project = resolve.GetProjectManager().GetCurrentProject()
    timeline = project.GetCurrentTimeline()
    timeline.AddTrack("video")
    timeline.AddTrack("video")
    renamed = MediaPoolItem("grade v2", str(tmp_path / "ned" / "final.[1002-1004].exr"), 1002, 1004)
    project.GetMediaPool().AddSubFolder(project.GetMediaPool().GetRootFolder(), "NED").clips.append(renamed)
    named = MediaPoolItem("x", str(tmp_path / "o" / "plate_ned.[1002-1004].exr"), 1002, 1004)
    timeline.tracks[1].append(TimelineItem(named, 100, 0, 3))    # NED output by its file name
    timeline.tracks[2].append(TimelineItem(renamed, 100, 0, 3))  # NED output by its bin
    shot = current_shot(resolve)
    assert (shot.track, shot.source_path, shot.source_first) == (1, str(tmp_path / "plate.####.png"), 1002)
    timeline.tracks[0].clear()
    with pytest.raises(NoShotError, match="only NED plate clips"):
        current_shot(resolve)


def test_rerunning_over_a_shot_with_a_ned_clip_renders_the_source_and_stacks_the_new_clip(real_node, shot_dir,
                                                                                           tmp_path):
    node, _, out = real_node
    resolve = Resolve.with_shot(str(shot_dir / "plate.[1001-1005].png"), 1001, 1005, record_start=50,
                                source_offset=0, duration=2)
    first = run(resolve, Choices("sad", 1.0, "", str(out / tmp_path.name / "a"), NodeSettings(node.address)),
                lambda line: None)
    lines = []
    second = run(resolve, Choices("happy", 1.0, "", str(out / tmp_path.name / "b"), NodeSettings(node.address)),
                 lines.append)
    timeline = resolve.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    assert timeline.GetItemListInTrack("video", 2) == [first] and timeline.GetItemListInTrack("video", 3) == [second]
    assert second.GetMediaPoolItem().GetClipProperty("File Path") == str(out / tmp_path.name / "b" /
                                                                         "plate_ned.[1001-1002].exr")
    assert any("for plate.[1001-1005].png frames 1001-1002" in line for line in lines)
    assert "video track 3 at frame 50" in lines[-1]


def test_start_timecodes_count_in_frames_drop_frame_included():
    from ned_resolve.timecode import timecode_frames

    assert timecode_frames("01:00:00:00", 24.0) == 86400 and timecode_frames("", 25.0) == 0
    assert timecode_frames("00:00:41:17", 24.0) == 1001
    assert timecode_frames("01:00:00;00", 29.97) == 107892  # SMPTE drop-frame: 108000 - 108 dropped numbers
    assert timecode_frames("00:01:00;02", 29.97) == 1800    # 00:01:00;00 and ;01 do not exist
    with pytest.raises(ValueError, match="not a valid timecode"):
        timecode_frames("00:00:00:30", 30.0)


def test_a_clip_placed_with_the_wrong_length_is_taken_off_again_and_said(tmp_path):
    """Should a Resolve version count endFrame otherwise than its major version says, nothing wrong stays."""
    from ned_resolve.errors import ImportPlatesError
    from ned_resolve.media import import_and_place

    for frame in (1002, 1003, 1004):
        (tmp_path / f"plate_ned.{frame}.exr").write_bytes(b"")
    resolve = Resolve.with_shot(str(tmp_path / "plate.[1001-1005].png"), 1001, 1005, record_start=100,
                                source_offset=1, duration=3, version="20.0.0")
    shot = current_shot(resolve)
    timeline = resolve.GetProjectManager().GetCurrentProject().GetCurrentTimeline()
    timeline.version = (18, 2, 0)  # this timeline places clips as Resolve 18 does: endFrame inclusive
    with pytest.raises(ImportPlatesError, match=r"Resolve 20\.0\.0\.7 placed .* with 4 frames instead of 3"):
        import_and_place(resolve, shot, str(tmp_path), "plate_ned.####.exr")
    assert timeline.GetTrackCount("video") == 2 and timeline.GetItemListInTrack("video", 2) == []
    bins = resolve.GetProjectManager().GetCurrentProject().GetMediaPool().GetRootFolder().GetSubFolderList()
    assert [clip.GetName() for clip in bins[0].GetClipList()] == ["plate_ned.[1002-1004]"]


def test_analysed_faces_and_every_face_through_the_node(real_node, shot_dir, tmp_path):
    from ned_resolve.main import analyse_faces

    node, _, out = real_node
    resolve = Resolve.with_shot(str(shot_dir / "plate.[1001-1005].png"), 1001, 1005, record_start=0,
                                source_offset=0, duration=2)
    result = analyse_faces(resolve, NodeSettings(node.address))
    assert [t["id"] for t in result["tracks"]] == [0] and [c["tracks"] for c in result["characters"]] == [[0]]
    choices = Choices(emotion="happy", intensity=1.0, reference="", output_dir=str(out / tmp_path.name),
                      node=NodeSettings(node.address), face="all faces")
    run(resolve, choices, lambda line: None)
    import OpenImageIO as oiio

    spec = oiio.ImageInput.open(str(out / tmp_path.name / "plate_ned.1001.exr")).spec()
    assert {"track0.R", "track0.A", "facemask.A"} <= set(spec.channelnames)


@pytest.mark.parametrize("flag, face", [("all", "all faces"), ("character 2", "character 2"), ("3", "3")])
def test_face_flag(flag, face):
    assert parse_flags(["--face", flag]).face == face


def test_a_bad_face_flag_is_a_usage_error():
    with pytest.raises(SystemExit):
        parse_flags(["--face", "everyone"])
