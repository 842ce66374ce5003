"""Official NED manipulator checkpoints: a file in that layout (built here, random weights) imports and runs.

The layout (entry and key names, shapes, domain order) is the one documented in
``ned_core/manipulation/official_import.py``. The expected outputs are computed here straight
from the raw tensors, so a wrong key mapping, style position or domain order fails.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner

from ned_core.cli.main import cli
from ned_core.direct.config import DirectConfig
from ned_core.direct.schedule import EmotionKey, EmotionSchedule
from ned_core.direct.spec import parse_emotion_spec
from ned_core.exceptions import ExpressionSpaceMismatchError, OfficialCheckpointError, ScheduleTargetError
from ned_core.face3d.channels import EMOTIONS
from ned_core.manipulation.director import load_learned_director
from ned_core.manipulation.load import load_manipulator
from ned_core.manipulation.official_import import import_official_checkpoint
from ned_core.manipulation.space import FLAME_SPACE, OFFICIAL_EMOTIONS


def _run(state, x, final):
    """The official network's forward from raw tensors: seq1 (ReLUs) -> biLSTM -> seq2 -> (N, out)."""
    h = F.relu(F.linear(x, state["seq1.0.weight"], state["seq1.0.bias"]))
    h = F.relu(F.linear(h, state["seq1.2.weight"], state["seq1.2.bias"]))
    lstm = torch.nn.LSTM(h.shape[-1], state["LSTM.weight_hh_l0"].shape[1], 2, batch_first=True, bidirectional=True)
    lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("LSTM.")})
    h, _ = lstm(h)
    h = F.relu(F.linear(h, state["seq2.0.weight"], state["seq2.0.bias"]))
    h = F.relu(F.linear(h, state["seq2.2.weight"], state["seq2.2.bias"]))
    return final(F.linear(h, state["seq2.4.weight"], state["seq2.4.bias"]))


def _official_mapping(state, z, k):
    h = z
    for i in (0, 2, 4):
        h = F.relu(F.linear(h, state[f"shared.{i}.weight"], state[f"shared.{i}.bias"]))
    h = F.relu(F.linear(h, state[f"unshared.{k}.0.weight"], state[f"unshared.{k}.0.bias"]))
    return F.linear(h, state[f"unshared.{k}.2.weight"], state[f"unshared.{k}.2.bias"])


@pytest.fixture(scope="module")
def official_file(tmp_path_factory, official_doc):
    path = tmp_path_factory.mktemp("official") / "20_nets_finetuned.pth"
    doc = official_doc(prefix="module.")  # as saved from nn.DataParallel
    torch.save(doc, path)
    return path, {n: {k.removeprefix("module."): v for k, v in s.items()} for n, s in doc.items()}


@torch.no_grad()
def test_imported_networks_compute_what_the_official_ones_do(official_file):
    path, raw = official_file
    model = load_manipulator(path).model
    assert model.space.channel_names == FLAME_SPACE.channel_names and model.space.emotions == EMOTIONS
    assert model.config.translator_width == 512 and model.config.expr_dim == 51
    x, z = torch.randn(2, 10, 51), torch.randn(2, 4)
    for emotion in EMOTIONS:
        ours, theirs = EMOTIONS.index(emotion), OFFICIAL_EMOTIONS.index(emotion)
        d = model.mapping(z, torch.tensor([ours, ours]))
        torch.testing.assert_close(d, _official_mapping(raw["mapping_network"], z, theirs))
        score = model.discriminator(x, torch.tensor([ours, ours]))
        torch.testing.assert_close(score, _run(raw["discriminator"], x, lambda o: o.mean(1))[:, theirs])
    style = torch.randn(2, 16)
    official_input = torch.cat([x, style[:, None, :].expand(-1, 10, -1)], dim=2)  # frame first, then style
    torch.testing.assert_close(model.translator(x, style), _run(raw["generator"], official_input, lambda o: o),
                               rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(model.style_encoder(x), _run(raw["style_encoder"], x, lambda o: o.mean(1)))


def test_official_weights_direct_a_flame_sequence(official_file, tmp_path):
    path, _ = official_file
    converted = import_official_checkpoint(path, tmp_path / "ned.pt")
    rng = np.random.default_rng(0)
    expr = (rng.normal(size=(30, 51)) * 0.3).astype(np.float32)
    schedule = EmotionSchedule((EmotionKey(1001, (0, 1, 0, 0, 0, 0, 0), 1.0, 1),), 1001, 1030)
    for source in (path, converted):
        director = load_learned_director(source)
        out = director.direct(expr, schedule, seed=3)
        assert out.shape == (30, 51) and out.dtype == np.float32 and np.all(np.isfinite(out))
        assert director.metadata()["ned/direct/space"] == "flame"
    np.testing.assert_array_equal(load_learned_director(path).direct(expr, schedule, 3),
                                  load_learned_director(converted).direct(expr, schedule, 3))
    with pytest.raises(ExpressionSpaceMismatchError, match="51 channels"):
        load_learned_director(path).direct(np.zeros((30, 27), np.float32), schedule, 3)


def test_layouts_that_are_not_official_are_refused(tmp_path, official_doc):
    doc = official_doc(domains=3)
    torch.save(doc, tmp_path / "three.pth")
    with pytest.raises(OfficialCheckpointError, match="3 emotion domains"):
        load_manipulator(tmp_path / "three.pth")
    model = import_official_checkpoint(tmp_path / "three.pth", tmp_path / "three.pt", ("neutral", "happy", "sad"))
    assert load_manipulator(model).model.space.emotions == ("neutral", "happy", "sad")
    director, expr = load_learned_director(model), np.zeros((12, 51), np.float32)
    assert director.direct(expr, parse_emotion_spec("happy:0.5+sad:0.5", 0, 11, DirectConfig()), 0).shape == (12, 51)
    with pytest.raises(ScheduleTargetError, match="knows neutral, happy, sad"):
        director.direct(expr, parse_emotion_spec("angry", 0, 11, DirectConfig()), 0)
    del doc["generator"]["seq2.4.weight"]
    torch.save(doc, tmp_path / "broken.pth")
    with pytest.raises(OfficialCheckpointError, match="seq2.4.weight"):
        import_official_checkpoint(tmp_path / "broken.pth", tmp_path / "x.pt", ("neutral", "happy", "sad"))
    torch.save({"generator": {}}, tmp_path / "partial.pth")
    with pytest.raises(OfficialCheckpointError, match="not an official"):
        import_official_checkpoint(tmp_path / "partial.pth", tmp_path / "y.pt")


def test_import_official_command(official_file, tmp_path):
    path, _ = official_file
    result = CliRunner().invoke(cli, ["manipulator", "import-official", str(path), str(tmp_path / "ned.pt")])
    assert result.exit_code == 0 and "wrote" in result.output
    info = CliRunner().invoke(cli, ["manipulator", "info", str(tmp_path / "ned.pt")])
    assert "space flame (51 channels)" in info.output and "made by: official NED import" in info.output
    wrong = CliRunner().invoke(cli, ["manipulator", "import-official", str(path), str(tmp_path / "x.pt"),
                                     "--emotions", "neutral,happy"])
    assert wrong.exit_code == 2 and "7 emotion domains" in wrong.output
