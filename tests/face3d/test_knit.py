"""The corrugator's knit (face3d.knit): brow lowering draws the heads together; only lowering no inner-brow raise
offsets pulls them down."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.direct.prototypes import prototype
from ned_core.face3d.channels import CHANNEL_NAMES
from ned_core.face3d.knit import draw_amount, knit_amount, knit_fields, knit_offsets


@pytest.fixture(scope="module")
def template(basis):
    return basis.template


def test_angry_knits_and_sad_and_fear_do_not():
    amounts = {e: knit_amount(prototype(e)[None], CHANNEL_NAMES)[0] for e in ("angry", "sad", "fear", "neutral")}
    assert np.allclose(amounts["angry"], 1.0)
    for emotion in ("sad", "fear", "neutral"):
        assert np.all(amounts[emotion] == 0.0), f"{emotion} knits: {amounts[emotion]}"


def test_the_inner_brow_heads_come_down_and_together(template):
    fields = knit_fields(template)
    x = template[:, 0]
    for k, sign, head in ((0, 1.0, 285), (1, -1.0, 55)):  # subject's left, right inner brow head
        down, medial = fields[k, head, 1], -sign * fields[k, head, 0]
        assert down > 0.025 and medial > 0.025, f"head {head}: down {down:.3f}, medial {medial:.3f} IOD"
        assert np.all(fields[k, sign * x < 0, 0] * sign <= 1e-12), "the medial pull crosses the midline"
    midline = np.abs(x) < 1e-6
    assert np.allclose(fields[:, midline, 0], 0.0)
    lids = [159, 158, 160, 386, 385, 387]  # upper-lid margins of both eyes (MediaPipe indices)
    assert np.allclose(fields[:, lids], 0.0)


def test_an_unchanged_expression_adds_nothing_and_a_neutral_target_releases_a_frown(template):
    frown = prototype("angry")[None].repeat(3, axis=0)
    assert np.all(knit_offsets(template, CHANNEL_NAMES, frown, frown) == 0.0)
    released = knit_offsets(template, CHANNEL_NAMES, frown, np.zeros_like(frown))
    assert released[0, 285, 1] < -0.025, "a frowning actor made neutral keeps the knit"


def test_sad_and_fear_draw_the_heads_together_without_pulling_them_down(template):
    """AU1+4 (sad) and 1+2+4 (fear): brows "raised and drawn together" (Ekman and Friesen 1975)."""
    rest = np.zeros((1, len(CHANNEL_NAMES)))
    for emotion, au4 in (("sad", 0.5), ("fear", 0.8)):  # fear 0.6 before EmfacsPrototypes.9
        target = prototype(emotion)[None]
        assert np.allclose(draw_amount(target, CHANNEL_NAMES), au4)
        added = knit_offsets(template, CHANNEL_NAMES, rest, target)[0]
        gap = added[285, 0] - added[55, 0]  # subject's left head minus right head (x = subject's left)
        # 0 before; now 0.030 / 0.047 (fear's AU4 0.6 -> 0.8: 0.036 -> 0.047)
        assert gap < -0.025, f"{emotion}: heads drawn {-gap:.3f} IOD together"
        assert np.allclose(added[:, 1], 0.0), f"{emotion}: the knit pulls the raised heads down"
