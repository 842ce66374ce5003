"""Style encoder E: an expression sequence -> its 16-d style code, no emotion label needed (LSTM)."""

from __future__ import annotations

import torch
from torch import nn

from ned_core.manipulation.blocks import SequenceEncoder
from ned_core.manipulation.config import ManipulatorConfig


class StyleEncoder(nn.Module):
    """E(s): per-frame style estimates of an LSTM sequence encoder, averaged over the sequence."""

    def __init__(self, config: ManipulatorConfig) -> None:
        super().__init__()
        self.encoder = SequenceEncoder(config.expr_dim, config.encoder_widths, config.encoder_lstm,
                                       config.encoder_head, config.style_dim, config.lstm_layers)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        """``(B, N, K)`` float32 sequences -> ``(B, S)`` float32 style codes."""
        return self.encoder(s)
