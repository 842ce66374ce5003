"""seal_weight: a mouth the target closes is painted shut where the shot holds it open, not mid-syllable."""

from __future__ import annotations

from ned_core.render.config import RenderConfig
from ned_core.render.lip_seal import seal_weight


def test_a_held_open_mouth_closed_by_the_target_is_sealed_speech_is_not():
    config = RenderConfig()
    assert seal_weight(0.12, 0.01, config) == 1.0  # a still: its teeth are held
    assert seal_weight(0.12, 0.01, config, held_opening=0.11) > 0.9  # a smile with teeth held through the shot
    assert seal_weight(0.12, 0.01, config, held_opening=0.01) == 0.0  # open for a syllable of a closed-mouth actor
    assert seal_weight(0.12, 0.08, config) == 0.0  # the target keeps the mouth open
    assert seal_weight(0.014, 0.01, config) == 0.0  # closed lips (the mesh reads ~0.014) stay as they are
