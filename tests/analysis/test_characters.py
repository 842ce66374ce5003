"""Grouping tracks into characters: same person across cuts joins, two faces at once never do; artist edits."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ned_core.analysis.characters import TrackIdentity, apply_edits, group_tracks, read_edits
from ned_core.exceptions import CharacterEditError, NoCharacterError

RNG = np.random.default_rng(0)
PERSON = {name: RNG.normal(0, 0.09, 128).astype(np.float32) for name in "ABC"}  # ~1.0 apart, like dlib's


def _track(tid, first, last, person, noise=0.02):
    vec = PERSON[person] + RNG.normal(0, noise / np.sqrt(128), 128).astype(np.float32)
    return TrackIdentity(tid, np.arange(first, last + 1), vec)


@pytest.fixture()
def shots():
    """A in shot 1 (track 0), B in shot 2 (1), A again in shot 3 (2) beside C (3), A once more later (4)."""
    return [_track(0, 1, 10, "A"), _track(1, 11, 20, "B"), _track(2, 21, 30, "A"), _track(3, 21, 30, "C"),
            _track(4, 31, 40, "A")]


def test_same_person_across_cuts_is_one_character_numbered_by_first_frame(shots):
    chars = group_tracks(shots)
    assert [c.track_ids for c in chars.characters] == [(0, 2, 4), (1,), (3,)]
    assert chars.character(1).track_ids == (1,) and chars.of_track(4) == 0
    assert "average linkage" in chars.method


def test_two_faces_at_the_same_frames_are_never_one_character():
    twins = [_track(0, 1, 10, "A"), _track(1, 5, 15, "A"), _track(2, 20, 30, "A")]
    chars = group_tracks(twins)
    for c in chars.characters:
        frames = np.concatenate([twins[t].frames for t in c.track_ids])
        assert len(frames) == len(np.unique(frames)), c
    assert len(chars.characters) == 2


def test_a_track_without_descriptor_stays_alone(shots):
    shots[4] = TrackIdentity(4, shots[4].frames, None)
    assert (4,) in [c.track_ids for c in group_tracks(shots).characters]


def test_unknown_character_lists_the_ids(shots):
    with pytest.raises(NoCharacterError, match=r"no character 9; characters: \[0, 1, 2\]"):
        group_tracks(shots).character(9)


def test_split_then_merge_is_recorded(shots, tmp_path):
    path = tmp_path / "edits.json"
    path.write_text(json.dumps({"schema": "NedCharacterEdits.1", "split": [4], "merge": [[1, 3]]}))
    edits = read_edits(path)
    chars = apply_edits(group_tracks(shots), shots, edits)
    assert [c.track_ids for c in chars.characters] == [(0, 2), (1, 3), (4,)]
    assert chars.edits == edits


def test_edits_naming_unknown_ids_list_them(shots, tmp_path):
    edits = {"schema": "NedCharacterEdits.1", "split": [7], "merge": [[0, 12]]}
    with pytest.raises(CharacterEditError, match=r"unknown track ids \[7, 12\]; tracks: \[0, 1, 2, 3, 4\]"):
        apply_edits(group_tracks(shots), shots, edits)


def test_merge_of_overlapping_tracks_is_refused(shots):
    with pytest.raises(CharacterEditError, match="tracks 2 and 3"):
        apply_edits(group_tracks(shots), shots, {"schema": "NedCharacterEdits.1", "split": [], "merge": [[0, 3]]})


@pytest.mark.parametrize("text, message", [
    ("{", "not a readable JSON"),
    ('{"merge": [[0, 1]]}', "NedCharacterEdits.1"),
    ('{"schema": "NedCharacterEdits.1", "merge": [0, 1]}', "list of lists"),
])
def test_bad_edit_files(tmp_path, text, message):
    path = tmp_path / "edits.json"
    path.write_text(text)
    with pytest.raises(CharacterEditError, match=message):
        read_edits(path)
