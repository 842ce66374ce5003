"""`ned eval manipulator`: the report's figures printed and written as JSON for a checkpoint and a dataset."""

import json

from click.testing import CliRunner

from ned_core.cli.main import cli
from ned_core.manipulation.checkpoint import save_checkpoint
from ned_core.manipulation.config import sized_config
from ned_core.manipulation.model import build_manipulator
from ned_core.manipulation.space import EMBEDDED_SPACE
from ned_core.training.dataset import save_dataset
from ned_core.training.dataset_synthetic import synthetic_dataset


def test_report_text_and_json(tmp_path):
    data = save_dataset(synthetic_dataset(2, 2, 30, seed=3), tmp_path / "d.npz")
    ckpt = save_checkpoint(tmp_path / "m.pt", build_manipulator(sized_config("small", 27), EMBEDDED_SPACE, 0), 0, {})
    out = tmp_path / "report.json"
    text = CliRunner().invoke(cli, ["eval", "manipulator", str(ckpt), str(data), "--out", str(out), "--max-runs", "3"])
    assert text.exit_code == 0, text.output
    assert "target emotion recognised:" in text.output and "(chance 0.143)" in text.output
    assert "jaw Pearson correlation with the input" in text.output and "own-style translation" in text.output
    doc = json.loads(out.read_text())
    assert doc["schema"] == "NedManipulatorEval.1" and doc["runs"] == 3
    assert doc["translated_windows"] == 3 * 6 * (30 - 10 + 1)
    assert set(doc["losses"]) >= {"G/latent_cyc", "D/ref_real"}
    again = CliRunner().invoke(cli, ["eval", "manipulator", str(ckpt), str(data), "--json", "--max-runs", "3"])
    assert json.loads(again.output)["target_accuracy"] == doc["target_accuracy"]  # seeded


def test_eval_group_lists_its_subcommands():
    result = CliRunner().invoke(cli, ["eval", "--help"])
    assert result.exit_code == 0 and "manipulator" in result.output
