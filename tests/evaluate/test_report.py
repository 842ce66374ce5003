"""Report files: terminal table, JSON and a self-contained HTML page with the plots."""

from __future__ import annotations

import base64
import re

import numpy as np

from ned_core.evaluate.config import EvalConfig
from ned_core.evaluate.contact import contact_sheet
from ned_core.evaluate.measure import ShotInputs, landmark_boxes, measure_shot
from ned_core.evaluate.report import format_table, write_report
from ned_core.evaluate.results import from_json


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _edited_shot(make_shot):
    shot = make_shot(t=36, size=128)
    res = shot.result.astype(np.int16)
    res[..., 1] += (8 * shot.masks).astype(np.int16)
    return ShotInputs(shot.source, res.clip(0, 255).astype(np.uint8), shot.masks, shot.source_landmarks,
                      shot.result_landmarks, shot.frames, shot.name)


def test_table_shows_values_and_paper_figures(make_shot):
    results = measure_shot(_edited_shot(make_shot), EvalConfig())
    table = format_table(results)
    assert table.isascii()
    fapd_line = next(line for line in table.splitlines() if line.startswith("FAPD"))
    assert f"{results.summary.fapd:.2f}" in fapd_line and "17.9" in fapd_line and "42.3" in fapd_line
    assert "47.1" in next(line for line in table.splitlines() if line.startswith("FID"))
    assert "user study" not in table  # unverified transcriptions are not printed as the paper's figures
    assert "note: identity distance and FID not measured" in table


def test_write_report_files(tmp_path, make_shot):
    shot = _edited_shot(make_shot)
    results = measure_shot(shot, EvalConfig())
    sheet = contact_sheet(shot.source, shot.result, landmark_boxes(shot.source_landmarks), shot.frames, count=3)
    files = write_report(results, tmp_path / "out", sheet)
    for path in (files.table, files.json, files.html, *files.images):
        assert path.is_file() and path.stat().st_size > 0
    assert sorted(p.name for p in files.images) == [
        "eval_contact.png", "eval_distance.png", "eval_flicker.png", "eval_mouth.png"]
    for png in files.images:
        assert png.read_bytes().startswith(PNG_MAGIC)
    assert not list((tmp_path / "out").glob(".*partial*"))  # no temporary files left behind

    page = files.html.read_text()
    embedded = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(embedded) == len(files.images)
    assert {base64.b64decode(e) for e in embedded} == {p.read_bytes() for p in files.images}
    assert "Contact sheet" in page and "17.9" in page

    back = from_json(files.json.read_text())
    assert back.summary == results.summary
    assert files.table.read_text() == format_table(results)


def test_emotion_plot_is_written_when_measured(tmp_path, classifier, make_shot):
    shot = _edited_shot(make_shot)
    results = measure_shot(shot, EvalConfig(), classifier=classifier, target_emotion="happy")
    files = write_report(results, tmp_path, stem="happy")
    assert (tmp_path / "happy_emotion.png").read_bytes().startswith(PNG_MAGIC)
    assert "Emotion probabilities" in files.html.read_text()
