"""Discriminator D: is an expression sequence a real one of a given emotion domain? (LSTM, one output per domain)."""

from __future__ import annotations

import torch
from torch import nn

from ned_core.manipulation.blocks import SequenceEncoder
from ned_core.manipulation.config import ManipulatorConfig


class Discriminator(nn.Module):
    """D(s, y): an LSTM sequence encoder with one output per domain, the output of domain ``y`` picked."""

    def __init__(self, config: ManipulatorConfig) -> None:
        super().__init__()
        self.encoder = SequenceEncoder(config.expr_dim, config.encoder_widths, config.encoder_lstm,
                                       config.encoder_head, config.num_domains, config.lstm_layers)

    def forward(self, s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Score sequences for their domains.

        Args:
            s: ``(B, N, K)`` float32 sequences.
            y: ``(B,)`` int64 domain indices.

        Returns:
            ``(B,)`` float32 scores (LSGAN: 1 = real, 0 = fake).
        """
        scores = self.encoder(s)  # (B, D)
        return scores.gather(1, y[:, None])[:, 0]
