"""The corrugator's knit (face3d.knit): only brow lowering that no inner-brow raise offsets knits the brows."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.direct.prototypes import prototype
from ned_core.face3d.channels import CHANNEL_NAMES
from ned_core.face3d.knit import knit_amount, knit_fields, knit_offsets


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
