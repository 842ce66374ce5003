"""A reference clip's learned style: the geometric median of the style encoder's codes of its N-frame windows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view

from ned_core.direct.config import DirectConfig
from ned_core.direct.geomedian import geometric_median
from ned_core.direct.reference import reference_windows
from ned_core.manipulation.model import Manipulator
from ned_core.manipulation.space import check_space_expression


@dataclass(frozen=True, eq=False)  # holds an array
class LearnedStyle:
    """A style code taken from a reference clip.

    Attributes:
        vector: ``(S,) float64`` the style (paper: d in R^16).
        windows: N-frame windows combined. face_frames: frames of the reference with a face.
    """

    vector: np.ndarray
    windows: int
    face_frames: int


@torch.no_grad()
def extract_learned_style(model: Manipulator, reference: np.ndarray, config: DirectConfig,
                          has_face: np.ndarray | None = None) -> LearnedStyle:
    """The style of a reference clip (paper §3.2: geometric median of the windowed style codes).

    Args:
        model: the manipulator. reference: ``(T', K)`` expression of the clip in the model's space
            (rows without a face are not read).
        config: ``window`` (N, windows slide by one frame) and the geometric median's tolerances.
        has_face: ``(T',)`` bool; ``None`` = every frame has a face.

    Raises:
        ExpressionSpaceMismatchError, ShapeError, ExpressionValueError: bad ``reference``.
        ReferenceTooShortError: no run of N consecutive face frames.
        GeometricMedianError: the median did not converge.
    """
    n = config.window
    cut = reference_windows(reference, has_face, n, model.space.dim, lambda values, frames: check_space_expression(
        values, model.space, frames, what="reference"))
    windows = sliding_window_view(cut.values, n, axis=0).transpose(0, 2, 1)[cut.starts]  # (M, N, K)
    device = next(model.parameters()).device
    codes = model.style_encoder(torch.from_numpy(np.ascontiguousarray(windows)).float().to(device))
    vector = geometric_median(codes.double().cpu().numpy(), config.geomedian_tol, config.geomedian_max_iter)
    return LearnedStyle(vector, int(cut.starts.size), int(cut.face.sum()))
