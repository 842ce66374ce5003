"""Disgusted on the real astronaut still, measured on the rendered image: the lower lids rise (the eye narrows).

AU9's appearance changes include the infraorbital triangle pushed up and the eye aperture narrowed from below
(Ekman and Friesen, *FACS*, 1978; Investigator's Guide, 2002): the prototype gives them as AU6 at 0.6 and AU7 at
0.8 (``direct/prototypes.py``), which raise the lower-lid margin ~0.05 IOD on a rest face (``face3d/units_upper``).
Found on the pixels (:func:`~ned_core.evaluate.patch_motion.patch_motion`): a patch around the middle of each
lower lid, found again in the merged result. Without them the lower lids stayed put (0.000 / -0.001 IOD).
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.regions import interocular_distance
from ned_core.evaluate.patch_motion import patch_motion

LOWER_LIDS = (145, 374)  # the middle of the lower-lid margin: subject's right (image left), left


def test_disgust_raises_the_lower_lids(stills, analyse, render, read_back, tmp_path):
    source = stills["astronaut"]
    landmarks = analyse(source).track.landmarks[0]
    frame = read_back(source, render(source, tmp_path, emotion="disgusted"))[0]
    iod = float(interocular_distance(landmarks[:, :2]))
    size = (round(0.08 * iod), round(0.025 * iod))  # the lid margin and the skin just under it
    motion = patch_motion(frame.source_srgb, frame.result_srgb, landmarks[list(LOWER_LIDS), :2], size,
                          round(0.08 * iod)) / iod
    rise = -motion[:, 1]
    # measured 0.044 / 0.039; without AU6/AU7 in the prototype 0.000 / -0.001
    assert np.all(rise > 0.03), f"the lower lids rose {rise.round(3)} IOD"
