"""Grace Hopper's glasses stay rigid when surprise raises her brows (render.glasses), and the brows still rise.

Judged on the composited result as a viewer sees it (display sRGB): the rims by dense optical flow from the source
along the middle of the frame's dark upper rims (both bars and the bridge between them), the brows by their patches
found again in the result (:func:`~ned_core.evaluate.feature_motion.feature_motion`). Measured (IOD): rims 0.001
mean, 0.005 at most (unheld: 0.057 mean, 0.101 at most, the bars bent up with the brows); brows below."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis.regions import interocular_distance
from ned_core.evaluate.channels import flowed_landmarks
from ned_core.evaluate.feature_motion import feature_motion
from ned_core.render.glasses import rim_mask


@pytest.fixture(scope="module")
def surprised(tmp_path_factory, stills, analyse, render, read_back):
    """``(source working-space frame, source sRGB, result sRGB, source landmarks (478, 3))`` of Grace Hopper made
    surprised."""
    summary = render(stills["grace_hopper"], tmp_path_factory.mktemp("glasses") / "plates", emotion="surprised")
    frame = read_back(stills["grace_hopper"], summary)[0]
    landmarks = analyse(stills["grace_hopper"]).track.landmarks[0]
    source = cv2.cvtColor(cv2.imread(str(stills["grace_hopper"])), cv2.COLOR_BGR2RGB)
    return frame.source, source, frame.result_srgb, landmarks


def test_the_rims_do_not_bend_and_the_brows_still_rise(surprised):
    linear, source, result, landmarks = surprised
    iod = float(interocular_distance(landmarks))
    found = rim_mask(linear, landmarks)
    assert found is not None, "Grace Hopper's glasses were not found"
    (x0, y0, _, _), mask = found
    cols = np.flatnonzero(mask.any(axis=0))[:: max(1, round(0.04 * iod))]
    middle = [(c + x0, y0 + np.flatnonzero(mask[:, c]).mean(), 0.0) for c in cols]  # the rims' centre line
    rim = np.array(middle)
    flowed = flowed_landmarks(source[None], result[None], rim[None])[0]
    moved = np.linalg.norm(flowed[:, :2] - rim[:, :2], axis=1) / iod
    assert len(rim) > 30 and moved.mean() < 0.01 and moved.max() < 0.02, \
        f"the rims move {moved.mean():.3f} IOD on average, {moved.max():.3f} at most"
    # the brows, on the pixels (patches found again in the result, ned eval shot's measure): requested 0.120 IOD
    # inner, 0.035 mid; measured 0.105 / 0.045 (the rims unheld, bending: 0.105 / 0.047); main's hold, which stretched
    # the skin beside the rims instead of moving it behind them, 0.079 / 0.026
    motion = feature_motion(source[None], result[None], landmarks[None])
    assert motion["brow_in"][0] > 0.095 and motion["brow_mid"][0] > 0.035, f"the brows rise only {motion}"
