"""Training mechanics: exact resume, files written, fine-tuning (also from official weights), clear refusals."""

import json

import numpy as np
import pytest
import torch

from ned_core.exceptions import CheckpointFormatError, ExpressionSpaceMismatchError
from ned_core.manipulation.checkpoint import load_checkpoint, save_checkpoint
from ned_core.manipulation.space import FLAME_SPACE
from ned_core.training.config import TrainConfig
from ned_core.training.dataset import concat_clips
from ned_core.training.trainer import train_manipulator


def _config(steps, **kw):
    base = dict(steps=steps, batch_size=8, log_every=1, val_every=3, val_batches=1, checkpoint_every=3,
                keep_checkpoints=1, val_actors=("synth_a001",), num_threads=2)
    return TrainConfig(**{**base, **kw})


def _weights(path):
    return {f"{n}.{k}": v for n, net in load_checkpoint(path).model.nets().items() for k, v in net.state_dict().items()}


def test_resume_continues_exactly(tmp_path, small_set, tiny_sizes):
    events = []
    straight = train_manipulator(small_set, tmp_path / "a", _config(6), tiny_sizes, on_event=events.append)
    first = train_manipulator(small_set, tmp_path / "b", _config(3), tiny_sizes)
    resumed = train_manipulator(small_set, tmp_path / "b", _config(6), resume=first.checkpoint)
    a, b = _weights(straight.checkpoint), _weights(resumed.checkpoint)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert straight.history == resumed.history
    assert [e.step for e in events] == [1, 2, 3, 4, 5, 6] and events[-1].val is not None
    assert sorted(p.name for p in (tmp_path / "a" / "checkpoints").iterdir()) == ["latest.pt", "step_0000006.pt"]
    lines = [json.loads(x) for x in (tmp_path / "a" / "logs" / "train.jsonl").read_text().splitlines()]
    assert [x["kind"] for x in lines].count("train") == 6 and [x["step"] for x in lines if x["kind"] == "val"] == [3, 6]
    assert {"D/latent_real", "G/ref_mouth"} <= set(lines[0])
    assert len(list((tmp_path / "a" / "logs").glob("events.out.tfevents.*"))) == 1
    loaded = load_checkpoint(straight.checkpoint)
    assert loaded.step == 6 and loaded.provenance["origin"] == "new" and loaded.training.config["steps"] == 6


def test_other_seed_other_run(tmp_path, small_set, tiny_sizes):
    a = train_manipulator(small_set, tmp_path / "a", _config(2, val_every=0), tiny_sizes)
    b = train_manipulator(small_set, tmp_path / "b", _config(2, val_every=0, seed=1), tiny_sizes)
    assert not torch.equal(_weights(a.checkpoint)["translator.head.4.weight"],
                           _weights(b.checkpoint)["translator.head.4.weight"])


def _flame_dataset(frames=30):
    rng = np.random.default_rng(0)
    clips = [((rng.normal(size=(frames, 51)) * 0.2 + label * 0.05).astype(np.float32), np.full(frames, label),
              np.ones(frames, bool), f"actor{label % 2}", f"clip{label}") for label in range(7)]
    return concat_clips(FLAME_SPACE, clips, {"layout": "test"})


def test_fine_tune_official_weights_on_a_flame_dataset(tmp_path, official_doc):
    doc = official_doc()
    del doc["discriminator"]  # a test-only file: D starts fresh
    torch.save(doc, tmp_path / "20_nets.pth")
    config = _config(1, batch_size=4, val_every=0, val_actors=(), val_fraction=0.0)
    result = train_manipulator(_flame_dataset(), tmp_path / "ft", config, init_from=tmp_path / "20_nets.pth")
    loaded = load_checkpoint(result.checkpoint)
    assert loaded.model.space.name == "flame" and loaded.model.config.translator_width == 512
    assert loaded.provenance["origin"].startswith("init from")
    moved = loaded.model.translator.head[4].weight - doc["generator"]["seq2.4.weight"]
    assert 0 < moved.abs().max() < 1e-3  # one Adam step away from the official weights


def test_refusals_name_the_problem(tmp_path, small_set, untrained):
    with pytest.raises(ExpressionSpaceMismatchError, match="'embedded'.*'flame'"):
        train_manipulator(_flame_dataset(), tmp_path / "x", _config(1, val_every=0, val_actors=()),
                          init_from=save_checkpoint(tmp_path / "e.pt", untrained, 0, {}))
    with pytest.raises(CheckpointFormatError, match="no training state"):
        train_manipulator(small_set, tmp_path / "y", _config(2), resume=tmp_path / "e.pt")
