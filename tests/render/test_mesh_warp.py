"""Mesh-warp renderer on real faces: identity is exact, edits move the right pixels, the fade is seamless."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.mask import face_mask
from ned_core.analysis.regions import LIPS_OUTER, eye_centres, interocular_distance, polygon
from ned_core.exceptions import RenderInputError
from ned_core.render import MeshWarpRenderer, RenderConfig, render_mesh_warp
from ned_core.render.warp import mesh_box


def _smile(landmarks: np.ndarray, lift_px: float) -> np.ndarray:
    """Target landmarks with the mouth corners (and the outer lip points near them) raised by ``lift_px``."""
    dst = landmarks.copy()
    mouth = landmarks[list(LIPS_OUTER), :2]
    centre_x, half = mouth[:, 0].mean(), np.ptp(mouth[:, 0]) / 2
    lips = np.flatnonzero(np.linalg.norm(landmarks[:, :2] - mouth.mean(axis=0), axis=1) < 1.2 * half)
    reach = np.clip(np.abs(landmarks[lips, 0] - centre_x) / half, 0, 1) ** 2
    dst[lips, 1] -= lift_px * reach
    return dst


@pytest.mark.parametrize("spacing", [0.0, 0.02, 0.04])
def test_identity_reproduces_the_frame_exactly(face, spacing) -> None:
    frame, lm = face
    out = render_mesh_warp(7, frame, lm, lm, RenderConfig(field_spacing=spacing))
    assert out.frame == 7 and out.flags["mouth_fill"] is None
    assert np.array_equal(out.paste(frame), frame)
    assert out.coverage.max() == 1.0


def test_smile_moves_mouth_pixels_and_nothing_beyond_the_fade_ring(face) -> None:
    frame, lm = face
    iod = float(interocular_distance(lm))
    dst = _smile(lm, 0.08 * iod)
    out = render_mesh_warp(1, frame, lm, dst, RenderConfig())
    full = out.paste(frame)
    changed = np.abs(full - frame).max(axis=2) > 1e-3
    x0, y0, x1, y1 = out.box
    assert not changed[:y0].any() and not changed[y1:].any() and not changed[:, :x0].any() and not changed[:, x1:].any()
    corner = np.round(dst[61, :2]).astype(int)
    assert changed[corner[1] - 3 : corner[1] + 4, corner[0] - 3 : corner[0] + 4].any()
    face_area = face_mask(dst, frame.shape[:2], 0.0).alpha.sum()
    assert changed.sum() < 0.5 * face_area  # a local edit, not the whole face
    # around the mouth: every changed pixel lies within one inter-ocular distance of the mouth's centre, but for
    # a smile's shading around the eyes (smile_shading: lower-lid furrows, crow's feet; on the unsmiling face) ...
    ys, xs = np.nonzero(changed)
    mouth = lm[list(LIPS_OUTER), :2].mean(axis=0)
    far = np.hypot(xs - mouth[0], ys - mouth[1]) >= iod
    eyes = eye_centres(lm[:, :2])
    near_eyes = np.hypot(xs[far, None] - eyes[:, 0], ys[far, None] - eyes[:, 1]).min(axis=1) < 0.5 * iod
    assert near_eyes.all() and (not far.any() or out.flags["smile_shade"] > 0)
    # ... and nothing changes in the eyes and brows
    for region in ("right_eye", "left_eye", "right_brow", "left_brow"):
        x, y = np.round(polygon(lm, region)).astype(int).T
        assert not changed[y.min():y.max() + 1, x.min():x.max() + 1].any(), region
    # the content at the source corner now sits at the target corner
    sx, sy = np.round(lm[61, :2]).astype(int)
    tx, ty = dst[61, :2]
    assert np.abs(full[int(round(ty)), int(round(tx))] - frame[sy, sx]).max() < 0.08


def test_fade_has_no_gradient_spike(astronaut_face) -> None:
    frame, lm = astronaut_face
    dst = lm.copy()
    dst[:, 1] += 0.1 * float(interocular_distance(lm))  # the whole face moves down: the ring carries it all
    out = render_mesh_warp(1, frame, lm, dst, RenderConfig())
    full = out.paste(frame)
    x0, y0, x1, y1 = out.box
    ring_edge = np.zeros(frame.shape[:2], bool)  # the outer edge of the fade ring
    covered = np.pad(out.coverage > 0, 1)
    ring_edge[y0:y1, x0:x1] = covered[1:-1, 1:-1] & ~(covered[:-2, 1:-1] & covered[2:, 1:-1]
                                                       & covered[1:-1, :-2] & covered[1:-1, 2:])
    assert ring_edge.sum() > 100
    grad_out = np.abs(np.diff(full, axis=1)).max(axis=2)
    grad_src = np.abs(np.diff(frame, axis=1)).max(axis=2)
    assert grad_out[ring_edge[:, :-1]].max() <= grad_src[y0:y1, x0:x1].max() + 1e-6
    # the change fades out towards the edge of the changed box
    diff = np.abs(full - frame).max(axis=2)
    border = np.zeros(frame.shape[:2], bool)
    border[y0:y1, x0:x1] = True
    border[y0 + 4 : y1 - 4, x0 + 4 : x1 - 4] = False
    assert diff[border].max() < 0.25 * diff.max()


def test_renderer_class_and_bad_inputs(astronaut_face) -> None:
    frame, lm = astronaut_face
    renderer = MeshWarpRenderer()
    assert renderer.mouth_index is None
    assert np.array_equal(renderer.render(3, frame, lm, lm).paste(frame), frame)
    with pytest.raises(RenderInputError, match="frame 3"):
        renderer.render(3, frame[..., :2], lm, lm)
    with pytest.raises(RenderInputError, match="dst landmarks"):
        renderer.render(3, frame, lm, lm[:100])
    far = lm.copy()
    far[:, :2] += 5000
    with pytest.raises(RenderInputError, match="outside"):
        renderer.render(3, frame, far, far)
    assert mesh_box(lm[:, :2], frame.shape[1], frame.shape[0])[0] >= 0
