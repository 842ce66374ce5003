"""Training losses (paper §3.2): LSGAN adversarial, style reconstruction, cycle consistency, mouth (jaw Pearson)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ned_core.manipulation.model import Manipulator

PEARSON_EPS = 1e-8  # keeps the correlation finite (and 0) for a window whose jaw does not move


@dataclass(frozen=True)
class LossWeights:
    """λ of the generator's losses (paper: all 1)."""

    sty: float = 1.0
    cyc: float = 1.0
    mouth: float = 1.0


def lsgan(scores: torch.Tensor, target: float) -> torch.Tensor:
    """Least-squares GAN loss ``mean((scores - target)^2)`` (a = 0 for fakes, b = c = 1)."""
    return torch.mean((scores - target) ** 2)


def jaw_pearson(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pearson correlation over time of channel 0 (jaw opening) of two ``(B, N, K)`` batches -> ``(B,)``."""
    va = a[:, :, 0] - a[:, :, 0].mean(dim=1, keepdim=True)
    vb = b[:, :, 0] - b[:, :, 0].mean(dim=1, keepdim=True)
    cov = (va * vb).mean(dim=1)
    return cov * torch.rsqrt((va**2).mean(dim=1) + PEARSON_EPS) * torch.rsqrt((vb**2).mean(dim=1) + PEARSON_EPS)


def discriminator_loss(model: Manipulator, real: torch.Tensor, y_real: torch.Tensor, y_target: torch.Tensor,
                       style: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
    """D's loss: real sequences of their own domain -> 1, translations to ``y_target`` -> 0.

    Args:
        real: ``(B, N, K)`` source sequences. y_real: ``(B,)`` their domains.
        y_target: ``(B,)`` target domains. style: ``(B, S)`` target styles (no gradient flows to them).
    """
    loss_real = lsgan(model.discriminator(real, y_real), 1.0)
    with torch.no_grad():
        fake = model.translator(real, style)
    loss_fake = lsgan(model.discriminator(fake, y_target), 0.0)
    return loss_real + loss_fake, {"real": loss_real.item(), "fake": loss_fake.item()}


def generator_loss(model: Manipulator, real: torch.Tensor, y_target: torch.Tensor, style: torch.Tensor,
                   weights: LossWeights) -> tuple[torch.Tensor, dict[str, float]]:
    """G's loss for one target style (from M(z) or from E of a reference).

    ``adv + λ_sty ||d - E(G(s, d))||_1 + λ_cyc ||s - G(G(s, d), E(s))||_1
    - λ_mouth (ρ(ε1, ε̃1) + ρ(ε̃1, ε̂1))`` with ε̃ the translation and ε̂ the reconstruction.

    Returns:
        The total loss and its parts (``adv``, ``sty``, ``cyc``, ``mouth`` = the summed correlations).
    """
    fake = model.translator(real, style)
    loss_adv = lsgan(model.discriminator(fake, y_target), 1.0)
    loss_sty = torch.mean(torch.abs(model.style_encoder(fake) - style))
    recon = model.translator(fake, model.style_encoder(real))
    loss_cyc = torch.mean(torch.abs(recon - real))
    mouth = jaw_pearson(real, fake).mean() + jaw_pearson(fake, recon).mean()
    total = loss_adv + weights.sty * loss_sty + weights.cyc * loss_cyc - weights.mouth * mouth
    return total, {"adv": loss_adv.item(), "sty": loss_sty.item(), "cyc": loss_cyc.item(), "mouth": mouth.item()}
