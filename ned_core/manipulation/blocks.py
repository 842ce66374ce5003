"""Building blocks shared by the manipulator's networks: per-frame MLPs and the LSTM sequence encoder."""

from __future__ import annotations

import torch
from torch import nn


def mlp(sizes: tuple[int, ...], final_relu: bool) -> nn.Sequential:
    """Linear layers ``sizes[0] -> sizes[1] -> ...`` with ReLU between them (and after the last if asked).

    Layer ``i`` sits at index ``2 * i`` of the returned ``nn.Sequential`` (ReLUs in between).
    """
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if final_relu or i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def he_init(module: nn.Module) -> None:
    """Kaiming-normal (fan-in, ReLU gain) weights and zero biases for every Linear layer of ``module``."""
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(layer.bias)


class SequenceEncoder(nn.Module):
    """Per-frame MLP -> stacked bidirectional LSTM -> per-frame MLP -> mean over time.

    The trunk of the style encoder and the discriminator (paper §3.2).

    Args:
        in_dim: features per frame. widths: per-frame layer widths. lstm: LSTM width per
        direction. head: output-layer widths before the last layer. out_dim: outputs per sequence.
        layers: stacked LSTM layers.
    """

    def __init__(self, in_dim: int, widths: tuple[int, int], lstm: int, head: tuple[int, int], out_dim: int,
                 layers: int) -> None:
        super().__init__()
        self.frame_mlp = mlp((in_dim, *widths), final_relu=True)
        self.lstm = nn.LSTM(widths[-1], lstm, layers, batch_first=True, bidirectional=True)
        self.head = mlp((2 * lstm, *head, out_dim), final_relu=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, N, in_dim)`` -> ``(B, out_dim)``: the per-frame outputs averaged over the N frames."""
        hidden, _ = self.lstm(self.frame_mlp(x))
        return self.head(hidden).mean(dim=1)
