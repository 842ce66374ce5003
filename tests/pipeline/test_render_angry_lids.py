"""Strong angry on the real astronaut still, measured on the rendered image: the lower lids tense up (AU7).

Anger's eyes: "the lower lid is tensed and may or may not be raised" (Ekman and Friesen, *Unmasking the Face*,
1975); the prototype's lid_tighten raises the lower-lid margin 0.045 IOD per unit (0.047 IOD at angry 1.5, ~2 px
at this still's IOD of 44 px). Found on the pixels (:func:`~ned_core.evaluate.patch_motion.patch_motion`): a patch
around the middle of each lower lid, found again in the merged result.
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.regions import interocular_distance
from ned_core.evaluate.patch_motion import patch_motion

LOWER_LIDS = (145, 374)  # the middle of the lower-lid margin: subject's right (image left), left


def test_the_lower_lids_rise_as_far_as_the_edit_asks(stills, analyse, render, read_back, tmp_path):
    source = stills["astronaut"]
    landmarks = analyse(source).track.landmarks[0]
    frame = read_back(source, render(source, tmp_path, emotion="angry:1.5"))[0]
    iod = float(interocular_distance(landmarks[:, :2]))
    size = (round(0.08 * iod), round(0.025 * iod))  # the lid margin and the skin just under it
    motion = patch_motion(frame.source_srgb, frame.result_srgb, landmarks[list(LOWER_LIDS), :2], size,
                          round(0.08 * iod)) / iod
    rise = -motion[:, 1]
    # measured 0.044 / 0.040 (the rigid eyeball's feather starting outside the contour kept 0.028 / 0.027)
    assert np.all(rise > 0.035), f"the lower lids rose {rise.round(3)} IOD"
