"""Frozen configuration of the learned manipulator's network sizes (training settings: ``training.config``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from ned_core.exceptions import ManipulatorConfigError


def check_fields(owner: str, checks: tuple[tuple[str, bool, str], ...], values: object) -> None:
    """Raise ``ManipulatorConfigError`` naming the first ``(field, ok, expected)`` check that failed."""
    for field, ok, expected in checks:
        if not ok:
            raise ManipulatorConfigError(f"{owner}.{field} must be {expected}, got {getattr(values, field)!r}")


@dataclass(frozen=True)
class ManipulatorConfig:
    """Sizes of the four networks (paper §3.2, supplement D; defaults = the official NED networks).

    Attributes:
        expr_dim: K, channels of the expression vector (51 for FLAME: jaw + 50 expression
            coefficients; 27 for the embedded tier). Channel 0 is the speech channel (jaw opening).
        num_domains: emotion domains (7).
        style_dim: size of a style code d (16).
        latent_dim: size of the mapping network's input z (4).
        mapping_hidden: width of the mapping network's layers (64).
        translator_width: width of the translator's per-frame layers and of each LSTM direction (512).
        translator_head: width of the translator's output layers (1024).
        encoder_widths: per-frame layer widths of the style encoder and the discriminator (512, 256).
        encoder_lstm: LSTM width per direction of the style encoder and the discriminator (128).
        encoder_head: output layer widths of the style encoder and the discriminator (128, 64).
        lstm_layers: stacked bidirectional LSTM layers in every network (2).
    """

    expr_dim: int = 27
    num_domains: int = 7
    style_dim: int = 16
    latent_dim: int = 4
    mapping_hidden: int = 64
    translator_width: int = 512
    translator_head: int = 1024
    encoder_widths: tuple[int, int] = (512, 256)
    encoder_lstm: int = 128
    encoder_head: tuple[int, int] = (128, 64)
    lstm_layers: int = 2

    def __post_init__(self) -> None:
        positive = ("expr_dim", "style_dim", "latent_dim", "mapping_hidden", "translator_width",
                    "translator_head", "encoder_lstm", "lstm_layers")
        checks = tuple((f, isinstance(getattr(self, f), int) and getattr(self, f) >= 1, "an integer >= 1")
                       for f in positive)
        pairs = tuple((f, len(getattr(self, f)) == 2 and all(isinstance(v, int) and v >= 1 for v in getattr(self, f)),
                       "two integers >= 1") for f in ("encoder_widths", "encoder_head"))
        check_fields("ManipulatorConfig", checks + pairs + (
            ("num_domains", isinstance(self.num_domains, int) and self.num_domains >= 2, "an integer >= 2"),
        ), self)

    def as_dict(self) -> dict:
        """Plain dict (tuples as lists) for checkpoints and JSON."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> ManipulatorConfig:
        """Inverse of :meth:`as_dict`; unknown keys are an error naming them."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ManipulatorConfigError(f"ManipulatorConfig: unknown field(s) {', '.join(unknown)}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def sized_config(preset: str, expr_dim: int, num_domains: int = 7) -> ManipulatorConfig:
    """Network sizes by name for an expression space of ``expr_dim`` channels.

    ``"paper"``: the official NED sizes (translator 512/1024, encoders 512-256/128/128-64, 2 LSTM
    layers). ``"small"``: a CPU-friendly variant (translator 64/128, encoders 64-64/32/32-32, 1
    LSTM layer) for quick experiments and tests.

    Raises:
        ManipulatorConfigError: unknown preset.
    """
    if preset == "paper":
        return ManipulatorConfig(expr_dim=expr_dim, num_domains=num_domains)
    if preset == "small":
        return ManipulatorConfig(expr_dim=expr_dim, num_domains=num_domains, translator_width=64, translator_head=128,
                                 encoder_widths=(64, 64), encoder_lstm=32, encoder_head=(32, 32), lstm_layers=1)
    raise ManipulatorConfigError(f"unknown size preset {preset!r}; expected 'paper' or 'small'")
