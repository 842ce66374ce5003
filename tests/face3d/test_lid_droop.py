"""Sad's upper-lid droop (face3d.lid_droop): only the sad brow without a lid raise lowers the upper lids."""

from __future__ import annotations

import numpy as np

from ned_core.direct.prototypes import prototype
from ned_core.face3d.channels import CHANNEL_NAMES
from ned_core.face3d.lid_droop import droop_offsets

UPPER_LIDS = [159, 386]  # mid upper-lid margins, subject's right and left
LOWER_LIDS = [145, 374]


def test_sad_lowers_the_upper_lids_a_little_and_fear_angry_surprised_not_at_all(basis):
    rest = np.zeros((1, len(CHANNEL_NAMES)))
    t = basis.template
    for emotion in ("fear", "angry", "surprised", "neutral", "happy"):
        assert np.all(droop_offsets(t, CHANNEL_NAMES, rest, prototype(emotion)[None]) == 0.0), emotion
    sad = droop_offsets(t, CHANNEL_NAMES, rest, prototype("sad")[None])[0]
    gap = t[LOWER_LIDS, 1] - t[UPPER_LIDS, 1]
    droop = sad[UPPER_LIDS, 1]
    assert np.all(droop > 0.015) and np.all(droop < 0.3 * gap), f"upper lids {droop} IOD of a {gap} opening"
    assert np.all(sad[UPPER_LIDS, 1] > sad[LOWER_LIDS, 1] + 0.01), "the eye does not narrow"
    assert np.abs(sad[[55, 285, 61, 291]]).max() == 0.0, "brows or mouth moved"
