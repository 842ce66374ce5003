"""Mapping network M: a random latent z in R^4 -> a style code for each emotion domain (MLP, one branch per domain)."""

from __future__ import annotations

import torch
from torch import nn

from ned_core.manipulation.blocks import mlp
from ned_core.manipulation.config import ManipulatorConfig


class MappingNetwork(nn.Module):
    """M(z, y): three shared layers, then one two-layer output branch per domain (paper §3.2)."""

    def __init__(self, config: ManipulatorConfig) -> None:
        super().__init__()
        hidden = config.mapping_hidden
        self.shared = mlp((config.latent_dim, hidden, hidden, hidden), final_relu=True)
        self.branches = nn.ModuleList(
            mlp((hidden, hidden, config.style_dim), final_relu=False) for _ in range(config.num_domains)
        )

    def all_domains(self, z: torch.Tensor) -> torch.Tensor:
        """``(B, L)`` latents -> ``(B, D, S)`` the style code of every domain for each latent."""
        shared = self.shared(z)
        return torch.stack([branch(shared) for branch in self.branches], dim=1)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Style codes.

        Args:
            z: ``(B, L)`` float32 latents (standard normal).
            y: ``(B,)`` int64 domain indices.

        Returns:
            ``(B, S)`` float32 style codes of domain ``y``.
        """
        return self.all_domains(z)[torch.arange(len(y), device=y.device), y]
