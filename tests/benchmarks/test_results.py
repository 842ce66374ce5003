"""Results documents: comparing two runs (direction-aware verdicts) and refusing files that are not results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchkit.errors import ResultsFileError
from benchkit.records import metric, stage
from benchkit.results import SCHEMA, compare, load_results, make_results, save_results


def doc_with(fps: float, jitter: float, size: float) -> dict:
    result = {"stages": [stage("analysis", 100, 100 / fps, "1080p, 1 face", 40.0)],
              "metrics": [metric("jitter", jitter, "% IOD"), metric("tracks", size, "tracks", better="higher")]}
    return make_results({"host": "test host"}, True, {"analysis": {"status": "ok", "result": result}}, 0.0)


def test_compare_judges_each_figure_in_its_own_direction():
    rows = {r["name"]: r for r in compare(doc_with(50.0, 0.2, 3.0), doc_with(40.0, 0.1, 3.0))}
    assert rows["analysis"]["ratio"] == pytest.approx(1.25) and rows["analysis"]["verdict"] == "better"
    assert rows["jitter"]["ratio"] == pytest.approx(2.0) and rows["jitter"]["verdict"] == "worse"  # lower is better
    assert rows["tracks"]["ratio"] == 1.0 and rows["tracks"]["verdict"] == "same"


def test_saved_results_load_back_and_other_files_are_refused(tmp_path: Path):
    doc = doc_with(45.0, 0.1, 1.0)
    path = save_results(doc, tmp_path)
    assert path.name == "19700101T000000Z-test_host.json"  # timestamp and a file-safe host name
    assert load_results(path) == load_results(tmp_path / "latest.json") == json.loads(json.dumps(doc))
    assert load_results(path)["schema"] == SCHEMA
    (tmp_path / "other.json").write_text(json.dumps({"schema": "NedAnalysis.1"}))
    (tmp_path / "text.json").write_text("not json")
    for bad, words in (("other.json", "NedAnalysis.1"), ("text.json", "not JSON"), ("missing.json", "cannot read")):
        with pytest.raises(ResultsFileError, match=words):
            load_results(tmp_path / bad)
