"""Frozen training settings of the learned manipulator (network sizes: ``manipulation.config``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ned_core.manipulation.config import check_fields


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
        check_fields("TrainConfig", checks + (
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
