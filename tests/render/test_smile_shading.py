"""A smile's shading: the nasolabial fold darkened, the cheek apple lightened where the target raises the mouth
corners against an unsmiling source; nothing for an unedited, lowered or already smiling face, nothing off the face."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import FACE_OVAL, LEFT_EYE, LIPS_OUTER, RIGHT_EYE, interocular_distance
from ned_core.render.config import RenderConfig
from ned_core.render.mesh_warp import render_mesh_warp
from ned_core.render.smile_relax import CHEEKS, NOSE_WINGS
from ned_core.render.smile_shading import folds, shade_smile, smile_weight
from ned_core.render.warp import remap
from ned_core.synthetic import sample_photo

from .conftest import to_linear


def _raise(landmarks: np.ndarray, up: float) -> np.ndarray:
    """``landmarks`` with the mouth corners and the lip points beside them raised by ``up`` IOD (< 0: lowered)."""
    lm = np.asarray(landmarks, np.float64)[:, :2].copy()
    lm[[61, 291], 1] -= up * float(interocular_distance(lm))
    lm[[146, 185, 375, 409], 1] -= 0.5 * up * float(interocular_distance(lm))
    return lm


def _luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)


def _fold_band(dst: np.ndarray, shape: tuple[int, int], origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """``(h, w) bool`` the fold lines' middle thirds (their deepest part), 1 px wide."""
    band = np.zeros(shape, np.uint8)
    for fold in folds(dst, 1.0):
        k = len(fold.points)
        cv2.polylines(band, [np.round(fold.points[k // 4 : 3 * k // 4] - origin).astype(np.int32)], False, 1, 1)
    return band > 0


def _apples(dst: np.ndarray, shape: tuple[int, int], origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """``(h, w) bool`` discs of 0.05 IOD about the middle of each cheek landmark and nose wing, pushed outward."""
    disc = np.zeros(shape, np.uint8)
    iod = float(interocular_distance(dst))
    for cheek, wing in zip(CHEEKS, NOSE_WINGS):
        centre = 0.5 * (dst[cheek] + dst[wing]) - origin
        cv2.circle(disc, (int(round(centre[0])), int(round(centre[1]))), max(2, round(0.05 * iod)), 1, -1)
    return disc > 0


REST = load_mean_face()[:, :2].astype(np.float64) * 100.0 + 300.0


def test_the_weight_follows_a_raise_against_an_unsmiling_source_only():
    assert smile_weight(REST, REST) == 0.0  # unedited
    assert smile_weight(REST, _raise(REST, 0.06)) > 0.99  # a smile on a face at rest
    assert smile_weight(REST, _raise(REST, -0.06)) == 0.0  # corners lowered
    # a sad mouth brought back to rest: raised against the source, but no smile
    assert smile_weight(_raise(REST, -0.06), REST) < 1e-9
    # a source already smiling this much has its folds: no second fold however far the target raises
    smiling = _raise(REST, 0.06)
    assert smile_weight(smiling, _raise(smiling, 0.06)) == 0.0
    # smooth in the raise: halfway between none and full
    assert 0.1 < smile_weight(REST, _raise(REST, 0.025)) < 0.9


@pytest.mark.parametrize("zoom", [1, 3])  # 3: a close-up, worked out at a lower resolution and scaled up
def test_a_raise_darkens_the_fold_and_lightens_the_apple(face, zoom):
    frame, landmarks = face
    frame = cv2.resize(frame, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)
    dst = _raise((np.asarray(landmarks, np.float64)[:, :2] + 0.5) * zoom - 0.5, 0.1)
    height, width = frame.shape[:2]
    out = shade_smile(frame, (0, 0, width, height), dst, 1.0)
    fold, apple = _fold_band(dst, (height, width)), _apples(dst, (height, width))
    assert fold.sum() > 10 and apple.sum() > 10
    ratio = float(_luminance(out)[fold].mean() / _luminance(frame)[fold].mean())
    assert ratio < 0.9, f"the fold darkens its line by {1 - ratio:.0%} only"
    lift = float(_luminance(out)[apple].mean() / _luminance(frame)[apple].mean())
    assert lift > 1.04, f"the apple lightens by {lift - 1:.1%} only"
    # shading on the skin's own colour: its chromaticity along the fold barely moves
    chroma = out[fold] / out[fold].sum(axis=1, keepdims=True) - frame[fold] / frame[fold].sum(axis=1, keepdims=True)
    assert np.abs(chroma).mean() < 0.03
    # nothing outside the face oval, on the lips or in the eyes
    changed = np.abs(out - frame).max(axis=2) > 0
    holes = np.zeros((height, width), np.uint8)
    cv2.fillPoly(holes, [np.round(dst[list(idx)]).astype(np.int32) for idx in (LIPS_OUTER, RIGHT_EYE, LEFT_EYE)], 1)
    oval = np.zeros_like(holes)
    cv2.fillPoly(oval, [np.round(dst[list(FACE_OVAL)]).astype(np.int32)], 1)
    assert not changed[oval == 0].any(), "the shading reached outside the face oval"
    assert not changed[holes > 0].any(), "the shading reached the lips or the eyes"


def test_nothing_at_weight_zero_or_off_the_skin(face):
    frame, landmarks = face
    dst = _raise(landmarks, 0.1)
    height, width = frame.shape[:2]
    box = (0, 0, width, height)
    assert shade_smile(frame, box, dst, 0.0) is frame
    # a lock of dark hair over one cheek takes no fold: the face's right side below the eyes, out from the nose wing
    covered = frame.copy()
    iod = float(interocular_distance(dst))
    hair = np.zeros((height, width), bool)
    hair[int(dst[list(RIGHT_EYE), 1].max() + 0.1 * iod) :, : int(dst[NOSE_WINGS[0], 0] - 0.05 * iod)] = True
    covered[hair] = np.array([0.01, 0.008, 0.006], np.float32)
    out = shade_smile(covered, box, dst, 1.0)
    inner = cv2.erode(hair.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=max(1, round(0.08 * iod))) > 0
    assert (np.abs(out - covered).max(axis=2) > 0)[~hair].any()  # the other side is shaded
    assert not (np.abs(out - covered).max(axis=2) > 0)[inner].any(), "the hair was shaded"


@pytest.fixture(scope="module")
def hopper_face(analysis_config, mesh_models) -> tuple[np.ndarray, np.ndarray]:
    photo = sample_photo("grace_hopper")
    return to_linear(photo), analyze_image(photo, analysis_config, mesh_models)[0].landmarks


def test_the_renderer_shades_a_raised_smile_on_an_unsmiling_face(hopper_face):
    """Through ``render_mesh_warp``: darker along the fold than the warp alone leaves it; unedited, nothing."""
    frame, landmarks = hopper_face
    src = np.asarray(landmarks, np.float32)
    dst = src.copy()
    dst[:, :2] = _raise(src, 0.1)  # her corners hang 0.06 IOD below the mean face's: 0.1 makes a smile
    rendered = render_mesh_warp(1, frame, src, dst, RenderConfig(), glasses=False)
    assert rendered.flags["smile_shade"] > 0.99
    x0, y0, x1, y1 = rendered.box
    warped = remap(frame, *rendered.sample_map)
    fold = _fold_band(dst[:, :2].astype(np.float64), (y1 - y0, x1 - x0), (x0, y0))
    ratio = float(_luminance(rendered.rgb)[fold].mean() / _luminance(warped)[fold].mean())
    assert ratio < 0.9, f"the rendered fold is darker than the warp's by {1 - ratio:.0%} only"
    unedited = render_mesh_warp(1, frame, src, src, RenderConfig(), glasses=False)
    assert unedited.flags["smile_shade"] == 0.0


def test_a_smiling_actor_gets_no_second_fold(astronaut_face):
    """The astronaut's broad smile made broader: her own folds are there, none is added."""
    frame, landmarks = astronaut_face
    src = np.asarray(landmarks, np.float32)
    dst = src.copy()
    dst[:, :2] = _raise(src, 0.06)
    assert render_mesh_warp(1, frame, src, dst, RenderConfig(), glasses=False).flags["smile_shade"] == 0.0


def _lift_upper_lip(landmarks: np.ndarray, up: float) -> np.ndarray:
    """``landmarks`` with the upper lip's middle (inner and outer edge, 13 and 0, and the points beside them) raised
    by ``up`` IOD off closed lips, the corners where they were (a smile's lip lifted off the teeth, AU10)."""
    lm = np.asarray(landmarks, np.float64)[:, :2].copy()
    iod = float(interocular_distance(lm))
    lm[[13, 0, 82, 312, 37, 267], 1] -= up * iod
    return lm


def test_a_smile_whose_lips_part_from_above_keeps_its_shading():
    """The corners are read against the lips' middle, half of which a lifted upper lip moves: the smile's folds
    stay (smile_part.py lifts the lip 0.04-0.08 IOD at happy:1). Read against the lifted middle, a 0.03 IOD smile
    with the lip lifted 0.06 IOD weighed 0.0 (corners 0.0 IOD above the source's) and lost its folds."""
    smile = _raise(REST, 0.03)
    assert smile_weight(REST, _lift_upper_lip(smile, 0.06)) == pytest.approx(smile_weight(REST, smile), abs=0.05)
    assert smile_weight(REST, _lift_upper_lip(REST, 0.06)) == 0.0  # a lift alone (disgust) is no smile


def test_a_dropped_jaw_is_no_smile():
    """Surprise drops the jaw: the lips' middle goes down further than the corners, which read against it as raised
    (0.03 IOD here; main's weight 1.0) though they went down. Read on the head's rigid points they went down: no
    smile's folds on a surprised face."""
    iod = float(interocular_distance(REST))
    jaw = REST.copy()
    below = jaw[:, 1] > jaw[[61, 291], 1].mean() + 0.01 * iod  # the lower lip, chin and jaw line
    jaw[below, 1] += 0.2 * iod
    jaw[[61, 291], 1] += 0.06 * iod
    jaw[[13, 82, 312], 1] -= 0.02 * iod  # the upper lip parts a little (AU25)
    assert smile_weight(REST, jaw) == 0.0
