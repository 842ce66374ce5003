"""Feature motion on the pixels (evaluate.feature_motion): known motions of real faces are read back, also where the
frame cuts the face (a close-up's brows at the top edge, a mouth cut by the bottom edge the mesh loses)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import analyze_shot
from ned_core.evaluate.feature_motion import (
    BROW_INNER,
    FEATURES,
    face_axes,
    feature_matches,
    feature_motion,
    landmark_feature_motion,
    pixel_mouth_opening,
)
from ned_core.evaluate.mouth import INNER_LIP_LOWER, INNER_LIP_UPPER, inter_ocular, mouth_opening, pearson
from ned_core.exceptions import ShapeError
from ned_core.synthetic import sample_photo

MOUTH_INTERIOR = (45, 20, 20)  # sRGB of the gap an opening mouth shows


def opened(image: np.ndarray, landmarks: np.ndarray, gap: float) -> np.ndarray:
    """``image`` with its mouth opened by ``gap`` pixels: the content below the lip line moves down (all of it within
    0.3 IOD of the mouth's middle, fading out over 0.15 IOD beyond, and downwards over 0.9 IOD), the gap it leaves
    painted a dark mouth interior."""
    _, _, iod = face_axes(landmarks)
    line, cx = landmarks[[INNER_LIP_UPPER, INNER_LIP_LOWER]].mean(axis=0)[1], landmarks[INNER_LIP_UPPER, 0]
    ys, xs = np.mgrid[0:image.shape[0], 0:image.shape[1]].astype(np.float32)
    sideways = np.exp(-(np.clip(np.abs(xs - cx) - 0.3 * iod, 0, None) ** 2) / (2 * (0.15 * iod) ** 2))
    below = ys >= line
    shift = (gap * sideways * np.exp(-np.clip(ys - line - gap, 0, None) ** 2 / (2 * (0.9 * iod) ** 2)) * below)
    out = cv2.remap(image, xs, ys - shift.astype(np.float32), cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    alpha = (sideways * (below & (ys - shift < line)))[..., None]
    return np.clip(out * (1 - alpha) + alpha * np.float32(MOUTH_INTERIOR) + 0.5, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def faces(mesh_models, analysis_config) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (photo, its ``(478, 3)`` landmarks) for the astronaut (smile, teeth) and Grace Hopper (thin lips)."""
    out = {}
    for name in ("astronaut", "grace_hopper"):
        photo = sample_photo(name)
        out[name] = photo, analyze_shot([(1, photo)], analysis_config, mesh_models).default().landmarks[0]
    return out


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_a_known_opening_of_a_real_mouth_is_read_on_the_pixels(faces, name):
    photo, lm = faces[name]
    iod = float(inter_ocular(lm[None])[0])  # the opening's unit (outer eye corners)
    gaps = np.array([0.0, 0.02, 0.05, 0.08, 0.12])
    result = np.stack([opened(photo, lm, g * iod) for g in gaps])
    lms = np.repeat(lm[None], len(gaps), 0)
    got = pixel_mouth_opening(np.repeat(photo[None], len(gaps), 0), result, lms) - mouth_opening(lms)
    # measured: within 0.0008 IOD on both (0.05-0.1 px at IODs of 62 and 127 px)
    assert np.abs(got - gaps).max() < 0.003, got


def test_a_mouth_cut_by_the_frame_edge_the_mesh_loses_is_kept_on_the_pixels(faces, mesh_models, analysis_config):
    """Grace Hopper speaking, the frame cut just below her lower lip; the result opens the mouth a constant 0.08 IOD
    wider (as surprised does), so it keeps the words exactly. Re-analysed, the cut mouth reads another time course
    (measured PCC -0.29); on the pixels it follows (0.9996, all 16 frames matched). A result speaking backwards
    reads -0.10 on the pixels. (At 0.12 IOD wider the lower lip leaves the frame in 3 frames: those are left out.)"""
    photo, lm = faces["grace_hopper"]
    iod, (_, _, eye_iod) = float(inter_ocular(lm[None])[0]), face_axes(lm)
    bottom = int(lm[[INNER_LIP_UPPER, INNER_LIP_LOWER], 1].mean() + 0.45 * eye_iod)
    speech = 0.03 + 0.08 * np.abs(np.sin(np.linspace(0, 3 * np.pi, 16) ** 1.3))  # not its own reverse

    def clip(openings: np.ndarray) -> np.ndarray:
        return np.stack([opened(photo, lm, g * iod)[:bottom] for g in openings])

    source, result, backwards = clip(speech), clip(speech + 0.08), clip(speech[::-1] + 0.08)

    def landmarks(frames: np.ndarray) -> np.ndarray:
        return analyze_shot(enumerate(frames), analysis_config, mesh_models).default().landmarks

    src_lms = landmarks(source)
    src_open = mouth_opening(src_lms)

    def on_pixels(frames: np.ndarray) -> float:
        found = np.isfinite(opening := pixel_mouth_opening(source, frames, src_lms))
        assert found.sum() >= 14, found  # the lips matched in (nearly) every frame
        return pearson(src_open[found], opening[found])

    assert pearson(src_open, mouth_opening(landmarks(result))) < 0.5  # the mesh loses the cut mouth
    assert on_pixels(result) > 0.95
    assert on_pixels(backwards) < 0.5


def test_a_lower_lip_opened_out_of_the_frame_is_left_out_not_read_as_a_look_alike(faces):
    """Grace Hopper's frame cut 0.25 IOD below her lip line, her mouth opened 0-0.4 IOD: where the lower lip leaves
    the frame its patch finds a look-alike that the backward check lets through (read -0.009 for 15 openings of
    0.12-0.4, before the match had to score MIN_SCORE); every reading kept is the true one."""
    photo, lm = faces["grace_hopper"]
    iod, (_, _, eye_iod) = float(inter_ocular(lm[None])[0]), face_axes(lm)
    bottom = int(lm[[INNER_LIP_UPPER, INNER_LIP_LOWER], 1].mean() + 0.25 * eye_iod)
    gaps = np.linspace(0.0, 0.4, 21)
    result = np.stack([opened(photo, lm, g * iod)[:bottom] for g in gaps])
    lms = np.repeat(lm[None], len(gaps), 0)
    got = pixel_mouth_opening(np.repeat(photo[None, :bottom], len(gaps), 0), result, lms) - mouth_opening(lms)
    kept = np.isfinite(got)
    assert kept[:2].all() and np.abs(got[kept] - gaps[kept]).max() < 0.005, got  # measured: the first 4 kept


def test_brows_at_the_top_edge_of_a_close_up_are_measured(faces):
    """A close-up whose top edge runs just above the brows (the bench's close-ups): the search stops at the edge
    instead of giving up, and a known shift is read back (the search window reached past the edge: nan before)."""
    photo, lm = faces["grace_hopper"]
    _, _, iod = face_axes(lm)
    top = int(lm[[i for pair in BROW_INNER for i in pair], 1].min() - 0.15 * iod)
    frame = np.ascontiguousarray(photo[top:])
    moved = cv2.warpAffine(frame, np.float32([[1, 0, 0.0], [0, 1, -1.5]]), frame.shape[1::-1],
                           flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    cut = lm.copy()
    cut[:, 1] -= top
    got = feature_motion(frame[None], moved[None], cut[None])
    for name in FEATURES:
        up, out = got[name]
        assert abs(up - 1.5 / iod) < 0.004 and abs(out) < 0.004, (name, got[name])  # 0.35 px


def test_landmark_motion_reads_known_moves_along_the_faces_axes(faces):
    """Both inner brows raised 3 px and the lower lip dropped 6 px: up is up, out is away from the midline."""
    _, lm = faces["astronaut"]
    up, across, iod = face_axes(lm)
    after = lm.copy()
    (right, left), _ = FEATURES["brow_in"]
    after[list(right), :2] += 3 * up - 2 * across  # the subject's right brow moves outward: image left
    after[list(left), :2] += 3 * up + 2 * across
    after[INNER_LIP_LOWER, :2] -= 6 * up
    got = landmark_feature_motion(lm[None], after[None])
    assert np.allclose(got["brow_in"][0], (3 / iod, 2 / iod)) and np.allclose(got["corner"][0], 0)
    assert got["mouth"][0, 0] == pytest.approx(mouth_opening(after[None])[0] - mouth_opening(lm[None])[0])
    assert got["mouth"][0, 0] > 0


def test_frames_and_landmarks_must_agree(faces):
    photo, lm = faces["astronaut"]
    with pytest.raises(ShapeError):
        feature_motion(photo[None], photo[None, :-1], lm[None])
    with pytest.raises(ShapeError):
        pixel_mouth_opening(photo[None], photo[None], lm[None, :100])


def test_a_feature_whose_look_the_edit_changed_reports_why_it_has_no_figure(faces):
    """The astronaut's mouth corners repainted (a smile's teeth and corner creases gone, as a fear or sad edit
    covers them): no patch matches, the figure is nan and the reason says how many patches were lost or matched
    back elsewhere; the brows, only shifted, are measured and have no reason (before: a bare nan in the table)."""
    photo, lm = faces["astronaut"]
    _, _, iod = face_axes(lm)
    result = cv2.warpAffine(photo, np.float32([[1, 0, 0.0], [0, 1, -1.0]]), photo.shape[1::-1],
                            flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    rng = np.random.default_rng(0)
    for corner in FEATURES["corner"][0]:
        x, y = np.round(lm[list(corner), :2].mean(axis=0)).astype(int)
        r = int(0.2 * iod)
        result[y - r : y + r, x - r : x + r] = rng.integers(90, 200, (2 * r, 2 * r, 3), dtype=np.uint8)
    got = feature_matches(photo[None], result[None], lm[None])
    corner = got["corner"]
    assert np.isnan(corner.up) and np.isnan(corner.out) and corner.tried == 2
    assert corner.lost + corner.inconsistent == 2 and corner.reason is not None and "none of 2" in corner.reason
    for name in ("brow_in", "brow_mid"):
        assert got[name].reason is None and abs(got[name].up - 1.0 / iod) < 0.004, got[name]
    assert feature_motion(photo[None], result[None], lm[None])["brow_in"] == (got["brow_in"].up, got["brow_in"].out)
