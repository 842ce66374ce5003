"""Train the manipulator on an expression dataset: resume, fine-tune, validation, checkpoints, logs, multi-process."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ned_core import __version__
from ned_core.exceptions import CheckpointFormatError, DistributedSetupError
from ned_core.manipulation.checkpoint import TrainingState, load_checkpoint, save_checkpoint
from ned_core.manipulation.config import ManipulatorConfig
from ned_core.manipulation.load import load_manipulator
from ned_core.manipulation.model import Manipulator, build_manipulator
from ned_core.training.config import TrainConfig
from ned_core.training.dataset import ExpressionDataset, check_dataset_space, split_dataset
from ned_core.training.distributed import (
    DistributedContext,
    average_gradients,
    setup_distributed,
    teardown_distributed,
)
from ned_core.training.losses import LossWeights
from ned_core.training.train_step import (
    draw_batch,
    make_optimisers,
    set_learning_rates,
    train_iteration,
    validation_losses,
)
from ned_core.training.training_log import TrainingLog
from ned_core.training.windows import WindowSampler, require_windows, window_index


@dataclass(frozen=True)
class TrainEvent:
    """Progress of a run, sent after every logged iteration and validation pass.

    Attributes:
        step: iterations done. total: iterations of the run. losses: the latest training losses.
        val: the latest validation losses (``None`` before the first pass). elapsed_s: wall time.
    """

    step: int
    total: int
    losses: dict[str, float]
    val: dict[str, float] | None
    elapsed_s: float


@dataclass(frozen=True)
class TrainResult:
    """A finished run: the final checkpoint, iterations done and the logged curves.

    Attributes:
        checkpoint: ``out_dir/checkpoints/latest.pt``. steps: iterations done.
        history: ``{"train": {"step": [...], <loss>: [...]}, "val": {...}}``.
    """

    checkpoint: Path
    steps: int
    history: dict


def _starting_model(train: ExpressionDataset, config: TrainConfig, model_config: ManipulatorConfig | None,
                    resume: Path | None, init_from: Path | None,
                    device: str) -> tuple[Manipulator, int, TrainingState | None, str]:
    """(model on ``device``, first iteration, training state to restore, origin for the provenance)."""
    if resume is not None:
        loaded = load_checkpoint(resume, device)
        if loaded.training is None or loaded.model.discriminator is None:
            raise CheckpointFormatError(f"{resume}: has no training state to resume from (use --init-from to "
                                        "fine-tune from it instead)")
        return loaded.model, loaded.step, loaded.training, f"resume {resume}"
    if init_from is not None:
        source = load_manipulator(init_from, "cpu").model
        model = build_manipulator(source.config, source.space, config.seed)
        for name, net in source.nets().items():
            getattr(model, name).load_state_dict(net.state_dict())
        return model.to(device), 0, None, f"init from {init_from}"
    sizes = model_config or ManipulatorConfig(expr_dim=train.space.dim, num_domains=len(train.space.emotions))
    return build_manipulator(sizes, train.space, config.seed).to(device), 0, None, "new"


def _append(history: dict, kind: str, step: int, values: dict[str, float]) -> None:
    table = history.setdefault(kind, {"step": []})
    table["step"].append(step)
    for k, v in values.items():
        table.setdefault(k, []).append(v)


def _save(out_dir: Path, model: Manipulator, step: int, optimisers: dict, history: dict, config: TrainConfig,
          provenance: dict) -> Path:
    folder = out_dir / "checkpoints"
    state = TrainingState(config.as_dict(), {n: o.state_dict() for n, o in optimisers.items()}, history)
    save_checkpoint(folder / f"step_{step:07d}.pt", model, step, provenance, state)
    for old in sorted(folder.glob("step_*.pt"))[:-config.keep_checkpoints]:
        old.unlink()
    return save_checkpoint(folder / "latest.pt", model, step, provenance, state)


def train_manipulator(train: ExpressionDataset, out_dir: Path | str, config: TrainConfig,
                      model_config: ManipulatorConfig | None = None, *, val: ExpressionDataset | None = None,
                      resume: Path | None = None, init_from: Path | None = None,
                      on_event: Callable[[TrainEvent], None] | None = None) -> TrainResult:
    """Train (or resume, or fine-tune) a manipulator; checkpoints and logs go under ``out_dir``.

    Args:
        train: labelled windows to learn from; when ``val`` is ``None``, clips of
            ``config.val_actors`` (or a seeded ``config.val_fraction`` of clips) are held out.
        out_dir: run folder: ``checkpoints/step_*.pt``, ``checkpoints/latest.pt``,
            ``logs/train.jsonl`` and a TensorBoard event file in ``logs/``.
        config: training settings; ``config.steps`` is the total, counted from the start of
            the run being resumed.
        model_config: network sizes of a new run (default: the paper's, sized to the dataset's
            space); ignored when resuming or fine-tuning (the checkpoint has its own).
        val: a separate validation dataset.
        resume: a checkpoint of this run (``latest.pt``): networks, optimisers and history continue.
        init_from: a checkpoint (ours or official) whose networks start a new run (fine-tuning);
            a missing discriminator starts fresh.
        on_event: progress callback.

    Raises:
        ExpressionSpaceMismatchError: the checkpoint's space differs from the dataset's.
        DatasetTooSmallError: too few windows to train or validate on.
        TrainingDivergedError: a loss became NaN/inf.
        CheckpointFormatError: ``resume``/``init_from`` unreadable or without training state.
        DistributedSetupError: launcher environment unusable, or batch not divisible by processes.
    """
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    context = setup_distributed(config.device)
    try:
        return _run(train, Path(out_dir), config, model_config, val, resume, init_from, on_event, context)
    finally:
        teardown_distributed(context)


def _run(train: ExpressionDataset, out_dir: Path, config: TrainConfig, model_config: ManipulatorConfig | None,
         val: ExpressionDataset | None, resume: Path | None, init_from: Path | None,
         on_event: Callable[[TrainEvent], None] | None, context: DistributedContext) -> TrainResult:
    """The body of :func:`train_manipulator` once the process group (if any) is joined."""
    if config.batch_size % context.world_size:
        raise DistributedSetupError(
            f"batch size {config.batch_size} is not divisible by {context.world_size} processes")
    if val is None:
        train, val = split_dataset(train, config.val_actors, config.val_fraction, config.seed)
    model, start, state, origin = _starting_model(train, config, model_config, resume, init_from, context.device)
    check_dataset_space(model.space, train, "training dataset")
    train_index = window_index(train, config.window, config.hop)
    require_windows(train_index, "training dataset", train.space.emotions)
    sampler = WindowSampler(train, train_index)
    val_batches = []
    if val is not None and config.val_every:
        check_dataset_space(model.space, val, "validation dataset")
        val_index = window_index(val, config.window, config.hop)
        require_windows(val_index, "validation dataset", val.space.emotions, min_domains=1)
        val_rng = np.random.default_rng([config.seed, 0x5A1])
        val_batches = [draw_batch(WindowSampler(val, val_index), config.batch_size, model.config.latent_dim, val_rng,
                                  context.device) for _ in range(config.val_batches)]
    optimisers = make_optimisers(model, config)
    if state is not None:
        for name, optimiser in optimisers.items():
            optimiser.load_state_dict(state.optimisers[name])
    history = dict(state.history) if state is not None else {}
    weights = LossWeights(config.lambda_sty, config.lambda_cyc, config.lambda_mouth)
    log = TrainingLog(out_dir / "logs" if context.is_main else None)
    provenance = {"created_by": "ned train manipulator", "ned_version": __version__, "origin": origin,
                  "dataset": {"clips": train.num_clips, "info": train.info}, "train_config": config.as_dict()}

    def sync(net: torch.nn.Module) -> None:
        average_gradients(net, context)

    per_rank = config.batch_size // context.world_size
    started, latest, last_val, checkpoint = time.perf_counter(), {}, None, None
    model.train()
    try:
        for step in range(start, config.steps):
            set_learning_rates(optimisers, config, step)
            rng = np.random.default_rng([config.seed, context.rank, step])
            batch = draw_batch(sampler, per_rank, model.config.latent_dim, rng, context.device)
            losses = train_iteration(model, optimisers, batch, weights, step, sync)
            done = step + 1
            if done % config.log_every == 0 or done == config.steps:
                latest = losses
                _append(history, "train", done, losses)
                log.write(done, "train", losses)
            if val_batches and (done % config.val_every == 0 or done == config.steps):
                model.eval()
                last_val = validation_losses(model, val_batches, weights)
                model.train()
                _append(history, "val", done, last_val)
                log.write(done, "val", last_val)
            if on_event is not None and (done % config.log_every == 0 or done == config.steps):
                on_event(TrainEvent(done, config.steps, latest, last_val, time.perf_counter() - started))
            if context.is_main and (done % config.checkpoint_every == 0 or done == config.steps):
                checkpoint = _save(out_dir, model, done, optimisers, history, config, provenance)
    finally:
        log.close()
    model.eval()
    return TrainResult(checkpoint or out_dir / "checkpoints" / "latest.pt", max(config.steps, start), history)
