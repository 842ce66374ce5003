"""An emotion classifier of expression windows, trained on real sequences only (judges translations independently of D).

Features per window: every channel's mean, standard deviation and range over the N frames,
standardised with the training set's statistics; model: L2-regularised multinomial logistic
regression fitted by L-BFGS. Deliberately unlike the discriminator (no LSTM, no shared
weights), so a translation that fools D but does not show the emotion is not rewarded twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ned_core.exceptions import ShapeError


def window_features(windows: np.ndarray) -> np.ndarray:
    """``(M, N, K)`` windows -> ``(M, 3K) float64`` per-channel mean, std and range."""
    windows = np.asarray(windows, np.float64)
    if windows.ndim != 3:
        raise ShapeError("window_features", "windows (M, N, K)", windows.shape)
    return np.concatenate([windows.mean(1), windows.std(1), np.ptp(windows, axis=1)], axis=1)


@dataclass(frozen=True, eq=False)  # holds arrays
class EmotionClassifier:
    """A fitted classifier.

    Attributes:
        mean, scale: ``(3K,) float64`` feature standardisation.
        weights: ``(3K, D) float64``. bias: ``(D,) float64``.
    """

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, windows: np.ndarray) -> np.ndarray:
        """``(M, N, K)`` windows -> ``(M, D) float64`` class probabilities."""
        logits = ((window_features(windows) - self.mean) / self.scale) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, windows: np.ndarray) -> np.ndarray:
        """``(M,) int64`` most probable class per window."""
        return self.probabilities(windows).argmax(axis=1)


def fit_classifier(windows: np.ndarray, labels: np.ndarray, num_classes: int, l2: float = 1e-3,
                   max_iter: int = 200) -> EmotionClassifier:
    """Fit on real windows.

    Args:
        windows: ``(M, N, K)`` float. labels: ``(M,)`` int in ``0..num_classes-1``.
        num_classes: D. l2: weight decay (on standardised features). max_iter: L-BFGS iterations.
    """
    features = window_features(windows)
    labels = np.asarray(labels, np.int64)
    if labels.shape != (len(features),):
        raise ShapeError("fit_classifier", f"labels ({len(features)},)", labels.shape)
    mean, scale = features.mean(0), features.std(0) + 1e-6
    x = torch.from_numpy((features - mean) / scale)
    y = torch.from_numpy(labels)
    w = torch.zeros(x.shape[1], num_classes, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(num_classes, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([w, b], max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(x @ w + b, y) + l2 * (w**2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return EmotionClassifier(mean, scale, w.detach().numpy().copy(), b.detach().numpy().copy())
