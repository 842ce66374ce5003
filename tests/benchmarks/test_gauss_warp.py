"""The Gaussian-warp baseline of bench_expressions and its measures: they move and read back what they say."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from benchkit.gauss_warp import GAUSS_EMOTIONS, bump_targets, render_gauss, warp_frame
from benchkit.texture import texture_ratio
from ned_core.analysis import analyze_shot
from ned_core.analysis.regions import interocular_distance
from ned_core.evaluate.feature_motion import (
    BACK_TOLERANCE_IOD, BROW_INNER, BROW_MID, CORNERS, SEARCH_IOD, consistent_motion, feature_motion,
)
from ned_core.evaluate.patch_motion import patch_motion
from ned_core.evaluate.shot_inputs import load_shot_inputs
from ned_core.pipeline.config import NedConfig
from ned_core.synthetic import write_png_sequence


@pytest.fixture(scope="module")
def astronaut_landmarks(astronaut, mesh_models, analysis_config) -> np.ndarray:
    """``(478, 3)`` the astronaut still's landmarks (pixels)."""
    return analyze_shot([(1, astronaut)], analysis_config, mesh_models).default().landmarks[0]


def test_a_bump_moves_the_content_at_its_centre_by_its_displacement(astronaut):
    moved = warp_frame(astronaut.astype(np.float32), np.array([[250.0, 300.0]]), np.array([[2.0, -4.0]]),
                       np.array([30.0]))
    moved = np.clip(moved + 0.5, 0, 255).astype(np.uint8)
    found = patch_motion(astronaut, moved, np.array([[250.0, 300.0], [420.0, 120.0]]), (5, 5), 8)
    assert np.allclose(found[0], (2.0, -4.0), atol=0.35), found[0]  # first-order inverse: exact at the centre
    assert np.abs(found[1]).max() < 0.05, found[1]  # 5.7 sigma away: nothing moves


@pytest.mark.parametrize("emotion, corner, brow_in", [("happy", (0.07, 0.05), (0.0, 0.0)),
                                                      ("sad", (-0.07, 0.0), (0.08, -0.02)),
                                                      ("angry", (0.0, 0.0), (-0.07, -0.03))])
def test_the_pixels_read_back_the_commanded_moves_along_the_faces_axes(astronaut, astronaut_landmarks, emotion,
                                                                      corner, brow_in):
    """Up is up on the face and out is away from the midline on both sides (a flipped axis fails the signs)."""
    moved = warp_frame(astronaut.astype(np.float32), *bump_targets(astronaut_landmarks, GAUSS_EMOTIONS[emotion], 1.0))
    moved = np.clip(moved + 0.5, 0, 255).astype(np.uint8)
    got = feature_motion(astronaut[None], moved[None], astronaut_landmarks[None])
    for name, want in (("corner", corner), ("brow_in", brow_in)):
        # patches span the bump's falloff: the read-back is 75-100 % of the command, never of the wrong sign
        for value, target in zip(got[name], want):
            assert abs(value - target) <= 0.25 * abs(target) + 0.006, (name, got[name], want)


def test_the_baseline_writes_composites_the_products_evaluation_reads(tmp_path, astronaut, mesh_models,
                                                                     astronaut_landmarks):
    """Full-frame EXR composites, read back through the product's colour path: outside the face unchanged."""
    write_png_sequence(astronaut[None], tmp_path, "src", 1)
    config = replace(NedConfig(), cache_dir=tmp_path / "cache")
    out = render_gauss(str(tmp_path / "src.0001.png"), tmp_path / "happy", "happy", 1.0, config, mesh_models)
    inputs = load_shot_inputs(str(tmp_path / "src.0001.png"), out, "composites", config, mesh_models).inputs
    far = np.ones(astronaut.shape[:2], bool)
    far[int(astronaut_landmarks[:, 1].min()) - 20:, :] = False  # rows above the face: no bump reaches there
    diff = np.abs(inputs.result.astype(np.int16) - inputs.source.astype(np.int16))
    assert diff[0][far].max() <= 1, diff[0][far].max()
    up, out_ = feature_motion(inputs.source, inputs.result, inputs.source_landmarks)["corner"]
    assert up > 0.05 and out_ > 0.03, (up, out_)


def test_texture_is_one_for_the_source_and_falls_when_the_face_is_smoothed(astronaut, astronaut_landmarks):
    mask = np.zeros(astronaut.shape[:2], np.float32)
    cv2.fillConvexPoly(mask, cv2.convexHull(np.round(astronaut_landmarks[:468, :2]).astype(np.int32)), 1.0)
    blurred = cv2.GaussianBlur(astronaut, (0, 0), 1.5)
    assert texture_ratio(astronaut[None], astronaut[None], mask[None]) == pytest.approx(1.0)
    assert texture_ratio(astronaut[None], blurred[None], mask[None]) < 0.3



def test_a_patch_moved_out_of_reach_is_left_out_not_read_as_a_look_alike(astronaut, astronaut_landmarks):
    """The picture shifted past the search window: the look-alikes the matcher finds fail the backward check."""
    iod = float(interocular_distance(astronaut_landmarks[:, :2]))
    centres = np.array([astronaut_landmarks[list(s), :2].mean(axis=0) for pair in (CORNERS, BROW_INNER, BROW_MID)
                        for s in pair])
    size, search, tol = (round(0.1 * iod), round(0.06 * iod)), round(SEARCH_IOD * iod), BACK_TOLERANCE_IOD * iod
    far = np.roll(astronaut, round(0.6 * iod), axis=0)
    assert np.isnan(consistent_motion(astronaut, far, centres, size, search, tol)[:, 0]).sum() >= 4
    near = np.roll(astronaut, 5, axis=0)  # 0.08 IOD: in reach, every patch kept and read
    assert np.allclose(consistent_motion(astronaut, near, centres, size, search, tol), (0, 5), atol=0.3)
