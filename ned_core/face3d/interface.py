"""The face-model interface the pipeline fits through (``EmbeddedFaceModel`` is its one implementation)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from ned_core.face3d.types import FitResult


@runtime_checkable
class FaceModel(Protocol):
    """Separates a shot's landmarks into head pose, actor identity and a per-frame expression vector.

    Attributes:
        channel_names: the ``K`` expression channel names, fixed order.
        speech_channel: index of the jaw-opening channel (the one direction must preserve).
        num_vertices: ``V``, points per reconstructed face.
    """

    channel_names: tuple[str, ...]
    speech_channel: int
    num_vertices: int

    def fit(self, landmarks: np.ndarray, identity: np.ndarray | None = None) -> FitResult:
        """Fit one actor's track.

        Args:
            landmarks: ``(T, N, 3)`` float image-space landmarks of one face over ``T`` frames.
            identity: the actor's identity from an earlier fit (e.g. of a neutral reference clip);
                None estimates it from this shot.

        Returns:
            Pose, identity, ``(T, K)`` expression and ``(T,)`` residual.
        """
        ...

    def reconstruct(
        self, fit: FitResult, expression: np.ndarray | None = None, *, include_unexplained: bool = False
    ) -> np.ndarray:
        """Image-space face points from a fit, optionally with an edited expression.

        Args:
            fit: a result of :meth:`fit` (its pose and identity are used; replace them with
                ``dataclasses.replace`` to re-pose).
            expression: ``(T, K)`` activations; None uses ``fit.expression``.
            include_unexplained: add the fit's unexplained per-frame offsets, so that the unedited
                expression reproduces the observed landmarks exactly.

        Returns:
            ``(T, V, 3) float32`` image-space points.
        """
        ...
