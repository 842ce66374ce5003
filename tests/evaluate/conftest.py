"""Shared fixtures for the evaluation tests: the classifier, the real face photos and a synthetic shot."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import AnalysisConfig, FaceMeshModels, analyze_image
from ned_core.evaluate.emotion import EmotionClassifier
from ned_core.evaluate.measure import ShotInputs
from ned_core.evaluate.mouth import INNER_LIP_LOWER, INNER_LIP_UPPER, LIP_POINTS

RIGHT_EYE, LEFT_EYE = 33, 263


@pytest.fixture(scope="session")
def classifier() -> EmotionClassifier:
    return EmotionClassifier.load()


@pytest.fixture(scope="session")
def face_of():
    """``face_of(image)``: the largest face that analyze_image finds (FaceObservation)."""
    config = AnalysisConfig(num_threads=1)
    models = FaceMeshModels.load(config=config)

    def first_face(image: np.ndarray):
        faces = analyze_image(image, config, models)
        assert faces, "analyze_image found no face in a test photo"
        return faces[0]

    return first_face


def face_landmarks(cx: float, cy: float, iod: float, opening: float) -> np.ndarray:
    """``(468, 2)`` synthetic Face Mesh points: eyes level ``iod`` apart, lips around the mouth.

    Points not used by the metrics are scattered over the face (fixed seed) so that their bounds make
    a face box. ``opening`` is the inner-lip gap in inter-ocular units.
    """
    rng = np.random.default_rng(7)
    pts = np.column_stack([rng.uniform(cx - 0.9 * iod, cx + 0.9 * iod, 468),
                           rng.uniform(cy - 1.0 * iod, cy + 1.2 * iod, 468)])
    pts[RIGHT_EYE] = (cx - iod / 2, cy - 0.3 * iod)
    pts[LEFT_EYE] = (cx + iod / 2, cy - 0.3 * iod)
    mx, my = cx, cy + 0.5 * iod
    angles = np.linspace(0, 2 * np.pi, len(LIP_POINTS), endpoint=False)
    pts[list(LIP_POINTS)] = np.column_stack([mx + 0.25 * iod * np.cos(angles), my + 0.08 * iod * np.sin(angles)])
    pts[INNER_LIP_UPPER] = (mx, my - opening * iod / 2)
    pts[INNER_LIP_LOWER] = (mx, my + opening * iod / 2)
    return pts


def speech_signal(t: int) -> np.ndarray:
    """``(t,)`` mouth opening of a talking face: syllable bumps of varying height, closed pauses."""
    k = np.arange(t)
    syllables = np.clip(np.sin(2 * np.pi * k / 6.0), 0, None) * (0.15 + 0.15 * np.sin(k / 5.0) ** 2)
    return np.where((k // 24) % 3 == 2, 0.0, syllables)  # every third second is a pause


def make_shot(t: int = 12, size: int = 96) -> ShotInputs:
    """A small moving, talking synthetic shot whose result equals its source (self-translation)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    opening = speech_signal(t)
    frames, masks, lms = [], [], []
    for i in range(t):
        cx, cy = size / 2 - t / 2 + i, size / 2  # the head moves 1 px per frame
        face = (xx - cx) ** 2 / 30**2 + (yy - cy) ** 2 / 38**2 <= 1.0
        img = np.stack([xx * 2, yy * 2, (xx + yy + 10 * i) % 256], axis=-1)
        shade = 200 - 40 * ((yy - cy) / 38) ** 2 - 30 * ((xx - cx) / 30) ** 2 + 10 * np.sin((xx - cx) / 3)
        img[face] = shade[face][:, None] * np.array([1.0, 0.8, 0.7])
        frames.append(img.clip(0, 255).astype(np.uint8))
        masks.append(face)
        lms.append(face_landmarks(cx, cy, 30.0, opening[i]))
    frames = np.stack(frames)
    landmarks = np.stack(lms)
    return ShotInputs(source=frames, result=frames.copy(), masks=np.stack(masks), source_landmarks=landmarks,
                      result_landmarks=landmarks.copy(), frames=np.arange(1001, 1001 + t), name="synthetic_shot")


@pytest.fixture(name="make_shot")
def make_shot_fixture():
    """``make_shot(t=12, size=96)``: see :func:`make_shot`."""
    return make_shot


@pytest.fixture(name="face_landmarks")
def face_landmarks_fixture():
    return face_landmarks


@pytest.fixture(name="speech_signal")
def speech_signal_fixture():
    return speech_signal
