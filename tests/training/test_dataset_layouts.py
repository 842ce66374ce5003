"""Finding labelled videos: folder-per-label, MEAD (levels, contempt dropped), Aff-Wild2 annotation files."""

from pathlib import Path

import numpy as np
import pytest

from ned_core.exceptions import DatasetLayoutError
from ned_core.face3d.channels import EMOTIONS
from ned_core.training.dataset_layouts import find_videos, read_affwild2_annotation


def _touch(root: Path, *parts: str) -> Path:
    path = root.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_folder_layout_reads_labels_aliases_and_actor_folders(tmp_path):
    _touch(tmp_path, "happy", "a.mp4")
    _touch(tmp_path, "Surprise", "bob", "b.mov")
    _touch(tmp_path, "contempt", "c.mp4")
    _touch(tmp_path, "happy", "notes.txt")
    videos = find_videos("folder", tmp_path)
    assert sorted((v.path.name, v.label, v.actor) for v in videos) == [("a.mp4", "happy", ""),
                                                                        ("b.mov", "surprised", "bob")]
    _touch(tmp_path, "bored", "d.mp4")
    with pytest.raises(DatasetLayoutError, match="unknown emotion 'bored'"):
        find_videos("folder", tmp_path)


def test_mead_layout_selects_levels_and_always_keeps_neutral(tmp_path):
    for emotion, level in [("happy", 1), ("happy", 3), ("neutral", 1), ("contempt", 3), ("angry", 2)]:
        _touch(tmp_path, "M003", "video", "front", emotion, f"level_{level}", "001.mp4")
    _touch(tmp_path, "M003", "video", "left_30", "happy", "level_3", "001.mp4")
    _touch(tmp_path, "W009", "video", "front", "sad", "level_3", "002.mp4")
    got = {(v.actor, v.label, v.path.parent.name) for v in find_videos("mead", tmp_path)}
    assert got == {("M003", "happy", "level_3"), ("M003", "neutral", "level_1"), ("W009", "sad", "level_3")}
    got = {(v.label, v.path.parent.name) for v in find_videos("mead", tmp_path, levels=(1, 2), actors=("M003",))}
    assert got == {("happy", "level_1"), ("neutral", "level_1"), ("angry", "level_2")}


def test_affwild2_annotations_map_to_our_labels(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "12-24-1920x1080.txt").write_text("Neutral,Anger,Disgust,Fear,Happiness,Sadness,Surprise,Other\n"
                                               "0\n1\n2\n3\n4\n5\n6\n7\n-1\n")
    labels = read_affwild2_annotation(notes / "12-24-1920x1080.txt")
    names = ["neutral", "angry", "disgusted", "fear", "happy", "sad", "surprised"]
    np.testing.assert_array_equal(labels, [EMOTIONS.index(n) for n in names] + [-1, -1])
    (notes / "video5_left.txt").write_text("Neutral,Anger\n4\n")
    (notes / "video5_right.txt").write_text("Neutral,Anger\n5\n")
    videos_dir = tmp_path / "videos"
    _touch(videos_dir, "12-24-1920x1080.mp4")
    _touch(videos_dir, "video5.avi")
    videos = find_videos("affwild2", videos_dir, annotations=notes)
    assert [(v.path.name, v.side, v.annotation.name) for v in videos] == [
        ("12-24-1920x1080.mp4", None, "12-24-1920x1080.txt"), ("video5.avi", "left", "video5_left.txt"),
        ("video5.avi", "right", "video5_right.txt")]


def test_bad_layouts_are_explained(tmp_path):
    (tmp_path / "bad.txt").write_text("Neutral,Anger\n3\nhappy\n")
    with pytest.raises(DatasetLayoutError, match="line 3"):
        read_affwild2_annotation(tmp_path / "bad.txt")
    (tmp_path / "nohead.txt").write_text("3\n")
    with pytest.raises(DatasetLayoutError, match="header"):
        read_affwild2_annotation(tmp_path / "nohead.txt")
    with pytest.raises(DatasetLayoutError, match=r"bad.txt: no video named bad\.\*"):
        find_videos("affwild2", tmp_path, annotations=tmp_path)
    with pytest.raises(DatasetLayoutError, match="no labelled videos"):
        find_videos("mead", tmp_path)
    with pytest.raises(DatasetLayoutError, match="unknown layout"):
        find_videos("voxceleb", tmp_path)
