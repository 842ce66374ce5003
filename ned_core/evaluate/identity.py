"""Identity preservation: the face-embedder interface, per-frame identity distance and FID.

The paper's FID uses face-recognition features. One embedder ships: dlib's public-domain ResNet face
descriptor (:mod:`ned_core.evaluate.identity_dlib`, the `identity` extra). Any object with the
:class:`IdentityEmbedder` shape plugs in.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

import numpy as np
from scipy import linalg

from ned_core.exceptions import MetricUndefinedError, ShapeError


@runtime_checkable
class IdentityEmbedder(Protocol):
    """Maps a face to an identity vector; faces of one person map close together.

    Attributes:
        name: what the embedder is (model and version), recorded in the results.
    """

    name: str

    def embed(self, image: np.ndarray, box: np.ndarray, landmarks: np.ndarray | None = None) -> np.ndarray:
        """Identity vector of the face in ``box``.

        Args:
            image: ``(H, W, 3) uint8`` sRGB.
            box: ``(4,)`` x0, y0, x1, y1 in image pixels.
            landmarks: ``(N >= 468, 2|3)`` the face's Face Mesh points in image pixels, for embedders that
                align the face themselves (the evaluation always passes them).

        Returns:
            ``(D,) float32`` with unit L2 norm.
        """
        ...


def _check_embeddings(name: str, e: np.ndarray) -> np.ndarray:
    e = np.asarray(e, dtype=np.float64)
    if e.ndim != 2 or 0 in e.shape or not np.all(np.isfinite(e)):
        raise ShapeError(name, "finite (T>=1, D) embeddings", f"shape {e.shape}")
    return e


def identity_distance(source: np.ndarray, result: np.ndarray,
                      metric: Literal["cosine", "l2"] = "cosine") -> np.ndarray:
    """Per-frame distance between the source's and the result's identity embeddings.

    Args:
        source, result: ``(T, D)`` embeddings (rows need not be normalised for "cosine").
        metric: ``"cosine"`` gives ``1 - cos`` in 0..2; ``"l2"`` the Euclidean distance.

    Returns:
        ``(T,) float64``; 0 for the same face.
    """
    a, b = _check_embeddings("source embeddings", source), _check_embeddings("result embeddings", result)
    if a.shape != b.shape:
        raise ShapeError("result embeddings", f"shape {a.shape}", b.shape)
    if metric == "l2":
        return np.linalg.norm(a - b, axis=1)
    if metric != "cosine":
        raise ShapeError("identity metric", "'cosine' or 'l2'", f"{metric!r}")
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    if np.any(na == 0) or np.any(nb == 0):
        raise MetricUndefinedError("cosine identity distance is undefined for an all-zero embedding")
    return 1.0 - np.einsum("td,td->t", a, b) / (na * nb)


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two embedding sets (FID on face features).

    ``|mu_a - mu_b|^2 + tr(C_a + C_b - 2 (C_a C_b)^(1/2))``. Meaningful only with many more
    samples than dimensions; with few frames it is biased upwards.

    Args:
        a: ``(N, D)`` embeddings, N >= 2.
        b: ``(M, D)`` embeddings, M >= 2.

    Returns:
        A non-negative float.
    """
    a, b = _check_embeddings("first embeddings", a), _check_embeddings("second embeddings", b)
    if a.shape[1] != b.shape[1]:
        raise ShapeError("second embeddings", f"dimension {a.shape[1]}", b.shape[1])
    if len(a) < 2 or len(b) < 2:
        raise MetricUndefinedError(f"Fréchet distance needs at least 2 samples per set, got {len(a)} and {len(b)}")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    root = linalg.sqrtm(cov_a @ cov_b)
    trace = np.trace(cov_a) + np.trace(cov_b) - 2.0 * float(np.trace(np.real(root)))
    return float(max(0.0, np.sum((mu_a - mu_b) ** 2) + trace))
