"""EvalResults JSON: strict JSON that round-trips, and clear errors for foreign documents."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ned_core.evaluate.config import EvalConfig
from ned_core.evaluate.measure import measure_shot
from ned_core.evaluate.results import from_json, to_json
from ned_core.exceptions import EvalResultsFormatError



def _assert_same(a, b):
    assert a.shot == b.shot and a.target_emotion == b.target_emotion and a.notes == b.notes
    assert a.summary == b.summary
    for name in ("frames", "fapd", "apd", "mapd", "mouth_source", "mouth_result", "speech",
                 "lip_error", "flicker_source", "flicker_result"):
        x, y = getattr(a.series, name), getattr(b.series, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y)
    assert (a.series.emotion is None) == (b.series.emotion is None)


def test_round_trip_with_nan_and_missing_series(tmp_path, make_shot):
    results = measure_shot(make_shot(), EvalConfig())
    assert np.isnan(results.series.lip_error).any()  # pauses are not speech frames
    path = tmp_path / "r.json"
    path.write_text(to_json(results))
    text = path.read_text()
    assert "NaN" not in text  # strict JSON for other tools
    back = from_json(text)
    _assert_same(results, back)
    assert json.loads(text)["schema"] == "EvalResults.1"


def test_foreign_documents_are_refused(make_shot):
    with pytest.raises(EvalResultsFormatError, match="not JSON"):
        from_json("{nope")
    with pytest.raises(EvalResultsFormatError, match="EvalResults.1"):
        from_json(json.dumps({"schema": "JobSpec.1"}))
    doc = json.loads(to_json(measure_shot(make_shot(), EvalConfig())))
    del doc["summary"]["fapd"]
    with pytest.raises(EvalResultsFormatError, match="malformed"):
        from_json(json.dumps(doc))
