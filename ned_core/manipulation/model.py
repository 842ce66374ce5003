"""The manipulator: translator, style encoder, mapping network (and discriminator) with their space and sizes."""

from __future__ import annotations

import torch
from torch import nn

from ned_core.exceptions import ManipulatorConfigError
from ned_core.manipulation.blocks import he_init
from ned_core.manipulation.config import ManipulatorConfig
from ned_core.manipulation.discriminator import Discriminator
from ned_core.manipulation.mapping import MappingNetwork
from ned_core.manipulation.space import ExpressionSpace
from ned_core.manipulation.style_encoder import StyleEncoder
from ned_core.manipulation.translator import Translator


class Manipulator(nn.Module):
    """G, E, M and (for training) D of one expression space.

    Attributes:
        config: network sizes. space: channel and domain names.
        translator, style_encoder, mapping: the networks. discriminator: ``None`` when loaded
        for inference only.
    """

    def __init__(self, config: ManipulatorConfig, space: ExpressionSpace, with_discriminator: bool = True) -> None:
        super().__init__()
        if config.expr_dim != space.dim or config.num_domains != len(space.emotions):
            raise ManipulatorConfigError(
                f"space {space.name!r} has {space.dim} channels and {len(space.emotions)} emotions; "
                f"the config expects expr_dim={config.expr_dim}, num_domains={config.num_domains}"
            )
        self.config = config
        self.space = space
        self.translator = Translator(config)
        self.style_encoder = StyleEncoder(config)
        self.mapping = MappingNetwork(config)
        self.discriminator = Discriminator(config) if with_discriminator else None

    def nets(self) -> dict[str, nn.Module]:
        """The networks present, by name (``translator``, ``style_encoder``, ``mapping``, ``discriminator``)."""
        names = ("translator", "style_encoder", "mapping", "discriminator")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

    @torch.no_grad()
    def label_styles(self, z: torch.Tensor) -> torch.Tensor:
        """``(B, L)`` latents -> ``(B, D, S)`` style codes of every emotion (inference)."""
        return self.mapping.all_domains(z)


def build_manipulator(config: ManipulatorConfig, space: ExpressionSpace, seed: int,
                      with_discriminator: bool = True) -> Manipulator:
    """A freshly initialised manipulator (He-normal Linear weights, zero biases, torch's LSTM init).

    The same ``seed`` gives the same weights on every machine.
    """
    generator = torch.random.fork_rng(devices=[])
    with generator:
        torch.manual_seed(seed)
        model = Manipulator(config, space, with_discriminator)
        he_init(model)
    return model
