"""Reference style ("like this reference clip"): extract a style offset from a clip and direct with it.

As in the paper, the reference is cut into N-frame windows, one style vector per window, and
the style is their geometric median (robust to a few odd windows). Here a window's style vector
is its mean on the emotion channels minus the reference actor's rest, where the rest is the
clip's tonic level (low percentile over face frames) minus the emotion that level shows (its
prototype fit) — so a clip that holds one emotion throughout still yields that emotion. The
style is then applied like a target emotion: ``target = intensity * offset``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ned_core.direct.baseline import emotion_amounts
from ned_core.direct.units import apply_overrides
from ned_core.direct.config import DirectConfig
from ned_core.direct.director import check_expression
from ned_core.direct.edit import redirect
from ned_core.direct.geomedian import geometric_median
from ned_core.direct.prototypes import SPEECH_CHANNELS, channel_indices, prototype_matrix, style_channel_indices
from ned_core.direct.schedule import EmotionSchedule
from ned_core.exceptions import ReferenceTooShortError, ScheduleTargetError, ShapeError
from ned_core.face3d.channels import NUM_CHANNELS


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields explicitly
class ReferenceStyle:
    """A reference clip's style.

    Attributes:
        offset: ``(K,)`` float64 target offset from the actor's rest: emotion channels from the
            reference (negative parts dropped), speech channels implied by the emotion the offset
            shows (e.g. a surprised clip's jaw drop), blink channels 0.
        windows: number of N-frame windows combined.
        face_frames: frames of the reference that had a face.
    """

    offset: np.ndarray
    windows: int
    face_frames: int


@dataclass(frozen=True, eq=False)  # holds arrays
class ReferenceWindows:
    """A reference clip checked and cut into its N-frame face windows.

    Attributes:
        values: ``(T', K) float64`` the clip, frames without a face zeroed.
        face: ``(T',) bool`` where the clip has a face.
        starts: ``(M,) int64`` first rows of the windows of N consecutive face frames (M >= 1).
    """

    values: np.ndarray
    face: np.ndarray
    starts: np.ndarray


def reference_windows(reference: np.ndarray, has_face: np.ndarray | None, window: int, channels: int,
                      check: Callable[[np.ndarray, int], np.ndarray]) -> ReferenceWindows:
    """Guard a reference clip and find its full face windows (shared by the prior's and the learned style).

    Args:
        reference: ``(T', K)`` expression of the clip (rows without a face are not read).
        has_face: ``(T',)`` bool; ``None`` = every frame has a face.
        window: N. channels: the K expected (for messages).
        check: the expression guard of the space, ``(values, frames) -> (T', K) float64``.

    Raises:
        ShapeError: not 2-D, or ``has_face`` of another length; ``check``'s errors.
        ReferenceTooShortError: no run of N consecutive face frames.
    """
    reference = np.asarray(reference)
    if reference.ndim != 2:
        raise ShapeError("reference", f"(T', {channels}) float", reference.shape)
    frames = reference.shape[0]
    face = np.ones(frames, dtype=bool) if has_face is None else np.asarray(has_face, dtype=bool)
    if face.shape != (frames,):
        raise ShapeError("reference has_face", f"({frames},) bool", face.shape)
    values = check(np.where(face[:, None], reference, 0.0), frames)
    starts = (np.flatnonzero(sliding_window_view(face, window).all(axis=1)) if frames >= window
              else np.zeros(0, dtype=np.int64))
    if starts.size == 0:
        raise ReferenceTooShortError(
            f"reference clip has {int(face.sum())} frames with a face out of {frames}, and no "
            f"{window} consecutive ones; a reference style needs at least one window of N={window} face frames"
        )
    return ReferenceWindows(values, face, starts)


def extract_reference_style(
    reference: np.ndarray, config: DirectConfig, has_face: np.ndarray | None = None
) -> ReferenceStyle:
    """The style of a reference clip.

    Args:
        reference: ``(T', K)`` float expression sequence of the reference clip; rows without a
            face may hold anything (they are not read).
        config: ``window`` (N), ``baseline_percentile``, ``geomedian_tol``/``geomedian_max_iter``.
        has_face: ``(T',)`` bool, True where the frame has a face; ``None`` = every frame.

    Raises:
        ShapeError: wrong shapes.
        ExpressionValueError: NaN/inf in a frame with a face.
        ReferenceTooShortError: no run of N consecutive frames with a face.
        GeometricMedianError: the median did not converge.
    """
    n = config.window
    cut = reference_windows(reference, has_face, n, NUM_CHANNELS,
                            lambda values, frames: check_expression(values, frames, what="reference"))
    values, face, full = cut.values, cut.face, cut.starts
    cols = style_channel_indices()
    tonic = np.percentile(values[face], config.baseline_percentile, axis=0)
    rest = tonic - emotion_amounts(tonic[None, :])[0] @ prototype_matrix()
    window_means = sliding_window_view(values, n, axis=0)[full].mean(axis=-1)  # (M, K)
    median = geometric_median(window_means[:, cols] - rest[cols], config.geomedian_tol, config.geomedian_max_iter)
    offset = np.zeros(values.shape[1], dtype=np.float64)
    offset[cols] = np.maximum(median, 0.0)
    speech = channel_indices(SPEECH_CHANNELS)
    offset[speech] = (emotion_amounts(offset[None, :]) @ prototype_matrix())[0, speech]
    return ReferenceStyle(offset=offset, windows=int(full.size), face_frames=int(face.sum()))


class ReferenceStyleDirector:
    """Directs to a reference clip's style (a :class:`Director`); the schedule gives the intensity.

    Works like :class:`~ned_core.direct.prior.EmotionPriorDirector` with ``intensity * offset``
    as the target. The schedule must be intensity-only (the clip, not labels, sets the emotion).
    ``seed`` does not change the result.
    """

    name = "reference_style"

    def __init__(self, style: ReferenceStyle, config: DirectConfig = DirectConfig()) -> None:
        self.style = style
        self.config = config

    def direct(self, expr: np.ndarray, schedule: EmotionSchedule, seed: int) -> np.ndarray:
        """``(T, K)`` expression (T = ``schedule.n_frames``) -> directed ``(T, K)`` of the same dtype.

        Raises:
            ShapeError, ExpressionValueError: bad ``expr``.
            ScheduleTargetError: the schedule names emotions.
        """
        if schedule.labelled:
            raise ScheduleTargetError(
                "a reference clip sets the target emotion: give intensities only (spec '0.8', or keys "
                "without 'emotion'), not emotion labels"
            )
        values = check_expression(expr, schedule.n_frames, schedule.first_frame)
        sample = schedule.sample()
        target, strength = apply_overrides(sample.intensity[:, None] * self.style.offset[None, :],
                                           np.minimum(sample.intensity, 1.0), sample.unit_values, sample.unit_mask)
        out = redirect(values, target, strength, self.config, sample.unit_mask)
        return out.astype(np.asarray(expr).dtype, copy=False)

    def metadata(self) -> dict[str, str]:
        """``ned/direct/*`` keys: director name, style offset and its provenance, config as JSON."""
        return {
            "ned/direct/director": self.name,
            "ned/direct/style": json.dumps([round(float(v), 6) for v in self.style.offset]),
            "ned/direct/style_windows": str(self.style.windows),
            "ned/direct/config": json.dumps(self.config.as_dict(), sort_keys=True),
        }
