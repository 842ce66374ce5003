"""A face turned past three-quarter drawn as a surface: the photo unchanged facing the camera, hidden parts hidden."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.frame import analyze_image
from ned_core.analysis.regions import LEFT_EYE, RIGHT_EYE
from ned_core.exceptions import SyntheticActorError
from ned_core.synthetic.turn_render import FaceSurface, faceless_backdrop


@pytest.fixture(scope="module")
def hopper(grace_hopper, analysis_config, mesh_models):
    mesh = analyze_image(grace_hopper, analysis_config, mesh_models)[0].landmarks[:468].astype(np.float64)
    return grace_hopper, mesh


def yawed(mesh: np.ndarray, degrees: float) -> np.ndarray:
    """``mesh (N, 3)`` turned about the vertical through its centre."""
    a = np.radians(degrees)
    c = mesh.mean(axis=0)
    x, z = mesh[:, 0] - c[0], mesh[:, 2] - c[2]
    out = mesh.copy()
    out[:, 0], out[:, 2] = c[0] + np.cos(a) * x + np.sin(a) * z, c[2] - np.sin(a) * x + np.cos(a) * z
    return out


def test_facing_the_camera_the_face_is_the_photo(hopper):
    photo, mesh = hopper
    surface = FaceSurface.of(mesh)
    back = faceless_backdrop(photo, mesh)
    assert np.abs(back.astype(np.float32) - photo).mean() > 2  # the face is filled in ...
    out = surface.render(photo, back, mesh)
    inner = np.zeros(photo.shape[:2], bool)
    x0, y0 = mesh[:, :2].min(axis=0) + 0.2 * np.ptp(mesh[:, :2], axis=0)
    x1, y1 = mesh[:, :2].max(axis=0) - 0.2 * np.ptp(mesh[:, :2], axis=0)
    inner[int(y0):int(y1), int(x0):int(x1)] = True
    assert np.abs(out[inner].astype(np.float32) - photo[inner]).mean() < 1.0  # ... and drawn back over it


@pytest.mark.parametrize("degrees", [70.0, -70.0])
def test_turned_to_profile_the_far_eye_is_hidden_behind_the_face(hopper, degrees):
    """Turned 70 degrees, the far eye lies behind the nose and the near cheek: where it projects, nearer triangles are
    drawn (the warp of the destination triangulation drew it, torn, on top). The sign of the turn picks the eye."""
    photo, mesh = hopper
    surface = FaceSurface.of(mesh)
    turned = yawed(mesh, degrees)
    out = surface.render(photo, faceless_backdrop(photo, mesh), turned)
    depth = turned[:, 2] * surface.nearer
    eyes = {side: list(points) for side, points in (("right", RIGHT_EYE), ("left", LEFT_EYE))}
    far, near = sorted(eyes.values(), key=lambda e: depth[e].mean())
    assert depth[far].mean() < depth[near].mean() - 0.1 * np.ptp(mesh[:, 0])
    # the far eye's pupil region no longer shows its own texture: drawn as it was in the photo it would match the
    # photo's eye there
    centre = turned[far, :2].mean(axis=0).round().astype(int)
    source = mesh[far, :2].mean(axis=0).round().astype(int)
    patch = out[centre[1] - 3: centre[1] + 4, centre[0] - 3: centre[0] + 4].astype(np.float32)
    eye = photo[source[1] - 3: source[1] + 4, source[0] - 3: source[0] + 4].astype(np.float32)
    assert np.abs(patch - eye).mean() > 15


def test_a_malformed_mesh_is_refused(hopper):
    photo, mesh = hopper
    with pytest.raises(SyntheticActorError, match="468"):
        FaceSurface.of(mesh[:100])
    with pytest.raises(SyntheticActorError, match="points"):
        FaceSurface.of(mesh).render(photo, photo, mesh[:, :2])
