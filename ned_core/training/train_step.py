"""One training iteration of the manipulator (StarGAN v2 alternation, paper §3.2), its optimisers and validation.

An iteration draws source windows ``s`` (labels ``y``), reference windows ``s~`` whose labels
are the targets ``y~``, and latents ``z``. The discriminator is updated twice (fakes made with
``M(z, y~)``, then with ``E(s~)``); then the generator side twice: with ``M(z, y~)`` updating
G, M and E, then with ``E(s~)`` updating G only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ned_core.exceptions import TrainingDivergedError
from ned_core.manipulation.model import Manipulator
from ned_core.training.config import TrainConfig
from ned_core.training.losses import LossWeights, discriminator_loss, generator_loss
from ned_core.training.windows import WindowSampler

GradientSync = Callable[[nn.Module], None]


@dataclass(frozen=True)
class Batch:
    """Tensors of one iteration (all on the training device).

    Attributes:
        real: ``(B, N, K)`` source windows. y_real: ``(B,)`` their labels.
        reference: ``(B, N, K)`` reference windows. y_target: ``(B,)`` their labels = the targets.
        z: ``(B, L)`` standard-normal latents.
    """

    real: torch.Tensor
    y_real: torch.Tensor
    reference: torch.Tensor
    y_target: torch.Tensor
    z: torch.Tensor


def draw_batch(sampler: WindowSampler, size: int, latent_dim: int, rng: np.random.Generator, device: str) -> Batch:
    """A batch drawn with ``rng`` (sources, references and latents all from it)."""
    real, y_real = sampler.sample(size, rng)
    reference, y_target = sampler.sample(size, rng)
    z = rng.standard_normal((size, latent_dim)).astype(np.float32)
    tensors = [torch.from_numpy(a).to(device) for a in (real, y_real, reference, y_target, z)]
    return Batch(*tensors)


def make_optimisers(model: Manipulator, config: TrainConfig) -> dict[str, torch.optim.Adam]:
    """One Adam per network (mapping network at ``mapping_lr``), betas ``(beta1, beta2)``."""
    return {
        name: torch.optim.Adam(net.parameters(), lr=config.mapping_lr if name == "mapping" else config.lr,
                               betas=(float(config.beta1), float(config.beta2)))
        for name, net in model.nets().items()
    }


def set_learning_rates(optimisers: dict[str, torch.optim.Adam], config: TrainConfig, step: int) -> float:
    """Apply the linear decay of the last ``decay_steps`` iterations; returns the factor used (0..1]."""
    left = config.steps - step
    factor = 1.0 if config.decay_steps == 0 or left >= config.decay_steps else max(left / config.decay_steps, 1e-3)
    for name, optimiser in optimisers.items():
        base = config.mapping_lr if name == "mapping" else config.lr
        for group in optimiser.param_groups:
            group["lr"] = base * factor
    return factor


def _update(loss: torch.Tensor, model: Manipulator, optimisers: dict, names: tuple[str, ...],
            sync: GradientSync) -> None:
    for optimiser in optimisers.values():
        optimiser.zero_grad(set_to_none=True)
    loss.backward()
    for name in names:
        sync(getattr(model, name))
        optimisers[name].step()


def _check_finite(losses: dict[str, float], step: int) -> None:
    for name, value in losses.items():
        if not math.isfinite(value):
            raise TrainingDivergedError(
                f"iteration {step}: loss {name} is {value}; lower the learning rate or check the dataset for outliers"
            )


def train_iteration(model: Manipulator, optimisers: dict, batch: Batch, weights: LossWeights, step: int,
                    sync: GradientSync) -> dict[str, float]:
    """Run one iteration (two D updates, two G-side updates); returns its losses by ``D/...``/``G/...`` name.

    Raises:
        TrainingDivergedError: a loss is NaN or infinite.
    """
    losses: dict[str, float] = {}
    with torch.no_grad():
        styles = {"latent": model.mapping(batch.z, batch.y_target), "ref": model.style_encoder(batch.reference)}
    for kind, style in styles.items():
        loss, parts = discriminator_loss(model, batch.real, batch.y_real, batch.y_target, style)
        _update(loss, model, optimisers, ("discriminator",), sync)
        losses.update({f"D/{kind}_{k}": v for k, v in parts.items()})
    loss, parts = generator_loss(model, batch.real, batch.y_target, model.mapping(batch.z, batch.y_target), weights)
    _update(loss, model, optimisers, ("translator", "mapping", "style_encoder"), sync)
    losses.update({f"G/latent_{k}": v for k, v in parts.items()})
    loss, parts = generator_loss(model, batch.real, batch.y_target, model.style_encoder(batch.reference), weights)
    _update(loss, model, optimisers, ("translator",), sync)
    losses.update({f"G/ref_{k}": v for k, v in parts.items()})
    _check_finite(losses, step)
    return losses


@torch.no_grad()
def validation_losses(model: Manipulator, batches: list[Batch], weights: LossWeights) -> dict[str, float]:
    """Mean losses over ``batches`` with no update (same names as :func:`train_iteration`)."""
    totals: dict[str, float] = {}
    for batch in batches:
        for kind, style in (("latent", model.mapping(batch.z, batch.y_target)),
                            ("ref", model.style_encoder(batch.reference))):
            _, d_parts = discriminator_loss(model, batch.real, batch.y_real, batch.y_target, style)
            _, g_parts = generator_loss(model, batch.real, batch.y_target, style, weights)
            for prefix, parts in (("D", d_parts), ("G", g_parts)):
                for k, v in parts.items():
                    totals[f"{prefix}/{kind}_{k}"] = totals.get(f"{prefix}/{kind}_{k}", 0.0) + v / len(batches)
    return totals
