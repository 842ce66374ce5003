"""The mean-face landmark template (ned_core/data/mean_face_468.npy): loader, and the recipe that builds it."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.frame import analyze_image
from ned_core.analysis.model_set import FaceMeshModels
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import eye_centres
from ned_core.analysis.types import NUM_MESH
from ned_core.exceptions import AnalysisError, NoFaceTrackError

MEAN_FACE_FILE = "mean_face_468.npy"
PROCRUSTES_ROUNDS = 5


@lru_cache(maxsize=1)
def load_mean_face() -> np.ndarray:
    """The mean face: ``(468, 3) float32`` MediaPipe mesh points of an average, symmetric, frontal face.

    Coordinates: x to the image right, y down, z away from the camera (MediaPipe's convention,
    smaller z = nearer), origin at the centroid of the 468 points, unit = the distance between the
    two eye-contour centres (the face is 1.0 inter-ocular distance wide at the eyes). The face is
    exactly mirror-symmetric about x = 0 (see :func:`mirror_indices`), eye line along +x.

    Built by :func:`build_mean_face` from skimage's astronaut and matplotlib's grace_hopper photos
    plus their mirror images, generalised-Procrustes aligned in 3D and averaged; rebuild with
    ``python -c "from ned_core.analysis.mean_face import write_mean_face; write_mean_face()"``.
    Used by alignment (aligned crops) and by face3d as its neutral reference shape.
    """
    path = resources.files("ned_core") / "data" / MEAN_FACE_FILE
    data = np.load(str(path))
    if data.shape != (NUM_MESH, 3):
        raise AnalysisError(f"{path}: expected a (468, 3) mean face, got {data.shape}")
    return data.astype(np.float32)


def mirror_indices(template: np.ndarray) -> np.ndarray:
    """``(468,) int64`` index of each point's left-right mirror partner (points on the midline map to themselves).

    Args:
        template: a symmetric ``(468, >=2)`` shape with its mirror plane at x = 0, as :func:`load_mean_face`.
    """
    return _partners([template[:, :2]], [template[:, :2] * np.array([-1.0, 1.0])])


def _partners(shapes: Sequence[np.ndarray], mirrored_back: Sequence[np.ndarray]) -> np.ndarray:
    """Partner map from shapes and the shapes of their mirror images flipped back (same frame).

    Point i of a mirror image, flipped back, lies where point partner(i) of the original lies.
    """
    cost = sum(np.linalg.norm(m[:, None] - s[None], axis=2) for s, m in zip(shapes, mirrored_back))
    rows, cols = linear_sum_assignment(cost)
    out = np.empty(len(cost), dtype=np.int64)
    out[rows] = cols
    return out


def _normalise(shape: np.ndarray) -> np.ndarray:
    """Centroid at the origin, inter-ocular distance 1."""
    shape = shape - shape.mean(axis=0)
    eyes = eye_centres(shape)
    return shape / np.linalg.norm(eyes[1] - eyes[0])


def _level(shape: np.ndarray, partner: np.ndarray) -> np.ndarray:
    """Turn the mirror plane onto x = 0 (subject's left at +x), then make the shape exactly symmetric."""
    pairs = shape - shape[partner]
    normal = np.linalg.svd(pairs, full_matrices=False)[2][0]
    if normal @ (shape[263] - shape[33]) < 0:
        normal = -normal
    axis = np.cross(normal, [1.0, 0.0, 0.0])
    sin, cos = np.linalg.norm(axis), float(normal[0])
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]]) / max(sin, 1e-12)
    rot = np.eye(3) + sin * k + (1 - cos) * (k @ k)  # Rodrigues: takes normal onto +x
    shape = shape @ rot.T
    flipped = shape[partner] * np.array([-1.0, 1.0, 1.0])
    return _normalise((shape + flipped) / 2.0)


def build_mean_face(images: Sequence[np.ndarray], config: AnalysisConfig, models: FaceMeshModels) -> np.ndarray:
    """Build the template from real photos, each used as is and mirrored.

    Args:
        images: ``(H, W, 3) uint8`` photos with one frontal face each.

    Returns:
        ``(468, 3) float32`` in the convention of :func:`load_mean_face`.

    Raises:
        NoFaceTrackError: a photo has no face.
    """
    shapes, originals, mirrored_back = [], [], []
    for n, image in enumerate(images):
        original = _mesh_of(image, n, config, models)
        mirrored = _mesh_of(np.ascontiguousarray(image[:, ::-1]), n, config, models)
        shapes += [_normalise(original), _normalise(mirrored)]
        originals.append(original[:, :2])
        mirrored_back.append(mirrored[:, :2] * [-1.0, 1.0] + [image.shape[1] - 1, 0.0])
    partner = _partners(originals, mirrored_back)
    mean = shapes[0]
    for _ in range(PROCRUSTES_ROUNDS):
        aligned = [s @ m[:, :3].T + m[:, 3] for s in shapes for m in [similarity_transform(s, mean)]]
        mean = _normalise(np.mean(aligned, axis=0))
    return _level(mean, partner).astype(np.float32)


def _mesh_of(image: np.ndarray, n: int, config: AnalysisConfig, models: FaceMeshModels) -> np.ndarray:
    faces = analyze_image(image, config, models)
    if not faces:
        raise NoFaceTrackError(f"build_mean_face: no face in image {n}")
    return faces[0].landmarks[:NUM_MESH].astype(np.float64)


def write_mean_face(path: Path | None = None, config: AnalysisConfig | None = None) -> Path:
    """Rebuild the shipped template from the astronaut and grace_hopper photos and save it (atomically)."""
    import cv2
    import skimage.data
    from matplotlib import cbook

    from ned_core.io.atomic import atomic_path

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        grace = cv2.cvtColor(cv2.imdecode(np.frombuffer(f.read(), np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    config = config or AnalysisConfig()
    template = build_mean_face([skimage.data.astronaut(), grace], config, FaceMeshModels.load(config=config))
    path = Path(path) if path else Path(str(resources.files("ned_core") / "data" / MEAN_FACE_FILE))
    with atomic_path(path) as tmp:
        np.save(tmp, template)
    load_mean_face.cache_clear()
    return path
