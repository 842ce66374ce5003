"""Warp mesh: the mean-face triangulation is reused across frames unless an edit would fold it."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import RenderConfigError
from ned_core.face3d import CHANNEL_INDEX
from ned_core.render import RenderConfig
from ned_core.render.brow_guard import GUARD_PAIRS
from ned_core.render.topology import NUM_MESH, _mean_face_triangles, lip_points, signed_areas, warp_mesh
from ned_core.analysis import analyze_image
from ned_core.synthetic import sample_photo


def test_fixed_topology_for_identity_and_fresh_triangulation_when_folded(face) -> None:
    _, lm = face
    xy = lm[:, :2].astype(np.float64)
    config = RenderConfig()
    same = warp_mesh(xy, xy, config)
    assert same.fixed_topology
    assert len(same.src) == NUM_MESH + len(GUARD_PAIRS) + config.fade_rings * config.ring_points
    np.testing.assert_array_equal(same.src, same.dst)
    # drag the chin up through the mouth: the fixed triangles would fold, the fallback never does
    folded = xy.copy()
    folded[152, 1] = xy[13, 1] - 5
    mesh = warp_mesh(xy, folded, config)
    assert not mesh.fixed_topology
    areas = signed_areas(mesh.dst, mesh.triangles)
    assert np.all(areas >= 0) or np.all(areas <= 0)
    # the guard and the ring are the same for both (they follow the source)
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


def test_a_lip_line_rolling_over_keeps_the_mean_face_topology(analysis_config, mesh_models) -> None:
    """A pressed or closing mouth rolls the upper lip's inner edge over its middle (Grace Hopper's closed mouth;
    the same fold the astronaut made sad and Hopper made angry show): only lip-line slivers fold, and the mesh
    keeps the mean-face topology instead of being triangulated afresh (the whole face would swim)."""
    xy = analyze_image(sample_photo("grace_hopper"), analysis_config, mesh_models)[0].landmarks[:, :2].astype(np.float64)
    iod = float(np.linalg.norm(xy[33] - xy[263]))
    rolled = xy.copy()
    rolled[13, 1] = xy[12, 1] - 0.03 * iod  # the inner edge's middle rolled above the lip's middle
    config = RenderConfig()
    fixed = _mean_face_triangles(config.fade_margin, config.fade_rings, config.ring_points)
    mesh = warp_mesh(xy, rolled, config)
    areas = signed_areas(mesh.dst, fixed)
    folded = (signed_areas(mesh.src, fixed) * areas < 0) & (np.abs(areas) >= 2 * (config.fold_tolerance * iod) ** 2)
    assert folded.any() and lip_points()[fixed[folded]].all()  # the plain mean-face mesh folds, on the lips only
    assert mesh.fixed_topology
    # a fold off the lips (the chin dragged up, see above) still gets a fresh triangulation
    chin = rolled.copy()
    chin[152, 1] = xy[13, 1] - 5
    assert not warp_mesh(xy, chin, config).fixed_topology
