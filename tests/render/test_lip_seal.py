"""seal_weight: a mouth the target closes is painted shut where the shot holds it open, not mid-syllable;
seal_lips paints over the teeth edge the warp carries along the upper lip."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.render.config import RenderConfig
from ned_core.render.lip_seal import seal_lips, seal_weight


def test_a_held_open_mouth_closed_by_the_target_is_sealed_speech_is_not():
    config = RenderConfig()
    assert seal_weight(0.12, 0.01, config) == 1.0  # a still: its teeth are held
    assert seal_weight(0.12, 0.01, config, held_opening=0.11) > 0.9  # a smile with teeth held through the shot
    assert seal_weight(0.12, 0.01, config, held_opening=0.01) == 0.0  # open for a syllable of a closed-mouth actor
    assert seal_weight(0.12, 0.08, config) == 0.0  # the target keeps the mouth open
    assert seal_weight(0.014, 0.01, config) == 0.0  # closed lips (the mesh reads ~0.014) stay as they are


def test_the_teeth_edge_carried_along_the_upper_lip_is_painted_over():
    """The warp carries the dark gaps between a smile's upper teeth and the upper lip along the upper lip's inner
    edge. On the astronaut still made sad they stayed as dark flecks 1.1-1.8 px (0.026-0.042 IOD) above the target's
    inner outline, beyond the painted edge (GROW_IOD: 1 px); the seal now paints over them, and leaves the lower lip
    below the painted band as it was."""
    iod_px = 44.0  # the astronaut still's
    face = load_mean_face()[:, :2].astype(np.float64) * iod_px + 100.0
    assert abs(interocular_distance(face) - iod_px) < 1.0
    lip = np.array([0.45, 0.22, 0.2], np.float32)  # scene-linear lip colour
    rgb = np.broadcast_to(lip, (200, 200, 3)).copy()
    upper = face[list(LIPS_INNER[12:19])]  # the upper inner lip, corners left out
    flecks = [(round(x), round(y - 0.035 * iod_px)) for x, y in upper]
    for x, y in flecks:
        rgb[y, x] = 0.05  # a dark gap, one pixel
    below = [(round(x), round(y + 0.08 * iod_px)) for x, y in face[list(LIPS_INNER[3:8])]]  # on the lower lip
    for x, y in below:
        rgb[y, x] = 0.05
    out = seal_lips(rgb, (0, 0, 200, 200), face, 1.0)
    for x, y in flecks:
        assert out[y, x, 0] > 0.8 * lip[0], f"fleck at ({x}, {y}) kept: {out[y, x]}"
    for x, y in below:
        assert out[y, x, 0] < 0.2, f"the lower lip at ({x}, {y}) was painted: {out[y, x]}"
