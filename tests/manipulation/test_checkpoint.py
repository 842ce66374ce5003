"""Checkpoints: written atomically, read back to the same networks, clear errors for bad files."""

import pytest
import torch

from ned_core.exceptions import CheckpointFormatError
from ned_core.manipulation.checkpoint import TrainingState, load_checkpoint, save_checkpoint
from ned_core.manipulation.load import load_manipulator


def test_round_trip_gives_the_same_outputs(tmp_path, untrained):
    path = save_checkpoint(tmp_path / "m.pt", untrained, 42, {"created_by": "test"})
    loaded = load_checkpoint(path)
    assert loaded.step == 42 and loaded.provenance == {"created_by": "test"} and loaded.training is None
    assert loaded.model.config == untrained.config and loaded.model.space == untrained.space
    s, z, y = torch.randn(3, 10, 27), torch.randn(3, 4), torch.tensor([1, 5, 6])
    with torch.no_grad():
        torch.testing.assert_close(loaded.model.translator(s, untrained.mapping(z, y)),
                                   untrained.translator(s, untrained.mapping(z, y)), rtol=0, atol=0)
        torch.testing.assert_close(loaded.model.style_encoder(s), untrained.style_encoder(s), rtol=0, atol=0)
        torch.testing.assert_close(loaded.model.discriminator(s, y), untrained.discriminator(s, y), rtol=0, atol=0)
    assert not list(tmp_path.glob(".m.pt.partial-*"))  # no temporary left behind


def test_training_state_travels_with_the_checkpoint(tmp_path, untrained):
    optimiser = torch.optim.Adam(untrained.translator.parameters())
    untrained.translator(torch.randn(2, 10, 27), torch.randn(2, 16)).sum().backward()
    optimiser.step()
    state = TrainingState({"steps": 5}, {"translator": optimiser.state_dict()}, {"train": {"step": [5]}})
    loaded = load_manipulator(save_checkpoint(tmp_path / "t.pt", untrained, 5, {}, state))
    assert loaded.training.config == {"steps": 5} and loaded.training.history == {"train": {"step": [5]}}
    restored = torch.optim.Adam(loaded.model.translator.parameters())
    restored.load_state_dict(loaded.training.optimisers["translator"])
    assert restored.state_dict()["state"][0]["exp_avg"].abs().sum() > 0


def test_bad_files_are_named(tmp_path, untrained):
    with pytest.raises(CheckpointFormatError, match="not found"):
        load_manipulator(tmp_path / "none.pt")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x00garbage")
    with pytest.raises(CheckpointFormatError, match="not a readable torch checkpoint"):
        load_manipulator(junk)
    other = tmp_path / "other.pt"
    torch.save({"format": "Other.3", "weights": torch.zeros(2)}, other)
    with pytest.raises(CheckpointFormatError, match="Other.3"):
        load_checkpoint(other)
    good = save_checkpoint(tmp_path / "good.pt", untrained, 1, {})
    doc = torch.load(good, weights_only=True)
    doc["nets"]["translator"]["head.4.weight"] = torch.zeros(3, 3)
    torch.save(doc, tmp_path / "bent.pt")
    with pytest.raises(CheckpointFormatError, match="translator weights do not fit"):
        load_checkpoint(tmp_path / "bent.pt")
