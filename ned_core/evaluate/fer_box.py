"""The face box fer's own pipeline would classify, for a face the analysis found (its 468 mesh points).

fer's ``detect_emotions`` finds faces with OpenCV's frontal-face Haar cascade (``scaleFactor`` 1.1,
``minNeighbors`` 5, ``minSize`` 50 px) and classifies the square box it returns grown by 10 px a side.
That box frames the face from mid-forehead to chin, cheek to cheek: on the astronaut still it is 95 px
(2.2 IOD) wide, centred 0.25 IOD below the eyes, and the crop fer classifies 115 px (2.6 IOD). The mesh's
bounds grown by 20 % a side, the crop used before, were 150 px (3.4 IOD) centred 0.47 IOD below the
eyes: 1.3x wider, with more hair, neck and background around a smaller face, and fer read the
astronaut still made sad or angry as neutral (p(sad) 0.05, p(angry) 0.20) where its own crop reads sad
0.48 / angry 0.38 (and matplotlib's Grace Hopper neutral 0.96, the figure of fer's own pipeline, not
0.94). On a close-up cut by the frame the old crop's out-of-frame part was filled grey, hiding the hair
and neck as fer's tighter crop does: that, not the render, is why sad and angry read there and not on
the medium shot (the same rendered pixels filmed as the close-up: sad 0 -> 38 %, angry 0 -> 42 %).

Where the cascade finds no face around the mesh (a close-up cut by the frame, a face turned away, a dark
plate) the box comes from the mesh instead, as the cascade frames these faces: a square 1.1 mesh widths
wide (the cascade's side over the mesh's width: astronaut 1.0, Grace Hopper 1.2-1.26 over 24-frame clips
and rescaled stills) centred 0.09 mesh widths above the mesh's box centre (0.08-0.10 on all of them).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ned_core.analysis.regions import eye_centres
from ned_core.exceptions import ModelMissingError, ShapeError

CASCADE_FILE = "haarcascade_frontalface_default.xml"  # fer's default detector, shipped with OpenCV
SCALE_FACTOR, MIN_NEIGHBOURS, MIN_FACE_PX = 1.1, 5, 50  # fer.FER's detectMultiScale arguments
MESH_SIDE, MESH_RISE = 1.1, 0.09  # the fallback box: side and rise above the mesh box centre, in mesh widths
MESH_POINTS = 468


class FerFaceBoxes:
    """fer's face detector, loaded once; reuse the instance for every frame (not thread-safe)."""

    def __init__(self, cascade_dir: Path | str | None = None):
        path = Path(cascade_dir if cascade_dir is not None else cv2.data.haarcascades) / CASCADE_FILE
        self.cascade = cv2.CascadeClassifier(str(path))
        if self.cascade.empty():
            raise ModelMissingError(f"fer's face detector {path} is missing or unreadable: it ships with OpenCV "
                                    f"(opencv-python-headless, cv2/data/{CASCADE_FILE}); reinstall OpenCV")

    def box(self, image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        """fer's face box around one analysed face.

        Args:
            image: ``(H, W, 3) uint8`` sRGB.
            landmarks: ``(N >= 468, >= 2)`` the face's mesh points, image pixels.

        Returns:
            ``(4,) float64`` x0, y0, x1, y1: the cascade's square box that holds the point between the eyes
            (the largest, if several), else the mesh's estimate of it (module docstring); fer's 10 px are
            added by the classifier's crop.
        """
        pts = np.asarray(landmarks, np.float64)
        if pts.ndim != 2 or pts.shape[0] < MESH_POINTS or pts.shape[1] < 2:
            raise ShapeError("fer face box: landmarks", f"(N >= {MESH_POINTS}, >= 2)", pts.shape)
        pts = pts[:MESH_POINTS, :2]
        between = eye_centres(pts).mean(axis=0)
        grey = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
        found = self.cascade.detectMultiScale(grey, scaleFactor=SCALE_FACTOR, minNeighbors=MIN_NEIGHBOURS,
                                              flags=cv2.CASCADE_SCALE_IMAGE, minSize=(MIN_FACE_PX, MIN_FACE_PX))
        around = [(x, y, w, h) for x, y, w, h in np.reshape(found, (-1, 4))
                  if x <= between[0] <= x + w and y <= between[1] <= y + h]
        if around:
            x, y, w, h = max(around, key=lambda r: r[2] * r[3])
            return np.array([x, y, x + w, y + h], np.float64)
        low, high = pts.min(axis=0), pts.max(axis=0)
        width = high[0] - low[0]
        centre = np.array([(low[0] + high[0]) / 2, (low[1] + high[1]) / 2 - MESH_RISE * width])
        half = MESH_SIDE * width / 2
        return np.concatenate([centre - half, centre + half])

    def boxes(self, images: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        """``(T, 4) float64`` :meth:`box` of one face per image, from ``(T, H, W, 3)`` images and ``(T, N, >= 2)``
        landmarks."""
        if len(images) != len(landmarks):
            raise ShapeError("fer face boxes: landmarks", f"{len(images)} sets (one per image)", len(landmarks))
        return np.array([self.box(im, lm) for im, lm in zip(images, landmarks)], np.float64).reshape(-1, 4)
