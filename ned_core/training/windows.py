"""N-frame training windows of a dataset (never across clips or missing faces) and seeded batches of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ned_core.exceptions import DatasetTooSmallError
from ned_core.training.dataset import ExpressionDataset


@dataclass(frozen=True, eq=False)  # holds arrays
class WindowIndex:
    """Where a dataset's windows start and what they are labelled.

    Attributes:
        starts: ``(M,) int64`` first row of each window in ``dataset.expression``.
        labels: ``(M,) int64`` the window's label: the most frequent frame label (ties: lower index).
        clips: ``(M,) int64`` clip of each window.
        window: N.
    """

    starts: np.ndarray
    labels: np.ndarray
    clips: np.ndarray
    window: int

    def __len__(self) -> int:
        return len(self.starts)


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)


def window_index(dataset: ExpressionDataset, window: int, hop: int = 1) -> WindowIndex:
    """Every ``window``-frame run of consecutive face frames of a clip, every ``hop`` frames.

    Windows whose most frequent frame label is "unlabelled" are left out.
    """
    starts, labels, clips = [], [], []
    domains = len(dataset.space.emotions)
    for clip in range(dataset.num_clips):
        rows = dataset.clip_rows(clip)
        if rows.stop - rows.start < window:
            continue
        full = sliding_window_view(dataset.valid[rows], window).all(axis=1)
        votes = sliding_window_view(dataset.labels[rows].astype(np.int64) + 1, window)  # 0 = unlabelled
        counts = np.stack([(votes == k).sum(axis=1) for k in range(domains + 1)], axis=1)
        label = counts.argmax(axis=1) - 1
        keep = np.flatnonzero(full & (label >= 0))
        keep = keep[keep % hop == 0]
        starts.append(rows.start + keep)
        labels.append(label[keep])
        clips.append(np.full(len(keep), clip))
    return WindowIndex(_cat(starts), _cat(labels), _cat(clips), window)


def gather_windows(dataset: ExpressionDataset, starts: np.ndarray, window: int) -> np.ndarray:
    """``(B, N, K) float32`` the windows starting at rows ``starts``."""
    return dataset.expression[np.asarray(starts)[:, None] + np.arange(window)]


def require_windows(index: WindowIndex, what: str, emotions: tuple[str, ...], min_domains: int = 2) -> None:
    """Raise if ``index`` has no windows or covers fewer than ``min_domains`` emotions.

    Raises:
        DatasetTooSmallError: the message says how many windows each emotion has.
    """
    counts = np.bincount(index.labels, minlength=len(emotions))
    if len(index) == 0 or np.count_nonzero(counts) < min_domains:
        per = ", ".join(f"{e} {n}" for e, n in zip(emotions, counts))
        raise DatasetTooSmallError(
            f"{what}: {len(index)} windows of N={index.window} face frames ({per}); need windows of at least "
            f"{min_domains} emotions (longer clips, more clips, or a smaller window)"
        )


class WindowSampler:
    """Uniformly random windows of a dataset (with replacement)."""

    def __init__(self, dataset: ExpressionDataset, index: WindowIndex) -> None:
        self.dataset, self.index = dataset, index

    def sample(self, batch: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``(B, N, K) float32`` windows and their ``(B,) int64`` labels, drawn with ``rng``."""
        pick = rng.integers(0, len(self.index), size=batch)
        return gather_windows(self.dataset, self.index.starts[pick], self.index.window), self.index.labels[pick]
