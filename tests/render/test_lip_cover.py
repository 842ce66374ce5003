"""lip_cover: a speech frame whose target parts the lips less than the source keeps its teeth at their height.

The speaking astronaut (the painted mouth of ``synthetic/mouth.py``: upper teeth under the upper lip, a dark
cavity, lower teeth) at twice the photo's size, so that a tooth band is several pixels high: its most open frame,
with the lower lip raised by half the gap (a smile's held opening closed under a syllable), rendered by the mesh
warp as speech (nothing sealed, nothing filled).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.face3d import EmbeddedFaceModel
from ned_core.face3d.lips import INNER_PAIRS, OUTER_PAIRS
from ned_core.render.base import RenderedFace
from ned_core.render.config import RenderConfig
from ned_core.render.lip_cover import cover_lips, cover_weights
from ned_core.render.lip_edge import interior_like, mouth_reference
from ned_core.render.mesh_warp import render_mesh_warp
from ned_core.render.warp import remap
from ned_core.synthetic import SyntheticActorConfig, make_synthetic_actor, sample_photo

from .conftest import to_linear

_LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)
MIDDLE = 4  # the inner lips' middle pair (upper 13, lower 14)


@pytest.fixture(scope="module")
def open_frame(analysis_config, mesh_models) -> tuple[np.ndarray, np.ndarray]:
    """``(frame (H, W, 3) float32 linear, landmarks (478, 2) float64)``: the speaking astronaut's most open frame."""
    photo = cv2.resize(sample_photo("astronaut"), None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    config = SyntheticActorConfig(num_frames=12, seed=0, smile_episodes=0, blinks_per_minute=0.0, yaw_deg=2.0,
                                  pitch_deg=1.0, roll_deg=1.0)
    clip = make_synthetic_actor(photo, config, mesh_models, EmbeddedFaceModel.from_mean_face(), analysis_config)
    gaps = clip.landmarks[:, INNER_PAIRS[MIDDLE, 1], 1] - clip.landmarks[:, INNER_PAIRS[MIDDLE, 0], 1]
    t = int(np.argmax(gaps))
    return to_linear(clip.frames[t]), clip.landmarks[t, :, :2].astype(np.float64)


def _lower_lip_raised(src: np.ndarray, share: float) -> np.ndarray:
    """``src`` with the lower lip (inner and outer edge) raised by ``share`` of each column's inner-lip gap."""
    dst = src.copy()
    gap = dst[INNER_PAIRS[:, 1], 1] - dst[INNER_PAIRS[:, 0], 1]
    dst[INNER_PAIRS[:, 1], 1] -= share * gap
    dst[OUTER_PAIRS[:, 1], 1] -= share * gap
    return dst


def _upper_teeth_height(image: np.ndarray, xy: np.ndarray) -> float:
    """Mean rows (px) of tooth pixels (grey and not dark, ``lip_edge.interior_like``) over the middle 7 columns, from
    0.05 IOD above the upper inner lip down to the middle of the opening: the upper teeth's height there."""
    iod = float(interocular_distance(xy))
    reference = mouth_reference(image, xy[list(LIPS_INNER)], iod)
    x = int(round(xy[INNER_PAIRS[MIDDLE], 0].mean()))
    upper, lower = xy[INNER_PAIRS[MIDDLE], 1]
    pixels = image[int(round(upper - 0.05 * iod)) : int(round(0.5 * (upper + lower))), x - 3 : x + 4]
    teeth = interior_like(pixels, reference) & (pixels @ _LUMA > 0.3 * reference[0])
    return float(teeth.sum(axis=0).mean())


def _rendered(frame: np.ndarray, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, RenderedFace]:
    """The mesh warp's render as speech (``held_opening`` 0: the shot holds no opening, nothing is sealed), pasted
    into the frame."""
    rendered = render_mesh_warp(1, frame, src, dst, RenderConfig(), held_opening=0.0)
    out = frame.copy()
    x0, y0, x1, y1 = rendered.box
    out[y0:y1, x0:x1] = rendered.rgb
    return out, rendered


def test_a_narrower_opening_keeps_the_teeth_at_their_height(open_frame) -> None:
    """The lower lip raised by half the gap slides over the interior: the upper teeth keep their height (measured
    1.07 of the source's); the warp alone squeezed them with the opening (0.59)."""
    frame, src = open_frame
    source = _upper_teeth_height(frame, src)
    assert source >= 4.0  # a band to measure
    dst = _lower_lip_raised(src, 0.5)
    image, rendered = _rendered(frame, src, dst)
    flags = rendered.flags
    assert flags["mouth_fill"] is None and flags["lip_seal"] == 0.0 and flags["lip_cover"] == 1.0
    assert 0.85 <= _upper_teeth_height(image, dst) / source <= 1.25


def test_the_sample_map_follows_the_window(open_frame) -> None:
    """The plate's STMap (``sample_map``) samples the source where the window did: inside the narrowed opening the
    source remapped through it matches the plate (measured 0.010 mean, linear; 0.12 had it kept the warp's)."""
    frame, src = open_frame
    dst = _lower_lip_raised(src, 0.5)
    _, rendered = _rendered(frame, src, dst)
    x0, y0, x1, y1 = rendered.box
    opening = polygon_mask(dst[list(LIPS_INNER)] - (x0, y0), (y1 - y0, x1 - x0), 0.0).full((y1 - y0, x1 - x0)) > 0.5
    assert opening.sum() > 500
    error = np.abs(remap(frame, *rendered.sample_map) - rendered.rgb)[opening].mean()
    assert error < 0.03


def test_an_opening_as_wide_as_the_source_is_left_to_the_warp(open_frame) -> None:
    """The same lips, or lips parted further (the mouth fill's case), get no window: the warp's pixels are
    returned as they are."""
    frame, src = open_frame
    wider = _lower_lip_raised(src, -0.2)
    for dst in (src, wider):
        assert np.all(cover_weights(src, dst) == 0.0)
        rgb, maps = np.zeros((4, 4, 3), np.float32), (np.zeros((4, 4), np.float32), np.zeros((4, 4), np.float32))
        out, out_maps, weight = cover_lips(rgb, (0, 0, 4, 4), frame, src, dst, maps)
        assert out is rgb and out_maps is maps and weight == 0.0


def test_a_closed_source_mouth_is_never_opened(astronaut_face) -> None:
    """Source columns whose lips meet (less than ``PARTED_IOD`` apart) show no interior to keep: weight 0 whatever
    the target does with them."""
    _, lm = astronaut_face
    src = lm[:, :2].astype(np.float64)
    closed = src.copy()
    closed[INNER_PAIRS[:, 1], 1] = closed[INNER_PAIRS[:, 0], 1] + 0.01 * interocular_distance(src)
    narrower = closed.copy()
    narrower[INNER_PAIRS[:, 1], 1] = narrower[INNER_PAIRS[:, 0], 1]
    assert np.all(cover_weights(closed, narrower) == 0.0)
