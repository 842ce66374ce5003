"""The skin-only texture measure: it reads skin softened on the cheeks, not edits of the mouth or a moved brow."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from benchkit.texture import SKIN_PATCHES, skin_mask, skin_texture_ratio, texture_ratio
from ned_core.analysis import analyze_shot
from ned_core.analysis.regions import LIPS_OUTER, RIGHT_BROW, interocular_distance


@pytest.fixture(scope="module")
def face(astronaut, mesh_models, analysis_config) -> tuple[np.ndarray, np.ndarray]:
    """The astronaut still ``(H, W, 3) uint8`` and its ``(478, 3)`` landmarks."""
    return astronaut, analyze_shot([(1, astronaut)], analysis_config, mesh_models).default().landmarks[0]


def _blur_inside(image: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    blurred = cv2.GaussianBlur(image, (0, 0), sigma)
    return np.where(mask[:, :, None] > 0, blurred, image)


def test_softened_cheeks_read_below_one_and_an_unchanged_face_reads_one(face):
    image, lm = face
    cheek = skin_mask(lm, lm, image.shape[:2], "cheek_left")
    soft = _blur_inside(image, cv2.dilate(cheek, np.ones((9, 9), np.uint8)), 1.5)
    assert skin_texture_ratio(image[None], image[None], lm[None], lm[None]) == pytest.approx(1.0)
    assert skin_texture_ratio(image[None], soft[None], lm[None], lm[None], "cheek_left") < 0.6  # 0.51
    assert skin_texture_ratio(image[None], soft[None], lm[None], lm[None], "forehead") == pytest.approx(1.0)


def test_a_blurred_mouth_lowers_the_face_measure_but_not_the_skin_one(face):
    """The face-mask measure mixes in the teeth edges an edit moves; the skin measure does not."""
    image, lm = face
    iod = float(interocular_distance(lm[:, :2]))
    mouth = np.zeros(image.shape[:2], np.uint8)
    cv2.fillConvexPoly(mouth, np.round(lm[list(LIPS_OUTER), :2]).astype(np.int32), 1)
    soft = _blur_inside(image, mouth, 2.0)
    oval = cv2.dilate(mouth, np.ones((round(iod), round(iod)), np.uint8)).astype(np.float32)  # a face-ish mask
    assert texture_ratio(image[None], soft[None], oval[None]) < 0.9
    assert skin_texture_ratio(image[None], soft[None], lm[None], lm[None]) == pytest.approx(1.0)


def test_a_brow_raised_into_the_forehead_patch_is_left_out(face):
    """The result's brows (its landmarks) are excluded too: a raised brow is not forehead texture."""
    image, lm = face
    iod = float(interocular_distance(lm[:, :2]))
    raised = lm.copy()
    raised[list(RIGHT_BROW), 1] -= 0.25 * iod
    result = image.copy()
    cv2.fillConvexPoly(result, np.round(raised[list(RIGHT_BROW), :2]).astype(np.int32), (40, 30, 20))
    forehead = skin_mask(lm, lm, image.shape[:2], "forehead")
    assert forehead.sum() > 0 and SKIN_PATCHES["forehead"][0] == 151
    assert skin_texture_ratio(image[None], result[None], lm[None], lm[None], "forehead") > 1.2  # source's only: read
    assert skin_texture_ratio(image[None], result[None], lm[None], raised[None], "forehead") == pytest.approx(
        1.0, abs=0.05)
