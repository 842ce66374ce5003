"""Losses: LSGAN targets, the jaw Pearson correlation, and which networks each loss trains."""

import numpy as np
import pytest
import torch

from ned_core.training.losses import LossWeights, discriminator_loss, generator_loss, jaw_pearson, lsgan


def test_lsgan_is_the_mean_squared_distance_to_the_target():
    scores = torch.tensor([0.0, 0.5, 1.0])
    assert lsgan(scores, 1.0).item() == pytest.approx((1 + 0.25 + 0) / 3)
    assert lsgan(scores, 0.0).item() == pytest.approx((0 + 0.25 + 1) / 3)


def test_jaw_pearson_matches_numpy_and_reads_channel_0_only():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(4, 10, 5)), rng.normal(size=(4, 10, 5))
    got = jaw_pearson(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    want = [np.corrcoef(a[i, :, 0], b[i, :, 0])[0, 1] for i in range(4)]
    np.testing.assert_allclose(got, want, atol=1e-6)
    b[:, :, 1:] = 0.0
    np.testing.assert_allclose(jaw_pearson(torch.from_numpy(a), torch.from_numpy(b)).numpy(), want, atol=1e-6)


def test_jaw_pearson_of_a_still_jaw_is_zero_not_nan():
    still = torch.zeros(2, 10, 3)
    moving = torch.randn(2, 10, 3, requires_grad=True)
    r = jaw_pearson(still, moving)
    assert torch.all(r == 0)
    r.sum().backward()
    assert torch.all(torch.isfinite(moving.grad))


def test_losses_train_the_right_networks(untrained):
    real = torch.randn(8, 10, 27)
    y_real, y_target = torch.randint(0, 7, (8,)), torch.randint(0, 7, (8,))
    style = untrained.mapping(torch.randn(8, 4), y_target)
    loss, parts = generator_loss(untrained, real, y_target, style, LossWeights())
    assert set(parts) == {"adv", "sty", "cyc", "mouth"} and -2 <= parts["mouth"] <= 2
    loss.backward()
    for net in (untrained.translator, untrained.style_encoder, untrained.mapping):
        assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in net.parameters())
    untrained.zero_grad(set_to_none=True)
    d_loss, d_parts = discriminator_loss(untrained, real, y_real, y_target, style.detach())
    d_loss.backward()
    assert set(d_parts) == {"real", "fake"}
    assert all(p.grad is None for p in untrained.translator.parameters())  # fakes made without gradient
    assert any(p.grad is not None for p in untrained.discriminator.parameters())
