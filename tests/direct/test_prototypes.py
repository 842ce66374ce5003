"""EMFACS prototypes: each emotion uses exactly its documented action units, symmetrically."""

import numpy as np
import pytest

from ned_core.direct.prototypes import prototype, prototype_matrix, style_channel_indices
from ned_core.face3d.channels import CHANNEL_NAMES, CHANNELS, EMOTIONS

EXPECTED_UNITS = {
    "neutral": set(),
    "happy": {"AU6", "AU7", "AU12"},  # AU7: the smiling eye's lower lid (prototypes.py)
    "sad": {"AU1", "AU4", "AU15", "AU17"},
    "surprised": {"AU1", "AU2", "AU5", "AU26/27", "AU25"},
    "fear": {"AU1", "AU2", "AU4", "AU5", "AU7", "AU20", "AU25"},  # no jaw drop: FACS Table 11-1 (prototypes.py)
    "angry": {"AU4", "AU7", "AU23", "AU24"},  # EMFACS's variant without AU5 (prototypes.py)
    "disgusted": {"AU4", "AU6", "AU7", "AU9", "AU10", "AU15", "AU17"},  # AU4, AU6, AU7: AU9's appearance (prototypes.py)
}


@pytest.mark.parametrize("emotion", EMOTIONS)
def test_units_match_the_facs_prototypes(emotion):
    proto = prototype(emotion)
    used = {CHANNELS[i].facs for i in np.flatnonzero(proto)}
    assert used == EXPECTED_UNITS[emotion]
    # 1 = a full unit; the smile's AU12 and fear's AU20 at 1.2, a broad smile's corner excursion (prototypes.py)
    assert np.all(proto >= 0) and np.all(proto <= 1.2)


def test_bilateral_pairs_are_symmetric_and_blinks_unused():
    table = prototype_matrix()
    for i, left in enumerate(CHANNELS):
        if left.name.endswith("_L"):
            right = CHANNEL_NAMES.index(left.name[:-2] + "_R")
            np.testing.assert_array_equal(table[:, i], table[:, right])
    blinks = [CHANNEL_NAMES.index("blink_L"), CHANNEL_NAMES.index("blink_R")]
    assert not table[:, blinks].any()


def test_emotions_are_distinguishable_on_the_emotion_channels():
    table = prototype_matrix()[1:, style_channel_indices()]
    assert np.linalg.matrix_rank(table) == len(EMOTIONS) - 1
