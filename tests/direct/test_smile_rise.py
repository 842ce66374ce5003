"""How far happy:1 raises and widens the mouth corners: a spontaneous smile's excursion (see ``prototypes.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.direct import parse_emotion_spec
from ned_core.direct.config import DirectConfig
from ned_core.direct.prior import EmotionPriorDirector
from ned_core.direct.prototypes import prototype
from ned_core.pipeline.targets import target_landmarks

CORNERS = (61, 291)  # MediaPipe mouth corners (subject's right, left)


def _corner_motion(before: np.ndarray, after: np.ndarray, template: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(up, out)`` per corner, IOD, from template-space ``(468, 3)`` points (y points down)."""
    moved = after[list(CORNERS)] - before[list(CORNERS)]
    return -moved[:, 1], moved[:, 0] * np.sign(template[list(CORNERS), 0])


def test_happy_raises_a_resting_mouths_corners_as_far_as_a_spontaneous_smile(face_model):
    """On a rest face, happy:1 lifts each corner >= 0.10 IOD (a spontaneous smile: ~0.11-0.12) and widens the
    mouth by a quarter to under a third (spontaneous smiles: 27 %), not more."""
    basis = face_model.basis
    rest = basis.template
    smiled = rest + np.einsum("k,kvc->vc", prototype("happy"), basis.displacements)
    up, out = _corner_motion(rest, smiled, rest)
    assert np.all(up >= 0.10) and np.all(up <= 0.13)  # the old 1.0 unit: 0.09
    width = np.linalg.norm(rest[CORNERS[0], :2] - rest[CORNERS[1], :2])
    assert 0.24 <= out.sum() / width <= 0.30


@pytest.fixture(scope="module")
def hopper_fit(grace_hopper, analysis_config, mesh_models, face_model):
    landmarks = analyze_image(grace_hopper, analysis_config, mesh_models)[0].landmarks[None].astype(np.float32)
    return landmarks, face_model.fit(landmarks, identity=face_model.mean_identity)  # a still: the mean face's rest


def _hopper_target(hopper_fit, face_model, spec: str) -> tuple[np.ndarray, np.ndarray]:
    """Grace Hopper's still before and on the render's target at ``spec``: ``(468, 3)`` template-space points each."""
    landmarks, fit = hopper_fit
    schedule = parse_emotion_spec(spec, 0, 0, DirectConfig())
    directed = EmotionPriorDirector().direct(fit.expression.astype(np.float64), schedule, 0)
    target = target_landmarks(face_model, fit, directed, landmarks)
    before = fit.pose.invert(landmarks[:, :468].astype(np.float64))[0]
    return before, fit.pose.invert(target[:, :468].astype(np.float64))[0]


def test_happy_target_lifts_grace_hoppers_corners(hopper_fit, face_model):
    """The render's target landmarks for Grace Hopper's still at happy:1: her corners rise >= 0.125 IOD (the
    smile's lift plus her down-turned corners' held AU15 undone; 0.117 with the old 1.0 unit), on both sides."""
    before, after = _hopper_target(hopper_fit, face_model, "happy:1")
    up, out = _corner_motion(before, after, face_model.basis.template)
    assert np.all(up >= 0.125) and np.all(up <= 0.16)
    assert np.all(out > 0.08)  # out as well as up: a smile, not a sneer


LOWER_LIDS, UPPER_LIDS = (145, 374), (159, 386)  # MediaPipe lid margins' middles (subject's right, left eye)


@pytest.mark.parametrize("spec, least_rise, least_gap", [("happy:1", 0.035, 0.55), ("happy:1.5", 0.05, 0.35)])
def test_happy_narrows_grace_hoppers_eyes_from_below(hopper_fit, face_model, spec, least_rise, least_gap):
    """A smile's lower lid rises over the iris (~0.04-0.05 IOD, ``prototypes.py``): on the target of Grace Hopper's
    still happy:1 raises both lower lids >= 0.035 IOD (AU6 alone: 0.014 / 0.020, a change nobody saw behind her
    lenses), happy:1.5 >= 0.05, and the eye narrows without closing (the lid gap keeps over a half / a third)."""
    before, after = _hopper_target(hopper_fit, face_model, spec)
    rise = before[list(LOWER_LIDS), 1] - after[list(LOWER_LIDS), 1]  # y points down
    gap = (after[list(LOWER_LIDS), 1] - after[list(UPPER_LIDS), 1]) / (
        before[list(LOWER_LIDS), 1] - before[list(UPPER_LIDS), 1])
    assert np.all(rise >= least_rise) and np.all(rise <= 0.08)
    assert np.all(gap >= least_gap)
