"""`ned eval shot --track all` / `ned render --track all` on a two-face still: every face measured, bad ids listed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ned_core.cli.main import cli
from ned_core.evaluate import results


@pytest.fixture(scope="module")
def pair(pair_still) -> str:
    return str(pair_still)


def test_eval_track_all_measures_every_face(pair, tmp_path):
    result = CliRunner().invoke(cli, ["eval", "shot", pair, "--emotion", "happy", "--track", "all", "--no-cache",
                                      "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    faces = json.loads(result.stdout)["faces"]
    assert sorted(faces) == ["0", "1"]
    measured = {face: results.from_dict(doc) for face, doc in faces.items()}
    for face, m in measured.items():
        assert m.summary.fapd > 0.5, f"face {face} not edited"  # each face's own pixels changed
        assert len(m.series.fapd) == 1  # the still's one frame
        assert (tmp_path / f"track{face}" / "eval.json").is_file()
    assert measured["0"].summary.fapd != measured["1"].summary.fapd  # two faces measured, not one twice


@pytest.mark.parametrize("command", ["render", "eval"])
def test_unknown_track_exits_2_listing_the_ids(pair, tmp_path, command):
    args = (["render", pair, "--emotion", "happy", "--out", str(tmp_path / "out"), "--quiet"] if command == "render"
            else ["eval", "shot", pair, "--emotion", "happy"])
    result = CliRunner().invoke(cli, [*args, "--track", "7", "--no-cache"])
    assert result.exit_code == 2
    assert "no face track 7" in result.stderr and "tracks: [0, 1]" in result.stderr
    assert not list((tmp_path / "out").glob("*.exr"))


def test_track_neither_id_nor_all_is_a_usage_error(pair, tmp_path):
    result = CliRunner().invoke(cli, ["render", pair, "--emotion", "happy", "--out", str(tmp_path), "--track", "x"])
    assert result.exit_code == 2 and "neither an id" in result.output
