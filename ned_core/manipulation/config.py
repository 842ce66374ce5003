"""Frozen configurations of the learned manipulator: network sizes and training settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from ned_core.exceptions import ManipulatorConfigError


def _check(owner: str, checks: tuple[tuple[str, bool, str], ...], values: object) -> None:
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
        _check("ManipulatorConfig", checks + pairs + (
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


@dataclass(frozen=True)
class TrainConfig:
    """Training settings (defaults: the paper's optimiser and loss weights).

    Attributes:
        steps: training iterations; one iteration = two discriminator and two generator updates
            (style from M(z) for a random target domain, then from E of a reference sequence).
        batch_size: sequences per batch (64).
        window: N, frames per training sequence (10).
        hop: frames between the starts of consecutive training sequences of a clip (1).
        lr: Adam learning rate of the translator, style encoder and discriminator (1e-4).
        mapping_lr: Adam learning rate of the mapping network (1e-4).
        beta1, beta2: Adam betas (0, 0.99).
        lambda_sty, lambda_cyc, lambda_mouth: loss weights (all 1, no diversity loss).
        decay_steps: over the last ``decay_steps`` iterations the learning rates fall linearly
            towards 0 (0 = constant).
        seed: seeds the initial weights and every random draw (batches, z, targets).
        log_every: iterations between log lines / TensorBoard points.
        val_every: iterations between validation passes (0 = never).
        val_batches: batches per validation pass.
        checkpoint_every: iterations between checkpoints (the last iteration is always saved).
        keep_checkpoints: how many ``step_*.pt`` files to keep (oldest removed; ``latest.pt`` stays).
        val_fraction: share of clips held out for validation when no validation actors or
            dataset are given (whole clips, chosen by seed).
        val_actors: actors whose clips form the validation set (overrides ``val_fraction``).
        device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        num_threads: CPU threads torch may use (0 = torch's default).
    """

    steps: int = 20000
    batch_size: int = 64
    window: int = 10
    hop: int = 1
    lr: float = 1e-4
    mapping_lr: float = 1e-4
    beta1: float = 0.0
    beta2: float = 0.99
    lambda_sty: float = 1.0
    lambda_cyc: float = 1.0
    lambda_mouth: float = 1.0
    decay_steps: int = 0
    seed: int = 0
    log_every: int = 10
    val_every: int = 500
    val_batches: int = 4
    checkpoint_every: int = 1000
    keep_checkpoints: int = 3
    val_fraction: float = 0.1
    val_actors: tuple[str, ...] = ()
    device: str = "cpu"
    num_threads: int = 0

    def __post_init__(self) -> None:
        ints = ("steps", "batch_size", "window", "hop", "log_every", "checkpoint_every", "val_batches",
                "keep_checkpoints")
        checks = tuple((f, isinstance(getattr(self, f), int) and getattr(self, f) >= 1, "an integer >= 1")
                       for f in ints)
        _check("TrainConfig", checks + (
            ("lr", self.lr > 0, "> 0"),
            ("mapping_lr", self.mapping_lr > 0, "> 0"),
            ("beta1", 0 <= self.beta1 < 1, "in [0, 1)"),
            ("beta2", 0 <= self.beta2 < 1, "in [0, 1)"),
            ("lambda_sty", self.lambda_sty >= 0, ">= 0"),
            ("lambda_cyc", self.lambda_cyc >= 0, ">= 0"),
            ("lambda_mouth", self.lambda_mouth >= 0, ">= 0"),
            ("decay_steps", 0 <= self.decay_steps <= self.steps, "in 0..steps"),
            ("val_every", self.val_every >= 0, ">= 0"),
            ("val_fraction", 0 <= self.val_fraction < 1, "in [0, 1)"),
            ("device", self.device == "cpu" or self.device.split(":")[0] == "cuda", "'cpu', 'cuda' or 'cuda:N'"),
            ("num_threads", self.num_threads >= 0, ">= 0"),
        ), self)

    def as_dict(self) -> dict:
        """Plain dict for checkpoints and logs."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


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
