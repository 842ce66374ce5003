"""Plain data of the face3d stage: head pose per frame and the result of fitting a shot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Pose:
    """Per-frame similarity transform from template space to image space.

    Template space: x = the subject's left (image right for a frontal face), y = down, z = away
    from the camera (MediaPipe's depth sign), unit = the inter-ocular distance (IOD, between the
    eye centres), origin midway between the eyes. Image space: x, y in pixels, z in the same pixel
    scale. A template point ``p`` lands at ``scale * rotation @ p + translation``, so ``scale`` is
    also the face's IOD in pixels. The camera is weak-perspective (orthographic plus scale), the
    model MediaPipe's mesh follows.

    Attributes:
        rotation: ``(T, 3, 3) float64`` proper rotations.
        scale: ``(T,) float64`` pixels per IOD.
        translation: ``(T, 3) float64`` pixels.
    """

    rotation: np.ndarray
    scale: np.ndarray
    translation: np.ndarray

    def __len__(self) -> int:
        return len(self.scale)

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Template-space ``(T, N, 3)`` or ``(N, 3)`` points -> image space ``(T, N, 3) float64``."""
        pts = np.broadcast_to(points, (len(self), *np.shape(points)[-2:]))
        return self.scale[:, None, None] * pts @ self.rotation.transpose(0, 2, 1) + self.translation[:, None]

    def invert(self, points: np.ndarray) -> np.ndarray:
        """Image-space ``(T, N, 3)`` points -> template space ``(T, N, 3) float64``."""
        return (np.asarray(points, np.float64) - self.translation[:, None]) @ self.rotation / self.scale[:, None, None]

    def euler(self) -> np.ndarray:
        """``(T, 3) float64`` (yaw, pitch, roll) in radians with ``rotation = Rz(roll) Ry(yaw) Rx(pitch)``.

        Yaw > 0 brings the subject's left cheek towards the camera, pitch > 0 tips the chin away
        from the camera (nod down), roll > 0 turns the face clockwise on screen.
        """
        r = self.rotation
        yaw = np.arcsin(np.clip(-r[:, 2, 0], -1.0, 1.0))
        pitch = np.arctan2(r[:, 2, 1], r[:, 2, 2])
        roll = np.arctan2(r[:, 1, 0], r[:, 0, 0])
        return np.stack([yaw, pitch, roll], axis=1)

    @classmethod
    def from_euler(cls, angles: np.ndarray, scale: np.ndarray, translation: np.ndarray) -> Pose:
        """Build poses from ``(T, 3)`` (yaw, pitch, roll) radians, ``(T,)`` scale, ``(T, 3)`` translation."""
        yaw, pitch, roll = (np.asarray(angles, np.float64)[:, k] for k in range(3))
        cy, sy, cp, sp, cr, sr = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch), np.cos(roll), np.sin(roll)
        one, zero = np.ones_like(yaw), np.zeros_like(yaw)
        rz = np.stack([cr, -sr, zero, sr, cr, zero, zero, zero, one], 1).reshape(-1, 3, 3)
        ry = np.stack([cy, zero, sy, zero, one, zero, -sy, zero, cy], 1).reshape(-1, 3, 3)
        rx = np.stack([one, zero, zero, zero, cp, -sp, zero, sp, cp], 1).reshape(-1, 3, 3)
        return cls(rz @ ry @ rx, np.asarray(scale, np.float64), np.asarray(translation, np.float64))


@dataclass(frozen=True)
class FitResult:
    """A shot's face fitted by a :class:`~ned_core.face3d.interface.FaceModel`.

    Attributes:
        pose: per-frame head pose (``T`` frames).
        identity: the actor's model-specific identity. Embedded model: the rest shape,
            ``(468, 3) float32`` in template space (the face with every channel at 0).
        expression: ``(T, K) float32`` channel activations (``channel_names`` order).
        residual: ``(T,) float32`` RMS 3D distance between the observed and the reconstructed mesh
            points, in percent of the inter-ocular distance.
        unexplained: ``(T, V, 3) float32`` what the model leaves out, in template space
            (observed minus reconstructed); add it back to reproduce the observation exactly.
        channel_names: names of the ``K`` expression channels.
    """

    pose: Pose
    identity: np.ndarray
    expression: np.ndarray
    residual: np.ndarray
    unexplained: np.ndarray
    channel_names: tuple[str, ...]
