"""Strong angry and disgusted on the real astronaut still, measured on the rendered image: the lower lids rise.

Anger's eyes: "the lower lid is tensed and may or may not be raised" (Ekman and Friesen, *Unmasking the Face*,
1975); the prototype's lid_tighten raises the lower-lid margin 0.045 IOD per unit (0.047 IOD at angry 1.5, ~2 px
at this still's IOD of 44 px). Disgust's: AU9 pushes the infraorbital triangle up and narrows the eye from below
(Ekman and Friesen, *FACS*, 1978), given by the prototype as AU6 at 0.6 and AU7 at 0.8 (~0.05 IOD; without them,
before ``EmfacsPrototypes.7``, the lids stayed put: 0.000 / -0.001 IOD). Found on the pixels
(:func:`~ned_core.evaluate.patch_motion.patch_motion`): a patch just under the middle of each lower lid's margin,
found again in the merged result straight above or below it (the lids move up or down; searched sideways too, the
7 x 3 px strip on the subject's left lower lid of angry 1.5 matched best 2.5 px along the lid at its own height: a rise
of 0.000 IOD while the margin rose ~2 px).
"""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.regions import interocular_distance
from ned_core.evaluate.patch_motion import patch_motion

LOWER_LIDS = (145, 374)  # the middle of the lower-lid margin: subject's right (image left), left


# measured on the strip one strip-height under each margin (the lid's skin: a strip on the margin straddles the
# eyeball above it, which the risen lid covers and does not carry up, render/eyes.py): angry 0.037 / 0.046,
# disgusted 0.044 / 0.049 (on the margin, while the lid carried a squeezed rim of eyeball up with it: 0.043 / 0.034 and
# 0.046 / 0.042, the same under the margin: 0.038 / 0.047 and 0.043 / 0.050); angry without AU7
# (`--unit lid_tighten=0`, at 1.5) 0.001 / -0.001
@pytest.mark.parametrize(("emotion", "least"), [("angry:1.5", 0.03), ("disgusted", 0.03)])
def test_the_lower_lids_rise_as_far_as_the_edit_asks(emotion, least, stills, analyse, render, read_back, tmp_path):
    source = stills["astronaut"]
    landmarks = analyse(source).track.landmarks[0]
    frame = read_back(source, render(source, tmp_path, emotion=emotion))[0]
    iod = float(interocular_distance(landmarks[:, :2]))
    size = (round(0.08 * iod), round(0.025 * iod))  # the skin just under the lid margin
    under = landmarks[list(LOWER_LIDS), :2] + (0.0, 0.025 * iod)
    motion = patch_motion(frame.source_srgb, frame.result_srgb, under, size, (0, round(0.08 * iod))) / iod
    rise = -motion[:, 1]
    assert np.all(rise > least), f"{emotion}: the lower lids rose {rise.round(3)} IOD"
