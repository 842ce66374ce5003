"""The astronaut's smile made sad closes her lips over the teeth: the seam where they meet is one even line, without
the dark specks of the source's mouth edge. The warp carried a pixel or two of the source's dark inner lip edge just
past the seal's 1 px margin (the margin is 0.015 IOD, under a pixel on this 44 px IOD face); render.lip_seal now
paints UPPER_GROW_PX (2) further toward the upper lip.

Judged on the composited result as a viewer sees it (display sRGB): along the lips' meeting line (re-analysed from
the result, a band 0.12 IOD wide), each pixel against the median of the 7 pixels on its row (a line along the seam
keeps its level, an isolated dark dot does not). Measured: darkest speck 15 sRGB levels below its row (before: 51, a
dotted line along the upper lip's left end); sad 1.5: 16 (before: 46).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy.ndimage import median_filter

from ned_core.analysis.regions import interocular_distance
from ned_core.render.lip_seal import meeting_line


@pytest.mark.parametrize("emotion", ["sad", "sad:1.5"])
def test_the_closed_lips_meet_in_an_even_line(tmp_path, stills, analyse, render, read_back, emotion):
    summary = render(stills["astronaut"], tmp_path / "plates", emotion=emotion)
    result = read_back(stills["astronaut"], summary)[0].result_srgb
    path = tmp_path / "result.png"
    assert cv2.imwrite(str(path), cv2.cvtColor(result, cv2.COLOR_RGB2BGR))
    landmarks = analyse(path).track.landmarks[0][:, :2].astype(np.float64)
    band = np.zeros(result.shape[:2], np.uint8)
    width = max(3, round(0.12 * float(interocular_distance(landmarks))))
    cv2.polylines(band, [np.round(meeting_line(landmarks)).astype(np.int32)], False, 1, width)
    lum = result.astype(np.float32).mean(axis=2)
    speck = (median_filter(lum, size=(1, 7)) - lum)[band > 0]
    assert speck.max() < 30.0, f"a dark speck {speck.max():.0f} sRGB levels below its row along the lip seam"
