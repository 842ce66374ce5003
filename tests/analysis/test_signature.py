"""Face signatures: the same person stays close under noise, exposure and roll; two people are far apart."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.analysis.signature import face_colour, face_shape, signature_distance


@pytest.fixture(scope="module")
def signatures(astronaut, grace_hopper, config, models):
    rng = np.random.default_rng(3)
    h, w = grace_hopper.shape[:2]
    variants = {
        "astronaut": astronaut,
        "astronaut_noisy": np.clip(astronaut + rng.normal(0, 4, astronaut.shape), 0, 255).astype(np.uint8),
        "astronaut_dark": (astronaut * 0.6 + 10).astype(np.uint8),
        "astronaut_half": cv2.resize(astronaut, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA),
        "grace": grace_hopper,
        "grace_rolled": cv2.warpAffine(grace_hopper, cv2.getRotationMatrix2D((w / 2, h / 2), 20, 1.1), (w, h)),
    }
    out = {}
    for name, image in variants.items():
        lm = analyze_image(image, config, models)[0].landmarks
        out[name] = (face_shape(lm), face_colour(image, lm))
    return out


def test_same_person_is_close_and_different_people_far(signatures, config):
    def d(a, b):
        return signature_distance(*signatures[a], *signatures[b])

    for same in (("astronaut", "astronaut_noisy"), ("astronaut", "astronaut_dark"),
                 ("astronaut", "astronaut_half"), ("grace", "grace_rolled")):
        assert d(*same) < 0.5 * config.reattach_distance, same
    for other in (("astronaut", "grace"), ("astronaut_dark", "grace_rolled")):
        assert d(*other) > 1.5 * config.reattach_distance, other
