"""Grace Hopper's glasses stay rigid when surprise raises her brows (render.glasses), and the brows still rise.

Judged on the composited result as a viewer sees it (display sRGB), by dense optical flow from the source: along
the middle of the frame's dark upper rims (both bars and the bridge between them), and 0.05 IOD above the brows'
upper outline (over the rims). Measured (IOD): rims 0.001 mean, 0.005 at most (before: 0.057 mean, 0.101 at most,
the bars bent up with the brows); brows +0.046 up (before +0.071: the skin just over the rims now stretches)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis.regions import LEFT_BROW_UPPER, RIGHT_BROW_UPPER, interocular_distance
from ned_core.evaluate.channels import flowed_landmarks
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
    brows = landmarks[list(RIGHT_BROW_UPPER + LEFT_BROW_UPPER)].astype(np.float64)
    brows[:, 1] -= 0.05 * iod
    raised = -(flowed_landmarks(source[None], result[None], brows[None])[0][:, 1] - brows[:, 1]).mean() / iod
    assert raised > 0.04, f"the brows rise only {raised:+.3f} IOD"
