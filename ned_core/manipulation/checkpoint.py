"""Manipulator checkpoints (``NedManipulator.1``): networks, sizes, space, and optionally the training state.

A checkpoint is a ``torch.save`` dict that ``torch.load(weights_only=True)`` reads (plain
containers and tensors only): ``format``, ``config`` (:class:`ManipulatorConfig` as a dict),
``space`` (channel and emotion names), ``nets`` (state dict per network), ``step``,
``provenance`` (how it was made), and, when saved by training, ``training`` (train config,
optimiser states, loss history) for ``--resume``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ned_core.exceptions import CheckpointFormatError, ManipulatorConfigError
from ned_core.io.atomic import atomic_path
from ned_core.manipulation.config import ManipulatorConfig
from ned_core.manipulation.model import Manipulator
from ned_core.manipulation.space import ExpressionSpace

CHECKPOINT_FORMAT = "NedManipulator.1"


@dataclass(frozen=True)
class TrainingState:
    """What resuming needs besides the networks.

    Attributes:
        config: the :class:`TrainConfig` as a dict. optimisers: Adam state dict per network.
        history: logged losses, ``{"step": [...], "<loss>": [...]}``.
    """

    config: dict
    optimisers: dict
    history: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LoadedCheckpoint:
    """A loaded checkpoint: the model (on the asked device, eval mode), its step, provenance and training state."""

    model: Manipulator
    step: int
    provenance: dict
    training: TrainingState | None


def save_checkpoint(path: Path | str, model: Manipulator, step: int, provenance: dict,
                    training: TrainingState | None = None) -> Path:
    """Write a checkpoint atomically (a reader never sees half a file). Returns the path."""
    doc = {
        "format": CHECKPOINT_FORMAT,
        "config": model.config.as_dict(),
        "space": model.space.as_dict(),
        "nets": {name: {k: v.detach().cpu() for k, v in net.state_dict().items()}
                 for name, net in model.nets().items()},
        "step": int(step),
        "provenance": json.dumps(provenance, sort_keys=True),
    }
    if training is not None:
        doc["training"] = {"config": json.dumps(training.config), "optimisers": training.optimisers,
                           "history": json.dumps(training.history)}
    path = Path(path)
    with atomic_path(path) as tmp:
        torch.save(doc, tmp)
    return path


def read_checkpoint_file(path: Path | str) -> dict:
    """The raw dict of a ``.pth``/``.pt`` file, read safely (``weights_only``) onto the CPU.

    Raises:
        CheckpointFormatError: missing or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointFormatError(f"{path}: checkpoint not found")
    try:
        doc = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many kinds (pickle, zip, runtime) for a bad file
        raise CheckpointFormatError(f"{path}: not a readable torch checkpoint ({type(e).__name__}: {e})") from e
    if not isinstance(doc, dict):
        raise CheckpointFormatError(f"{path}: expected a dict of networks, got {type(doc).__name__}")
    return doc


def model_from_state(config: ManipulatorConfig, space: ExpressionSpace, nets: dict, where: str) -> Manipulator:
    """A manipulator with the given weights (``nets``: state dict per network name).

    Raises:
        CheckpointFormatError: a network is missing or a weight's name or shape does not fit; the
            message names the network and the problem.
    """
    for required in ("translator", "style_encoder", "mapping"):
        if required not in nets:
            raise CheckpointFormatError(f"{where}: no {required} weights in the checkpoint")
    model = Manipulator(config, space, with_discriminator="discriminator" in nets)
    for name, net in model.nets().items():
        try:
            net.load_state_dict(nets[name], strict=True)
        except RuntimeError as e:
            raise CheckpointFormatError(f"{where}: {name} weights do not fit the recorded sizes: {e}") from e
    return model.eval()


def checkpoint_from_doc(doc: dict, where: str, device: str = "cpu") -> LoadedCheckpoint:
    """A loaded checkpoint from the raw dict of a ``NedManipulator.1`` file (``where`` names it in messages).

    Raises:
        CheckpointFormatError: another format, or malformed, or weights that do not fit.
    """
    if doc.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointFormatError(
            f"{where}: format {doc.get('format')!r}, expected {CHECKPOINT_FORMAT} (official NED checkpoints are "
            "read by load_manipulator or converted with `ned manipulator import-official`)"
        )
    try:
        config = ManipulatorConfig.from_dict(doc["config"])
        space = ExpressionSpace.from_dict(doc["space"])
        model = model_from_state(config, space, doc["nets"], where)
        provenance = json.loads(doc["provenance"])
        training = doc.get("training")
        state = None if training is None else TrainingState(
            json.loads(training["config"]), training["optimisers"], json.loads(training["history"]))
        step = int(doc["step"])
    except (KeyError, TypeError, ValueError, ManipulatorConfigError) as e:
        raise CheckpointFormatError(
            f"{where}: malformed {CHECKPOINT_FORMAT} checkpoint ({type(e).__name__}: {e})") from e
    return LoadedCheckpoint(model.to(device), step, provenance, state)


def load_checkpoint(path: Path | str, device: str = "cpu") -> LoadedCheckpoint:
    """Load a ``NedManipulator.1`` checkpoint file onto ``device``.

    Raises:
        CheckpointFormatError: missing, unreadable, another format, or weights that do not fit.
    """
    return checkpoint_from_doc(read_checkpoint_file(path), str(path), device)
