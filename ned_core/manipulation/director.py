"""The learned director: the manipulator applied to a shot with the paper's sliding windows (a ``Director``).

Per window of N frames (sliding by one, Gaussian-weighted overlap averaging: the shared
:func:`ned_core.direct.apply_windowed`), the source style is ``d_s = E(s)`` and the target style
``d_t`` is the schedule's emotion mix of the mapping network's styles ``M(z, e)`` for one ``z``
drawn from the seed (or, for a reference clip, the clip's style). Intensity ``i`` (the window's
mean) interpolates the style, ``d = d_s + i (d_t - d_s)``, and the output is

    ``G(s, d) + max(0, 1 - i) * (s - G(s, d_s))``

At ``i = 1`` this is the paper's ``G(s, d_t)``; above 1 the style is extrapolated (1.5 =
exaggerated); below 1 what the network fails to reproduce of the actor (``s - G(s, d_s)``) is
faded back in, so ``i = 0`` returns the performance exactly and the change grows smoothly.

The networks run on all windows of a shot in batches (:mod:`ned_core.manipulation.batched_windows`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from ned_core.direct.config import DirectConfig
from ned_core.direct.schedule import EmotionSchedule
from ned_core.exceptions import ScheduleTargetError
from ned_core.face3d.channels import EMOTIONS
from ned_core.manipulation.batched_windows import apply_windowed_batched
from ned_core.manipulation.learned_style import LearnedStyle, extract_learned_style
from ned_core.manipulation.load import load_manipulator
from ned_core.manipulation.model import Manipulator
from ned_core.manipulation.space import check_space_expression

BATCH_WINDOWS = 512  # windows per network call


def _device(model: Manipulator) -> torch.device:
    return next(model.parameters()).device


@torch.no_grad()
def _translate_windows(model: Manipulator, windows: np.ndarray, context: np.ndarray, batch: int) -> np.ndarray:
    """``(W, N, K)`` windows, ``(W, N, S + 1)`` per-frame target style and intensity -> ``(W, N, K)``,
    ``batch`` windows per network call (smaller batches need less device memory)."""
    out = np.empty_like(windows)
    device = _device(model)
    for lo in range(0, len(windows), batch):
        s = torch.from_numpy(windows[lo:lo + batch]).float().to(device)
        ctx = torch.from_numpy(context[lo:lo + batch]).float().to(device).mean(dim=1)
        own = model.style_encoder(s)
        target, intensity = ctx[:, :-1], ctx[:, -1:]
        result = model.translator(s, own + intensity * (target - own))
        fade = torch.clamp(1.0 - intensity, min=0.0)[:, :, None]
        if bool((fade > 0).any()):
            result = result + fade * (s - model.translator(s, own))
        out[lo:lo + batch] = result.double().cpu().numpy()
    untouched = context[:, :, -1].max(axis=1) == 0  # intensity 0 throughout: the input, bit for bit
    out[untouched] = windows[untouched]
    return out


def translate_sequence(model: Manipulator, expr: np.ndarray, target_styles: np.ndarray, intensity: np.ndarray,
                       config: DirectConfig, batch_windows: int = BATCH_WINDOWS) -> np.ndarray:
    """Translate a whole sequence with sliding windows and Gaussian overlap averaging.

    Args:
        model: the manipulator (eval mode). expr: ``(T, K)`` float64, finite.
        target_styles: ``(T, S)`` target style per frame. intensity: ``(T,)`` per frame.
        config: ``window`` (N) and ``window_sigma``.
        batch_windows: windows per network call.

    Returns:
        ``(T, K)`` float64.
    """
    context = np.concatenate([target_styles, intensity[:, None]], axis=1)
    return apply_windowed_batched(expr, lambda w, c: _translate_windows(model, w, c, batch_windows), config.window,
                                  config.window_sigma, context)


class LearnedDirector:
    """Directs with a trained manipulator (a :class:`~ned_core.direct.Director`); see the module docstring.

    Args:
        model: the manipulator (its space must be the shot's expression space).
        config: ``window``/``window_sigma`` of the sliding windows.
        style: a reference clip's style; then the schedule must be intensity-only.
        source: the checkpoint it came from (for metadata).
        batch_windows: windows per network call (the render node lowers it after a GPU out-of-memory error).
    """

    name = "learned_manipulator"

    def __init__(self, model: Manipulator, config: DirectConfig = DirectConfig(), style: LearnedStyle | None = None,
                 source: str = "", batch_windows: int = BATCH_WINDOWS) -> None:
        if batch_windows < 1:
            raise ValueError(f"batch_windows must be >= 1, got {batch_windows}")
        self.batch_windows = batch_windows
        self.model = model.eval()
        self.config = config
        self.style = style
        self.source = source

    def _target_styles(self, schedule: EmotionSchedule, seed: int) -> tuple[np.ndarray, np.ndarray]:
        sample = schedule.sample()
        if self.style is not None:
            if schedule.labelled:
                raise ScheduleTargetError("a reference clip sets the target emotion: give intensities only "
                                          "(spec '0.8', or keys without 'emotion'), not emotion labels")
            return np.repeat(self.style.vector[None], len(sample.intensity), axis=0), sample.intensity
        if not schedule.labelled:
            raise ScheduleTargetError("the learned director needs a schedule that names emotions, or a reference clip")
        table = self.label_styles(seed)
        unknown = ~np.isfinite(table[:, 0])
        if np.any(sample.weights[:, unknown] > 0):
            raise ScheduleTargetError(f"the schedule asks for an emotion this manipulator was not trained on; it "
                                      f"knows {', '.join(self.model.space.emotions)}")
        return sample.weights @ np.where(unknown[:, None], 0.0, table), sample.intensity

    def label_styles(self, seed: int) -> np.ndarray:
        """``(7, S) float64`` the mapping network's style of each emotion of ``EMOTIONS`` for the seed's z.

        Emotions the manipulator was not trained on (a subset checkpoint) get NaN rows.
        """
        z = np.random.default_rng(seed).standard_normal((1, self.model.config.latent_dim)).astype(np.float32)
        styles = self.model.label_styles(torch.from_numpy(z).to(_device(self.model)))[0].double().cpu().numpy()
        table = np.full((len(EMOTIONS), styles.shape[1]), np.nan)
        for i, emotion in enumerate(self.model.space.emotions):
            table[EMOTIONS.index(emotion)] = styles[i]
        return table

    def direct(self, expr: np.ndarray, schedule: EmotionSchedule, seed: int) -> np.ndarray:
        """``(T, K)`` expression (T = ``schedule.n_frames``) -> directed ``(T, K)`` of the same dtype.

        Raises:
            ExpressionSpaceMismatchError: K is not the manipulator's channel count.
            ShapeError, ExpressionValueError: bad ``expr``.
            ScheduleTargetError: labels with a reference style, none without, or an emotion the
                manipulator was not trained on.
        """
        values = check_space_expression(expr, self.model.space, schedule.n_frames, schedule.first_frame)
        styles, intensity = self._target_styles(schedule, seed)
        out = translate_sequence(self.model, values, styles, intensity, self.config, self.batch_windows)
        return out.astype(np.asarray(expr).dtype, copy=False)

    def metadata(self) -> dict[str, str]:
        """``ned/direct/*`` keys: director, checkpoint, space, config (and the reference style)."""
        meta = {
            "ned/direct/director": self.name,
            "ned/direct/checkpoint": self.source,
            "ned/direct/space": self.model.space.name,
            "ned/direct/config": json.dumps(self.config.as_dict(), sort_keys=True),
        }
        if self.style is not None:
            meta["ned/direct/style"] = json.dumps([round(float(v), 6) for v in self.style.vector])
            meta["ned/direct/style_windows"] = str(self.style.windows)
        return meta


def load_learned_director(checkpoint_path: Path | str, device: str = "cpu", config: DirectConfig = DirectConfig(),
                          reference: np.ndarray | None = None,
                          reference_has_face: np.ndarray | None = None,
                          batch_windows: int = BATCH_WINDOWS) -> LearnedDirector:
    """The director ``ned render --director learned --checkpoint X`` uses.

    Args:
        checkpoint_path: a ``NedManipulator.1`` checkpoint or an official NED ``*_nets*.pth``.
        device: torch device for the networks.
        config: sliding-window settings (N, sigma) and the reference style's geometric median.
        reference: ``(T', K)`` expression of a reference clip (then the schedule gives
            intensities only); ``None`` for labelled emotions.
        reference_has_face: ``(T',)`` bool, frames of the reference with a face.
        batch_windows: windows per network call (less device memory when smaller).

    Raises:
        CheckpointFormatError: the checkpoint cannot be read.
        ReferenceTooShortError: the reference has no N consecutive face frames.
    """
    model = load_manipulator(checkpoint_path, device).model
    style = None if reference is None else extract_learned_style(model, reference, config, reference_has_face)
    digest = hashlib.sha256(Path(checkpoint_path).read_bytes()).hexdigest()[:16]
    return LearnedDirector(model, config, style, f"{Path(checkpoint_path).name} sha256:{digest}", batch_windows)
