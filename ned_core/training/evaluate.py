"""Honest figures for a manipulator on a labelled dataset: does it show the target, keep the speech, keep itself?

* An independent classifier (:mod:`ned_core.training.classifier`) is fitted on the real
  windows of half of the clips (per emotion, seeded) and checked on the other half
  (``classifier_accuracy``: how far it can be trusted).
* Every face run of the other half is translated to every other emotion through the real
  inference path (sliding windows, Gaussian overlap; style ``M(z, e)``, a seeded z per run and
  target); ``target_accuracy`` is the share of windows of the results the classifier labels as
  the target (chance = 1 / emotions).
* ``jaw_pcc_*``: Pearson correlation of the jaw channel between each run and its translations
  (runs whose jaw does not move are skipped).
* Self-translation (style ``E(s)`` of each window, intensity 0, the paper's output ``G(s, E(s))``):
  ``self_l1`` = mean |G(s, E(s)) - s|; ``self_relative_error`` = that divided by the spread of
  the data, mean |s - mean of all runs| (0 = perfect, 1 = no better than the average face); and
  ``self_accuracy``, the share of its windows still recognised as the source emotion.
* ``losses``: the training losses on random batches of the dataset (when D is present).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

from ned_core.direct.config import DirectConfig
from ned_core.exceptions import DatasetTooSmallError
from ned_core.manipulation.batched_windows import apply_windowed_batched
from ned_core.manipulation.director import translate_sequence
from ned_core.manipulation.model import Manipulator
from ned_core.training.classifier import fit_classifier
from ned_core.training.dataset import ExpressionDataset, check_dataset_space
from ned_core.training.losses import LossWeights
from ned_core.training.train_step import draw_batch, validation_losses
from ned_core.training.windows import WindowSampler, gather_windows, require_windows, window_index


@dataclass(frozen=True)
class ManipulatorEvalConfig:
    """Settings of :func:`evaluate_manipulator`.

    Attributes:
        seed: clip split, latents, loss batches. max_runs: translated face runs (0 = all).
        loss_batches, batch_size: batches for the loss figures.
        direct: sliding-window settings (N, sigma).
    """

    seed: int = 0
    max_runs: int = 0
    loss_batches: int = 4
    batch_size: int = 64
    direct: DirectConfig = DirectConfig()


@dataclass(frozen=True)
class ManipulatorReport:
    """The figures (see the module docstring); ``*_per_emotion`` keyed by target emotion."""

    runs: int
    translated_windows: int
    chance: float
    classifier_accuracy: float
    target_accuracy: float
    target_accuracy_per_emotion: dict[str, float]
    jaw_pcc_mean: float
    jaw_pcc_min: float
    self_l1: float
    self_relative_error: float
    self_accuracy: float
    losses: dict[str, float] | None

    def as_dict(self) -> dict:
        """Plain dict for JSON."""
        return asdict(self)


def _split_clips(dataset: ExpressionDataset, index, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Clips for the classifier and clips to translate: half of each emotion's clips (by window label)."""
    rng = np.random.default_rng([seed, 0xC1A5])
    label_of = {int(c): int(np.bincount(index.labels[index.clips == c]).argmax()) for c in np.unique(index.clips)}
    fit, test = [], []
    for label in sorted(set(label_of.values())):
        clips = rng.permutation([c for c, lab in label_of.items() if lab == label])
        half = max(1, len(clips) // 2) if len(clips) > 1 else 1
        fit.extend(clips[:half].tolist())
        test.extend(clips[half:].tolist() if len(clips) > 1 else [])
    return np.array(sorted(fit), np.int64), np.array(sorted(test), np.int64)


def _runs(dataset: ExpressionDataset, clips: np.ndarray, index, n: int) -> list[tuple[np.ndarray, int]]:
    """Face runs of >= n frames of the clips, with each run's label (most frequent window label)."""
    runs = []
    for clip in clips:
        rows = dataset.clip_rows(int(clip))
        valid = np.concatenate([[False], dataset.valid[rows], [False]])
        edges = np.flatnonzero(np.diff(valid.astype(np.int8)))
        labels = index.labels[index.clips == clip]
        for a, b in zip(edges[::2], edges[1::2]):
            if b - a >= n and len(labels):
                runs.append((dataset.expression[rows.start + a:rows.start + b].astype(np.float64),
                             int(np.bincount(labels).argmax())))
    return runs


def _windows(seq: np.ndarray, n: int) -> np.ndarray:
    return np.lib.stride_tricks.sliding_window_view(seq, n, axis=0).transpose(0, 2, 1)


def _pcc(a: np.ndarray, b: np.ndarray) -> float | None:
    a, b = a - a.mean(), b - b.mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return None if np.std(a) < 1e-6 else float((a * b).sum() / max(denom, 1e-12))


@torch.no_grad()
def _self_translation(model: Manipulator, seq: np.ndarray, config: DirectConfig) -> np.ndarray:
    """``G(s, E(s))`` per window, blended over the overlaps (``(T, K)`` float64)."""
    device = next(model.parameters()).device

    def own_style(windows: np.ndarray, context: np.ndarray) -> np.ndarray:
        s = torch.from_numpy(windows).float().to(device)
        return model.translator(s, model.style_encoder(s)).double().cpu().numpy()

    return apply_windowed_batched(seq, own_style, config.window, config.window_sigma)


def _losses(model: Manipulator, dataset: ExpressionDataset, index,
            config: ManipulatorEvalConfig) -> dict[str, float]:
    """The training losses on seeded random batches of the dataset (no update)."""
    rng = np.random.default_rng([config.seed, 0x1055])
    sampler = WindowSampler(dataset, index)
    device = str(next(model.parameters()).device)
    batches = [draw_batch(sampler, config.batch_size, model.config.latent_dim, rng, device)
               for _ in range(config.loss_batches)]
    return validation_losses(model, batches, LossWeights())


@torch.no_grad()
def evaluate_manipulator(model: Manipulator, dataset: ExpressionDataset,
                         config: ManipulatorEvalConfig = ManipulatorEvalConfig()) -> ManipulatorReport:
    """Measure ``model`` on ``dataset`` (ideally actors it was not trained on).

    Raises:
        ExpressionSpaceMismatchError: the dataset's channels are not the model's.
        DatasetTooSmallError: too few clips or windows for a classifier and a test half.
    """
    check_dataset_space(model.space, dataset, "evaluation dataset")
    n, emotions = config.direct.window, model.space.emotions
    index = window_index(dataset, n)
    require_windows(index, "evaluation dataset", emotions)
    fit_clips, test_clips = _split_clips(dataset, index, config.seed)
    fit_rows = np.isin(index.clips, fit_clips)
    classifier = fit_classifier(gather_windows(dataset, index.starts[fit_rows], n), index.labels[fit_rows],
                                len(emotions))
    runs = _runs(dataset, test_clips, index, n)
    if not runs:
        raise DatasetTooSmallError("evaluation dataset: every emotion has a single clip; the classifier needs one "
                                   "half of the clips and the translation test the other (give >= 2 clips each)")
    if config.max_runs:
        runs = [runs[i] for i in np.random.default_rng([config.seed, 0x2A]).permutation(len(runs))[:config.max_runs]]
    test_rows = np.isin(index.clips, test_clips)
    real_acc = float(np.mean(classifier.predict(gather_windows(dataset, index.starts[test_rows], n))
                             == index.labels[test_rows]))
    hits = {e: [] for e in emotions}
    pccs, self_err, self_hits = [], [], []
    for r, (seq, label) in enumerate(runs):
        frames = len(seq)
        own = _self_translation(model, seq, config.direct)
        self_err.append(np.abs(own - seq))
        self_hits.extend(classifier.predict(_windows(own, n)) == label)
        z = np.random.default_rng([config.seed, r]).standard_normal((1, model.config.latent_dim)).astype(np.float32)
        styles = model.label_styles(torch.from_numpy(z).to(next(model.parameters()).device))[0].double().cpu().numpy()
        for target in range(len(emotions)):
            if target == label:
                continue
            out = translate_sequence(model, seq, np.repeat(styles[target][None], frames, 0), np.ones(frames),
                                     config.direct)
            hits[emotions[target]].extend(classifier.predict(_windows(out, n)) == target)
            pcc = _pcc(seq[:, 0], out[:, 0])
            if pcc is not None:
                pccs.append(pcc)
    losses = _losses(model, dataset, index, config) if model.discriminator is not None else None
    every = np.concatenate([np.asarray(h, bool) for h in hits.values()])
    errors = np.concatenate(self_err)
    frames = np.concatenate([seq for seq, _ in runs])
    spread = float(np.abs(frames - frames.mean(0)).mean())
    return ManipulatorReport(
        runs=len(runs), translated_windows=int(every.size), chance=1.0 / len(emotions), classifier_accuracy=real_acc,
        target_accuracy=float(every.mean()),
        target_accuracy_per_emotion={e: float(np.mean(h)) for e, h in hits.items() if h},
        jaw_pcc_mean=float(np.mean(pccs)) if pccs else float("nan"),
        jaw_pcc_min=float(np.min(pccs)) if pccs else float("nan"),
        self_l1=float(errors.mean()), self_relative_error=float(errors.mean() / max(spread, 1e-12)),
        self_accuracy=float(np.mean(self_hits)), losses=losses,
    )
