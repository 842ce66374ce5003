"""The four networks: shapes, the paper's sizes, style concatenation, per-domain outputs, seeded initialisation."""

import pytest
import torch

from ned_core.exceptions import ManipulatorConfigError
from ned_core.manipulation.config import ManipulatorConfig, sized_config
from ned_core.manipulation.model import Manipulator, build_manipulator
from ned_core.manipulation.space import EMBEDDED_SPACE, FLAME_SPACE


def test_shapes_follow_the_config(untrained):
    s = torch.randn(5, 10, 27)
    d = untrained.mapping(torch.randn(5, 4), torch.tensor([0, 1, 2, 3, 6]))
    assert d.shape == (5, 16)
    assert untrained.translator(s, d).shape == (5, 10, 27)
    assert untrained.style_encoder(s).shape == (5, 16)
    assert untrained.discriminator(s, torch.tensor([0, 1, 2, 3, 6])).shape == (5,)
    assert untrained.label_styles(torch.randn(2, 4)).shape == (2, 7, 16)


def test_paper_sizes_in_the_flame_space():
    model = Manipulator(ManipulatorConfig(expr_dim=51), FLAME_SPACE)
    t = model.translator
    assert t.frame_mlp[0].weight.shape == (512, 51 + 16) and t.head[4].weight.shape == (51, 1024)
    assert t.lstm.hidden_size == 512 and t.lstm.num_layers == 2 and t.lstm.bidirectional
    assert model.style_encoder.encoder.lstm.hidden_size == 128
    assert model.mapping.shared[0].weight.shape == (64, 4) and len(model.mapping.branches) == 7
    assert model.discriminator.encoder.head[4].weight.shape == (7, 64)


def test_style_changes_every_frame_of_the_translation(untrained):
    s = torch.randn(1, 10, 27)
    a = untrained.translator(s, torch.zeros(1, 16))
    b = untrained.translator(s, torch.ones(1, 16))
    assert torch.all((a - b).abs().sum(dim=2) > 0)


def test_mapping_and_discriminator_pick_the_asked_domain(untrained):
    z = torch.randn(3, 4)
    table = untrained.mapping.all_domains(z)
    y = torch.tensor([6, 0, 3])
    torch.testing.assert_close(untrained.mapping(z, y), table[torch.arange(3), y])
    s = torch.randn(3, 10, 27)
    every = untrained.discriminator.encoder(s)
    torch.testing.assert_close(untrained.discriminator(s, y), every[torch.arange(3), y])


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = (build_manipulator(sized_config("small", 27), EMBEDDED_SPACE, seed) for seed in (3, 3, 4))
    for (name, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert torch.equal(pa, pb), name
    assert not torch.equal(a.translator.head[0].weight, c.translator.head[0].weight)


def test_space_and_config_must_agree():
    with pytest.raises(ManipulatorConfigError, match="27 channels"):
        Manipulator(ManipulatorConfig(expr_dim=51), EMBEDDED_SPACE)
    with pytest.raises(ManipulatorConfigError, match="encoder_widths"):
        ManipulatorConfig(encoder_widths=(64,))
    with pytest.raises(ManipulatorConfigError, match="unknown size preset"):
        sized_config("huge", 27)
