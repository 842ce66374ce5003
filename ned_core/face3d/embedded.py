"""The embedded tier's face model: Procrustes pose, shot rest shape, named action-unit expression."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.exceptions import ExpressionShapeError, LandmarkInputError
from ned_core.face3d.basis import ExpressionBasis, build_expression_basis
from ned_core.face3d.channels import SPEECH_CHANNEL
from ned_core.face3d.config import FitConfig
from ned_core.face3d.pose import fit_poses
from ned_core.face3d.rest import estimate_rest, release_held_expression
from ned_core.face3d.solver import box_least_squares
from ned_core.face3d.system import build_system
from ned_core.face3d.template import NUM_VERTICES
from ned_core.face3d.types import FitResult


class EmbeddedFaceModel:
    """:class:`~ned_core.face3d.interface.FaceModel` over MediaPipe's 468-point mesh.

    Fitting a track:

    1. Head pose per frame: 3D similarity Procrustes (weak perspective, the camera model of
       MediaPipe's mesh) of the rest shape's rigid vertices (those no action unit moves by more
       than ``FitConfig.rigid_threshold``: forehead, nose bridge and sides, temples, eye corners)
       onto the frame; the scale is then smoothed over time (``FitConfig.scale_smoothing``).
    2. The actor's rest shape from the pose-normalised frames (``rest.py``); pose and rest
       alternate ``FitConfig.pose_passes`` times, starting from the mean face. With
       ``FitConfig.read_held_expression`` an expression held through the whole shot is then
       moved out of the rest into the activations (read against the mean face, as a still is).
    3. Per frame, the bounded, ridge-regularised least-squares expression ``e`` with
       ``Z_t ~ rest + sum_k e_k D_k`` (depth down-weighted by ``FitConfig.z_weight``, stronger
       priors on ``FitConfig.channel_priors``), solved for all frames at once by a batched
       active-set method (``solver.py``).

    The model is linear in the expression: :meth:`reconstruct` is the exact inverse, and
    ``FitResult.unexplained`` holds what the 27 units cannot express.

    Args:
        basis: the expression basis (``build_expression_basis(load_mean_face())``).
        config: fit settings.
    """

    speech_channel = SPEECH_CHANNEL
    num_vertices = NUM_VERTICES

    def __init__(self, basis: ExpressionBasis, config: FitConfig | None = None):
        self.basis = basis
        self.config = config or FitConfig()
        self.channel_names = basis.channel_names
        self.system = build_system(basis, self.config)
        self._rigid = basis.rigid_weights(self.config.rigid_threshold)

    @classmethod
    def from_mean_face(cls, config: FitConfig | None = None) -> EmbeddedFaceModel:
        """The model on the shipped mean face (``ned_core.analysis.load_mean_face``)."""
        return cls(build_expression_basis(load_mean_face()), config)

    @property
    def mean_identity(self) -> np.ndarray:
        """``(468, 3)`` the mean face as a rest shape: pass it as ``identity`` when a shot is too short
        (a single still) to estimate the actor's own rest shape."""
        return self.basis.template

    def fit(self, landmarks: np.ndarray, identity: np.ndarray | None = None) -> FitResult:
        """Fit one actor's track (see the class docstring).

        Args:
            landmarks: ``(T, N, 3)`` float image-space landmarks, ``N >= 468`` (the first 468, the
                mesh, are used; MediaPipe's iris points 468-477 are ignored).
            identity: ``(468, 3)`` template-space rest shape from an earlier fit of the same actor
                (``FitResult.identity``) or :attr:`mean_identity`; None estimates it from the shot.

        Returns:
            The :class:`FitResult`; ``identity`` is the rest shape used.

        Raises:
            LandmarkInputError: wrong shape, fewer than 468 points, NaN/inf (names the frame).
        """
        pts = _check_landmarks(landmarks)
        smoothing = self.config.scale_smoothing
        rest = self.basis.template if identity is None else _check_identity(identity)
        for _ in range(self.config.pose_passes if identity is None else 0):
            shapes = fit_poses(rest, pts, self._rigid, smoothing).invert(pts)
            rest = estimate_rest(shapes, self.system, self.config)
        if identity is None and self.config.read_held_expression:
            rest = release_held_expression(rest, self.basis.template, self.system, self.config)
        pose = fit_poses(rest, pts, self._rigid, smoothing)
        shapes = pose.invert(pts)
        system = self.system
        rhs = (shapes - rest).reshape(len(pts), -1) @ system.projector
        expression = box_least_squares(system.hessian, rhs, system.lower, system.upper, self.config.solver_max_iter)
        unexplained = shapes - self.shapes(rest, expression)
        residual = 100.0 * np.sqrt(np.mean(np.sum(unexplained**2, axis=2), axis=1))
        return FitResult(
            pose=pose,
            identity=rest.astype(np.float32),
            expression=expression.astype(np.float32),
            residual=residual.astype(np.float32),
            unexplained=unexplained.astype(np.float32),
            channel_names=self.channel_names,
        )

    def shapes(self, identity: np.ndarray, expression: np.ndarray) -> np.ndarray:
        """Template-space faces ``(T, 468, 3) float64``: ``identity (468, 3)`` plus ``expression (T, K)``."""
        return identity + (np.asarray(expression, np.float64) @ self.system.design.T).reshape(-1, NUM_VERTICES, 3)

    def reconstruct(
        self, fit: FitResult, expression: np.ndarray | None = None, *, include_unexplained: bool = False
    ) -> np.ndarray:
        """Image-space mesh ``(T, 468, 3) float32`` from a fit and an (edited) expression.

        Args:
            fit: the fit whose pose and identity place the face.
            expression: ``(T, K)`` activations, None for ``fit.expression``.
            include_unexplained: add ``fit.unexplained`` (the observed detail the model leaves out).

        Raises:
            ExpressionShapeError: ``expression`` is not ``(T, K)`` for the fit's ``T`` or holds NaN/inf.
        """
        faces = self.shapes(fit.identity, self.check_expression(fit, expression))
        if include_unexplained:
            faces = faces + fit.unexplained
        return fit.pose.apply(faces).astype(np.float32)

    def check_expression(self, fit: FitResult, expression: np.ndarray | None) -> np.ndarray:
        """``expression`` (None: ``fit.expression``) as an array, checked to be finite ``(T, K)`` for the fit.

        Raises:
            ExpressionShapeError: wrong shape for the fit's ``T`` and this model's ``K``, or NaN/inf.
        """
        expr = fit.expression if expression is None else np.asarray(expression)
        want = (len(fit.pose), len(self.channel_names))
        if expr.shape != want or not np.all(np.isfinite(expr)):
            raise ExpressionShapeError(f"expression: expected finite {want} activations, got {expr.shape}")
        return expr


def _check_landmarks(landmarks: np.ndarray) -> np.ndarray:
    arr = np.asarray(landmarks)
    if arr.ndim != 3 or arr.shape[1] < NUM_VERTICES or arr.shape[2] != 3 or arr.shape[0] == 0:
        raise LandmarkInputError(f"landmarks: expected (T >= 1, N >= {NUM_VERTICES}, 3), got {arr.shape}")
    pts = arr[:, :NUM_VERTICES].astype(np.float64)
    bad = ~np.all(np.isfinite(pts), axis=(1, 2))
    if bad.any():
        raise LandmarkInputError(
            f"landmarks: frame index {int(np.argmax(bad))} holds NaN or inf "
            f"({int(bad.sum())} bad frames); drop or interpolate them before fitting"
        )
    return pts


def _check_identity(identity: np.ndarray) -> np.ndarray:
    arr = np.asarray(identity, np.float64)
    if arr.shape != (NUM_VERTICES, 3) or not np.all(np.isfinite(arr)):
        raise LandmarkInputError(f"identity: expected a finite ({NUM_VERTICES}, 3) rest shape, got {arr.shape}")
    return arr
