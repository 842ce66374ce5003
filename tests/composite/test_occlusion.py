"""The occlusion mask on the real photos: a skin-coloured occluder over the lower face is found under another
exposure and tint, a clean face under dark warm light is not, and the plate dissolves to the source under it."""

from __future__ import annotations

import warnings

import cv2
import numpy as np
import pytest

from ned_core.analysis.regions import polygon
from ned_core.composite import CompositeConfig, composite_face, merge_over
from ned_core.composite.config import OcclusionConfig
from ned_core.composite.occlusion import (
    _LOG_FLOOR, _detail, build_reference, canonical_read_box, nan_median, nan_quantile, occlusion_mask, to_canonical, unoccluded,
)
from ned_core.exceptions import CompositeConfigError, OcclusionError
from ned_core.render import MeshWarpRenderer, RenderConfig

WARM = np.array([1.25, 1.0, 0.7], np.float32)


def _lit(frame: np.ndarray, gain: float, tint: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """The frame under another exposure (and tint), with sensor-like noise."""
    noise = np.random.default_rng(seed).normal(0.0, 0.004, frame.shape).astype(np.float32)
    return np.clip(frame * gain * (1.0 if tint is None else tint) + noise * gain, 0.0, None)


def _shifted(frame: np.ndarray, landmarks: np.ndarray, dx: float, dy: float) -> tuple[np.ndarray, np.ndarray]:
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    moved = cv2.warpAffine(frame, m, frame.shape[1::-1], flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return moved, landmarks + np.float32([dx, dy, 0.0])


def _oval(shape: tuple[int, ...], landmarks: np.ndarray) -> np.ndarray:
    m = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(m, [np.round(polygon(landmarks, "face_oval")).astype(np.int32)], 1)
    return m.astype(bool)


def _hand(frame: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The frame with a flat skin-coloured ellipse over the subject's right cheek and mouth, and where it is."""
    lo, hi = landmarks[:468, :2].min(axis=0), landmarks[:468, :2].max(axis=0)
    w, h = hi - lo
    cover = np.zeros(frame.shape[:2], np.uint8)
    cv2.ellipse(cover, (int(lo[0] + 0.3 * w), int(lo[1] + 0.7 * h)), (int(0.25 * w), int(0.3 * h)), 0, 0, 360, 1, -1)
    out = frame.copy()
    out[cover.astype(bool)] = (np.array([196, 140, 112]) / 255.0) ** 2.2
    return out, cover.astype(bool)


@pytest.fixture(scope="module")
def reference(face):
    """The reference of a "track" of the photo: six frames moved a little, under varying light, one with the
    occluder (an occluder in a minority of the samples does not enter it)."""
    frame, landmarks = face
    samples = []
    for k, (dx, dy, gain) in enumerate([(0, 0, 1.0), (2, -1, 0.8), (-2, 1, 1.2), (1, 2, 0.9), (-1, -2, 1.1),
                                        (0, 1, 1.0)]):
        moved, lm = _shifted(_lit(frame, gain, seed=k), landmarks, dx, dy)
        samples.append((_hand(moved, lm)[0] if k == 3 else moved, lm))
    return build_reference(samples)


def test_an_occluder_is_found_under_other_light_and_only_where_it_is(face, reference):
    frame, landmarks = face
    moved, lm = _shifted(_lit(frame, 0.6, WARM, seed=9), landmarks, 1.5, -0.5)
    covered, hand = _hand(moved, lm)
    h, w = frame.shape[:2]
    mask = occlusion_mask(reference, covered, lm, (0, 0, w, h))
    inside = hand & _oval(frame.shape, lm)
    assert mask[inside].mean() > 0.9
    away = ~cv2.dilate(hand.astype(np.uint8), np.ones((41, 41), np.uint8)).astype(bool)
    assert mask[_oval(frame.shape, lm) & away].mean() < 0.03
    assert mask[~_oval(frame.shape, lm) & away].max() < 0.5  # nothing outside the face either


def _smoothed(frame: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The frame with the subject's right cheek replaced by a blurred copy of itself (its own skin tone and shading,
    without its lines: a skin-coloured hand), and where."""
    lo, hi = landmarks[:468, :2].min(axis=0), landmarks[:468, :2].max(axis=0)
    w, h = hi - lo
    cover = np.zeros(frame.shape[:2], np.uint8)
    cv2.ellipse(cover, (int(lo[0] + 0.3 * w), int(lo[1] + 0.62 * h)), (int(0.2 * w), int(0.2 * h)), 0, 0, 360, 1, -1)
    out = frame.copy()
    out[cover.astype(bool)] = cv2.GaussianBlur(frame, (0, 0), 0.03 * w)[cover.astype(bool)]
    return out, cover.astype(bool)


def test_a_skin_toned_smooth_occluder_over_a_lined_cheek_is_found_by_its_missing_lines(face, reference, request):
    frame, landmarks = face
    h, w = frame.shape[:2]
    smooth, patch = _smoothed(frame, landmarks)
    covered, lm = _shifted(_lit(smooth, 0.7, WARM, seed=13), landmarks, 1.0, 0.5)
    patch = _shifted(patch.astype(np.float32), landmarks, 1.0, 0.5)[0] > 0.5
    mask = occlusion_mask(reference, covered, lm, (0, 0, w, h))
    away = ~cv2.dilate(patch.astype(np.uint8), np.ones((41, 41), np.uint8)).astype(bool)
    assert mask[_oval(frame.shape, lm) & away].mean() < 0.03
    if request.node.callspec.params["face"] == "grace_hopper":  # the astronaut's cheek has no lines to lose
        assert mask[patch].mean() > 0.6  # measured 0.95
        colour_only = occlusion_mask(reference, covered, lm, (0, 0, w, h), OcclusionConfig(detail_change=0.0))
        assert colour_only[patch].mean() < 0.2  # 0.0: its colour is the cheek's own


def test_a_clean_face_under_dark_warm_light_is_not_masked(face, reference):
    frame, landmarks = face
    h, w = frame.shape[:2]
    for gain, tint in ((0.25, WARM), (1.3, None)):
        moved, lm = _shifted(_lit(frame, gain, tint, seed=5), landmarks, -1.0, 1.0)
        assert occlusion_mask(reference, moved, lm, (0, 0, w, h)).max() == 0.0, gain


def test_the_plate_dissolves_to_the_source_where_it_is_hidden(face):
    frame, landmarks = face
    dst = landmarks.copy()
    dst[:, 1] += 2.0  # any edit
    rendered = MeshWarpRenderer(RenderConfig()).render(0, frame, landmarks, dst)
    plate = composite_face(frame, rendered, landmarks, dst, CompositeConfig())
    occ = np.zeros(plate.mask.shape, np.float32)
    occ[: occ.shape[0] // 2] = 1.0
    occ[occ.shape[0] // 2:, : occ.shape[1] // 3] = 0.5
    hidden = unoccluded(plate, occ)
    assert np.array_equal(hidden.mask, plate.mask * (1 - occ))
    x0, y0, x1, y1 = plate.data_window
    expected = occ[..., None] * frame[y0:y1, x0:x1] + (1 - occ[..., None]) * merge_over(frame, plate)[y0:y1, x0:x1]
    assert np.allclose(merge_over(frame, hidden)[y0:y1, x0:x1], expected, atol=1e-5)
    assert unoccluded(plate, np.zeros_like(occ)) is plate
    with pytest.raises(OcclusionError, match="does not cover"):
        unoccluded(plate, occ[1:])


def test_bad_inputs_are_refused_with_the_field_named(face):
    frame, landmarks = face
    with pytest.raises(OcclusionError, match="at least 3"):
        build_reference([(frame, landmarks)] * 2)
    with pytest.raises(OcclusionError, match="landmarks"):
        build_reference([(frame, landmarks[:100])] * 3)
    with pytest.raises(CompositeConfigError, match="min_change"):
        OcclusionConfig(min_change=0.5, max_change=0.3)
    with pytest.raises(CompositeConfigError, match="samples"):
        OcclusionConfig(samples=2)
    with pytest.raises(CompositeConfigError, match="reach"):
        OcclusionConfig(reach=-1)
    with pytest.raises(CompositeConfigError, match="detail_change"):
        OcclusionConfig(detail_change=float("nan"))
    with pytest.raises(CompositeConfigError, match="occlusion"):
        CompositeConfig(occlusion=True)
    with pytest.raises(CompositeConfigError, match="paint_bridged"):
        CompositeConfig(paint_bridged="yes")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("q", [0.0, 0.25, 0.5, 1.0])
def test_nan_quantile_is_numpys_to_the_bit(dtype, q):
    """The reference's per-cell spread (grouped by how many frames saw the cell) equals np.nanquantile exactly:
    cells seen in every sample, in some, in one, in none (NaN), and infinite values."""
    rng = np.random.default_rng(3)
    values = rng.standard_normal((16, 48, 48)).astype(dtype)
    values[rng.random(values.shape) < 0.3] = np.nan
    values[:, 0, :4] = np.nan  # never seen
    values[1:, 1, :4] = np.nan  # seen once
    values[2, 2, 2] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells, inf - inf
        expected = np.nanquantile(values, q, axis=0)
        got = nan_quantile(values, q)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.array_equal(got, expected, equal_nan=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(16, 48, 48, 4), (1500, 4), (2, 9)])
def test_nan_median_is_numpys_to_the_bit(dtype, shape):
    """The reference's per-cell median (and a frame's median colour over the face) equals np.nanmedian exactly:
    columns with an odd and an even count of numbers (the mean of the middle two), one, none (NaN), and infinities."""
    rng = np.random.default_rng(5)
    values = (rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3, shape)).astype(dtype)
    values[rng.random(values.shape) < 0.3] = np.nan
    values[:, 0] = np.nan  # never seen
    values[1:, 1] = np.nan  # seen once
    values[:2, -1] = np.inf
    values[2:4, -1] = -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns, inf - inf
        expected = np.nanmedian(values, axis=0)
        got = nan_median(values)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.array_equal(got, expected, equal_nan=True)


def test_detail_luminance_is_the_channel_mean_to_the_bit():
    rng = np.random.default_rng(4)
    part = rng.random((37, 41, 3), dtype=np.float32) * 4.0
    luminance = part.mean(axis=-1)
    log_l = np.log(np.maximum(luminance, 0.0) + _LOG_FLOOR * max(float(np.median(luminance)), 1e-4))
    gx = cv2.Sobel(log_l, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(log_l, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    assert np.array_equal(_detail(part), gx * gx + gy * gy)


def test_an_occluded_frame_s_face_is_cut_and_measured_once(face, reference, monkeypatch):
    """The canonical mask goes back to the frame through the crop's geometry: the fine structure (the costly part,
    ~7 ms of a 4K close-up) is worked out once a frame, for the canonical grid, not again to size the crop."""
    import ned_core.composite.occlusion as occlusion

    frame, landmarks = face
    moved, lm = _shifted(_lit(frame, 0.6, WARM, seed=9), landmarks, 1.5, -0.5)
    covered, _ = _hand(moved, lm)
    calls = []
    monkeypatch.setattr(occlusion, "_detail", lambda part: calls.append(part.shape) or _detail(part))
    h, w = frame.shape[:2]
    assert occlusion_mask(reference, covered, lm, (0, 0, w, h)).max() > 0.5
    assert len(calls) == 1


def test_the_canonical_face_of_its_read_box_alone_is_the_whole_frame_s(face):
    """``canonical_read_box``: the face unwrapped from only that part of the frame (landmarks moved by its origin, in
    float32 as the renderer moves them) is the whole frame's to the bit, the face cut by a frame edge too (NaN there);
    a box one pixel short on any side is not (``to_canonical`` reads all of it)."""
    frame, landmarks = face
    shift = (-float(landmarks[:, 0].min()) - 7.3, 0.0)  # the face's left part outside the frame
    for moved, lm in (face, _shifted(frame, landmarks, 13.6, 5.2), _shifted(frame, landmarks, *shift)):
        lm = lm.astype(np.float32)
        whole = to_canonical(moved, lm)
        x0, y0, x1, y1 = canonical_read_box(lm, moved.shape[:2])
        local = lm - np.float32([x0, y0, 0.0])
        np.testing.assert_array_equal(to_canonical(moved[y0:y1, x0:x1], local), whole)
        short = moved[y0:y1 - 1, x0:x1] if y1 < moved.shape[0] else moved[y0:y1, x0:x1 - 1]
        assert not np.array_equal(to_canonical(short, local), whole, equal_nan=True)
