"""Identity embedder for ``ned eval --identity``: dlib's public-domain face descriptor, unit-normalised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.analysis.identity import FaceDescriptor, face_chip
from ned_core.exceptions import ShapeError
from ned_core.models.store import ModelStore


@dataclass(frozen=True)
class DlibIdentityEmbedder:
    """:class:`~ned_core.analysis.identity.FaceDescriptor` as an ``IdentityEmbedder``.

    Attributes:
        name: model and version, recorded in the results.
        descriptor: the loaded descriptor.
    """

    name: str
    descriptor: FaceDescriptor

    @classmethod
    def load(cls, store: ModelStore) -> DlibIdentityEmbedder:
        """Load the descriptor (see :meth:`FaceDescriptor.load` for the errors)."""
        descriptor = FaceDescriptor.load(store)
        return cls(descriptor.name, descriptor)

    def embed(self, image: np.ndarray, box: np.ndarray, landmarks: np.ndarray | None = None) -> np.ndarray:
        """Identity vector of the face whose Face Mesh points are ``landmarks``.

        Args:
            image: ``(H, W, 3) uint8`` sRGB.
            box: ``(4,)`` x0, y0, x1, y1 (unused: the chip is aligned from the landmarks).
            landmarks: ``(N >= 468, 2|3)`` Face Mesh points in image pixels; required.

        Returns:
            ``(128,) float32`` with unit L2 norm.
        """
        if landmarks is None:
            raise ShapeError("landmarks", "(N>=468, 2|3) Face Mesh points for dlib's face chip", "None")
        vec = self.descriptor.describe(face_chip(image, landmarks))
        return vec / np.linalg.norm(vec)
