"""Warp mesh: the mean-face triangulation is reused across frames unless an edit would fold it."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import RenderConfigError
from ned_core.face3d import CHANNEL_INDEX
from ned_core.render import RenderConfig
from ned_core.render.topology import NUM_MESH, signed_areas, warp_mesh


def test_fixed_topology_for_identity_and_fresh_triangulation_when_folded(face) -> None:
    _, lm = face
    xy = lm[:, :2].astype(np.float64)
    config = RenderConfig()
    same = warp_mesh(xy, xy, config)
    assert same.fixed_topology
    assert len(same.src) == NUM_MESH + config.fade_rings * config.ring_points
    np.testing.assert_array_equal(same.src, same.dst)
    # drag the chin up through the mouth: the fixed triangles would fold, the fallback never does
    folded = xy.copy()
    folded[152, 1] = xy[13, 1] - 5
    mesh = warp_mesh(xy, folded, config)
    assert not mesh.fixed_topology
    areas = signed_areas(mesh.dst, mesh.triangles)
    assert np.all(areas >= 0) or np.all(areas <= 0)
    # the ring is the same for both (it follows the source oval)
    np.testing.assert_allclose(mesh.src[NUM_MESH:], same.src[NUM_MESH:])


def test_moderate_edits_keep_the_fixed_topology(face, face_model) -> None:
    # closed lips make slivers that flip under any mouth edit; switching to a fresh triangulation for
    # them would change the whole face's warp from one frame to the next
    _, lm = face
    fit = face_model.fit(lm[None])
    xy = lm[:, :2].astype(np.float64)
    for channel in ("lip_corner_pull_L", "lip_corner_pull_R", "lips_part", "upper_lip_raise"):
        expression = fit.expression.copy()
        expression[:, CHANNEL_INDEX[channel]] += 1.0
        dst = xy.copy()
        dst[:NUM_MESH] = face_model.reconstruct(fit, expression, include_unexplained=True)[0][:, :2]
        assert warp_mesh(xy, dst, RenderConfig()).fixed_topology, channel


@pytest.mark.parametrize("field, value", [("fade_margin", 0.0), ("field_spacing", 0.5), ("max_patches", 0),
                                          ("fill_full", 0.001), ("colour_gain_range", (1.2, 2.0)),
                                          ("eye_feather", float("nan"))])
def test_bad_config_names_the_field(field, value) -> None:
    with pytest.raises(RenderConfigError, match=field if field != "fill_full" else "fill_full > fill_start"):
        RenderConfig(**{field: value})
