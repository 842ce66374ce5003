"""Translator G: an expression sequence and a style code -> the sequence played in that style (LSTM)."""

from __future__ import annotations

import torch
from torch import nn

from ned_core.manipulation.blocks import mlp
from ned_core.manipulation.config import ManipulatorConfig


class Translator(nn.Module):
    """G(s, d): the style ``d`` is concatenated to every frame of ``s`` (paper §3.2).

    Per-frame MLP on ``[frame, d]`` -> stacked bidirectional LSTM -> per-frame MLP to K channels.
    """

    def __init__(self, config: ManipulatorConfig) -> None:
        super().__init__()
        width, head = config.translator_width, config.translator_head
        self.frame_mlp = mlp((config.expr_dim + config.style_dim, width, width), final_relu=True)
        self.lstm = nn.LSTM(width, width, config.lstm_layers, batch_first=True, bidirectional=True)
        self.head = mlp((2 * width, head, head, config.expr_dim), final_relu=False)

    def forward(self, s: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
        """Translate.

        Args:
            s: ``(B, N, K)`` float32 expression sequences.
            d: ``(B, S)`` float32 style codes.

        Returns:
            ``(B, N, K)`` float32 translated sequences.
        """
        styles = d[:, None, :].expand(-1, s.shape[1], -1)
        hidden, _ = self.lstm(self.frame_mlp(torch.cat([s, styles], dim=2)))
        return self.head(hidden)
