"""The exported analysis document: NedAnalysis.2 read back, NedAnalysis.1 upgraded, bad files named."""

from __future__ import annotations

import json

import pytest

from ned_core.exceptions import AnalysisFormatError
from ned_core.pipeline.export import read_analysis

OLD = {"schema": "NedAnalysis.1", "source": {"path": "/shots/a.####.exr", "frames": "1001-1010"},
       "source_hash": "abc", "channels": ["jaw_open"], "default_track": 0,
       "tracks": [{"id": 0, "shot": 0, "first_frame": 1001, "last_frame": 1010, "frames_with_face": 10,
                   "mean_residual": 1.2, "file": "track_0.npz"}]}


def test_version_1_is_read_as_version_2(tmp_path):
    (tmp_path / "analysis.json").write_text(json.dumps(OLD))
    doc = read_analysis(tmp_path)
    assert doc["schema"] == "NedAnalysis.2" and doc["shots"] == []
    assert doc["tracks"] == [{**OLD["tracks"][0], "interpolated_frames": 0, "mean_confidence": None,
                              "held_frames": 0, "mixed_frames": 0}]
    assert doc["source"] == OLD["source"] and doc["default_track"] == 0


def test_version_2_reads_as_written(tmp_path):
    new = {**OLD, "schema": "NedAnalysis.2", "shots": [{"shot": 0, "first_frame": 1001, "last_frame": 1010,
                                                      "starts_with": "start", "faces": True}],
           "tracks": [{**OLD["tracks"][0], "interpolated_frames": 2, "held_frames": 1, "mixed_frames": 3,
                       "mean_confidence": 0.9}]}
    (tmp_path / "analysis.json").write_text(json.dumps(new))
    assert read_analysis(tmp_path / "analysis.json") == new


def test_version_2_written_before_held_and_mixed_frames_reads_with_none(tmp_path):
    """``held_frames`` (why frames were bridged) and ``mixed_frames`` (frames in a dissolve's mix) came later in
    NedAnalysis.2: older documents read with 0."""
    older = {**OLD, "schema": "NedAnalysis.2", "shots": [],
             "tracks": [{**OLD["tracks"][0], "interpolated_frames": 2, "mean_confidence": 0.9}]}
    (tmp_path / "analysis.json").write_text(json.dumps(older))
    assert read_analysis(tmp_path)["tracks"] == [{**older["tracks"][0], "held_frames": 0, "mixed_frames": 0}]


@pytest.mark.parametrize("content, words", [("{not json", "cannot read"), ('{"schema": "NedAnalysis.9"}', "9")])
def test_unreadable_or_unknown_documents_are_named(tmp_path, content, words):
    (tmp_path / "analysis.json").write_text(content)
    with pytest.raises(AnalysisFormatError, match=words) as err:
        read_analysis(tmp_path)
    assert "analysis.json" in str(err.value)
    with pytest.raises(AnalysisFormatError, match="cannot read"):
        read_analysis(tmp_path / "missing")
