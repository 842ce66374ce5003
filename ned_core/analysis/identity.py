"""Who a face is: dlib's ResNet face descriptor (public domain) on chips aligned from our Face Mesh points.

dlib's 68-point shape predictor is not used (its training data carries non-commercial terms): the
150x150 face chip the descriptor expects is built here, by a least-squares similarity from eight
Face Mesh points to where dlib's chip layout puts the matching 68-point landmarks. Used to group
tracks into characters (:mod:`ned_core.analysis.characters`) and by ``ned eval --identity``.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ned_core.analysis.crop import warp
from ned_core.analysis.procrustes import similarity_transform
from ned_core.exceptions import IdentityModelUnavailableError, ModelMissingError, ShapeError
from ned_core.models.store import ModelStore

MODEL_NAME = "dlib_face_recognition"
MODEL_FILE = "dlib_face_recognition_resnet_model_v1.dat"
#: where the face-recognition-models package (the `identity` extra) ships the descriptor model.
PACKAGE, PACKAGE_DIR = "face-recognition-models", "face_recognition_models/models"
CHIP_SIZE, CHIP_PADDING = 150, 0.25  # dlib.get_face_chip defaults, which the descriptor was trained on

# Face Mesh index -> (x, y) of the matching 68-point landmark in dlib's mean face (unit square, points
# 17-67), from dlib's get_face_chip_details (dlib/image_transforms/interpolation.h, Boost Software
# License 1.0). Eye corners 36/39/42/45, mouth corners 48/54, upper lip top 51, lower lip bottom 57.
_MESH_TO_MEAN_FACE = {
    33: (0.121737, 0.216423),
    133: (0.334606, 0.231733),
    362: (0.645647, 0.231733),
    263: (0.858516, 0.216423),
    61: (0.254149, 0.780233),
    0: (0.490127, 0.742578),
    291: (0.726104, 0.780233),
    17: (0.490127, 0.909281),
}
MESH_ANCHORS = np.array(list(_MESH_TO_MEAN_FACE), dtype=np.int64)
CHIP_ANCHORS = (CHIP_PADDING + np.array(list(_MESH_TO_MEAN_FACE.values()))) / (2 * CHIP_PADDING + 1) * CHIP_SIZE


def face_chip(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The face as dlib's descriptor expects it: upright, scaled and placed like ``dlib.get_face_chip``.

    Args:
        image: ``(H, W, 3) uint8`` sRGB.
        landmarks: ``(N >= 468, 2|3)`` Face Mesh points in image pixels.

    Returns:
        ``(150, 150, 3) uint8`` chip; outside the image is black.
    """
    lms = np.asarray(landmarks)
    if lms.ndim != 2 or lms.shape[0] < 468 or lms.shape[1] not in (2, 3) or not np.all(np.isfinite(lms[:, :2])):
        raise ShapeError("landmarks", "finite (N>=468, 2|3) Face Mesh points", f"shape {lms.shape}")
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ShapeError("image", "(H, W, 3) uint8", f"{image.shape} {image.dtype}")
    m = similarity_transform(lms[MESH_ANCHORS, :2].astype(np.float64), CHIP_ANCHORS)
    return warp(image, m, (CHIP_SIZE, CHIP_SIZE))


def packaged_model_path() -> Path:
    """The descriptor model inside an installed face-recognition-models package (not imported: its
    ``__init__`` needs pkg_resources).

    Raises:
        ModelMissingError: the package is not installed or lacks the file.
    """
    try:
        path = Path(str(importlib.metadata.distribution(PACKAGE).locate_file(f"{PACKAGE_DIR}/{MODEL_FILE}")))
    except importlib.metadata.PackageNotFoundError:
        raise ModelMissingError(f"{PACKAGE} is not installed (pip install ned-render-node[identity])") from None
    if not path.is_file():
        raise ModelMissingError(f"{PACKAGE} is installed but {path} is missing; reinstall it")
    return path


def model_path(store: ModelStore) -> Path:
    """The registered ``dlib_face_recognition`` file, else the one face-recognition-models ships.

    Raises:
        ModelMissingError: neither in the store (fetched or registered) nor installed; the message says how.
    """
    try:
        return store.path(MODEL_NAME)
    except ModelMissingError as registered:
        try:
            return packaged_model_path()
        except ModelMissingError as packaged:
            raise ModelMissingError(f"{registered} Also looked for the installed package: {packaged}.") from None


@dataclass(frozen=True)
class FaceDescriptor:
    """dlib's 128-D ResNet face descriptor (``face_recognition_model_v1``) on Face-Mesh-aligned chips.

    Two chips of one person lie closer than about 0.6 (Euclidean), dlib's own same-person bound.

    Attributes:
        name: model and version, recorded with what it produced.
        model: the loaded ``dlib.face_recognition_model_v1``.
    """

    name: str
    model: object

    @classmethod
    def load(cls, store: ModelStore) -> FaceDescriptor:
        """Load the descriptor model (see :func:`model_path`); needs ``import dlib`` (the `identity` extra).

        Raises:
            ModelMissingError: the model file is neither in the store nor installed.
            IdentityModelUnavailableError: dlib is not installed.
        """
        path = model_path(store)
        try:
            import dlib
        except ImportError:
            raise IdentityModelUnavailableError(
                "dlib's face descriptor needs dlib: pip install ned-render-node[identity]") from None
        return cls(f"dlib {dlib.__version__} {MODEL_FILE}", dlib.face_recognition_model_v1(str(path)))

    def describe(self, chip: np.ndarray) -> np.ndarray:
        """``(128,) float32`` descriptor (dlib's scale, not normalised) of a :func:`face_chip`."""
        return np.asarray(self.model.compute_face_descriptor(chip), dtype=np.float32)
