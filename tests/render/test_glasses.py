"""Glasses stay rigid: the rims are found on a face with glasses (and on no face without), and the warp is held
still on them without any pixel beside a rim sampling it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.analysis.regions import interocular_distance
from ned_core.render.glasses import rim_mask, rims_in_frame, shot_rims, warp_behind_rims
from ned_core.render.warp import remap
from ned_core.synthetic import sample_photo

from .conftest import to_linear

GRADES = {"as shot": (1.0, (1.0, 1.0, 1.0)), "dark warm": (0.35, (1.15, 1.0, 0.75)), "dark cool": (0.4, (0.85, 1.0, 1.2))}


@pytest.fixture(scope="module")
def photos(analysis_config, mesh_models) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{name: (frame (H, W, 3) float32 linear, landmarks (478, 3))}`` of the two real photos."""
    out = {}
    for name in ("astronaut", "grace_hopper"):
        photo = sample_photo(name)
        out[name] = to_linear(photo), analyze_image(photo, analysis_config, mesh_models)[0].landmarks
    return out


@pytest.mark.parametrize("grade", list(GRADES))
def test_grace_hopper_s_frame_is_found_and_the_astronaut_wears_none(photos, grade):
    gain, tint = GRADES[grade]
    hopper, astronaut = photos["grace_hopper"], photos["astronaut"]
    assert rim_mask(astronaut[0] * gain * np.asarray(tint, np.float32), astronaut[1]) is None
    found = rim_mask(hopper[0] * gain * np.asarray(tint, np.float32), hopper[1])
    assert found is not None
    (x0, y0, x1, y1), mask = found
    lm = hopper[1][:, :2]
    iod = float(interocular_distance(lm))
    # her browline frame: a dark bar over each eye, joined across the nose; measured 0.17 IOD^2 in every grade
    assert 0.12 < mask.sum() / iod**2 < 0.25, f"rim area {mask.sum() / iod**2:.3f} IOD^2"
    cols = np.flatnonzero(mask.any(axis=0)) + x0
    assert cols.min() < lm[33, 0] and cols.max() > lm[263, 0], "the rims span both eyes, outer corner to outer corner"
    assert np.all(mask[:, int(lm[133, 0]) - x0:int(lm[362, 0]) - x0].any(axis=0)), "the rims are joined across the nose"
    for outer, inner, lid in ((33, 133, 159), (263, 362, 386)):  # over each eye, the bar stays above the upper lid
        lo, hi = sorted((int(lm[outer, 0]) - x0, int(lm[inner, 0]) - x0))
        rows = np.flatnonzero(mask[:, lo:hi].any(axis=1)) + y0
        assert rows.max() < lm[lid, 1], "a rim is found on the lids (her lower rims are clear plastic: none there)"
    lum = hopper[0][y0:y1, x0:x1] @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    assert np.median(lum[mask]) < 0.3 * np.median(lum[~mask]), "the rim pixels are the dark bar, not skin"


def _bar() -> tuple[tuple[int, int, int, int], np.ndarray]:
    mask = np.zeros((100, 120), bool)
    mask[40:46, 10:110] = True  # a horizontal bar 6 px thick
    return (0, 0, 120, 100), mask


def _striped() -> np.ndarray:
    """``(100, 120, 3) float32``: skin with a horizontal stripe every 5 rows (texture to follow), the bar dark."""
    ys = np.arange(100, dtype=np.float32)[:, None, None]
    image = np.broadcast_to(0.5 + 0.2 * (ys % 5 == 0) + 0.002 * ys, (100, 120, 3)).astype(np.float32).copy()
    image[_bar()[1]] = 0.02
    return image


def test_the_rims_stay_and_the_skin_moves_behind_them_in_full():
    """Content moving up 8 px (a brow raised over the bar, a lid rising under it): the bar stays, the skin above it
    moves the whole 8 px (what comes out from behind the bar is skin, not a second bar), the skin below slides under
    it. Holding the skin off the bar by stretching it instead (main's hold), the rows just above the bar moved 0-3
    px."""
    image = _striped()
    ys, xs = np.mgrid[0:100, 0:120].astype(np.float32)
    map_x, map_y = xs.copy(), ys + 8.0  # backward: each pixel samples 8 px below
    out = warp_behind_rims(image, map_x, map_y, (0, 0, 120, 100), _bar(), iod=100.0)
    bar = _bar()[1]
    bar[[40, 40, 45, 45], [10, 109, 10, 109]] = False  # its square corners are specks to rim_front's disc
    np.testing.assert_allclose(out[bar], image[bar])
    np.testing.assert_allclose(map_y[40:46, 10:110], ys[40:46, 10:110])  # the STMap says so too
    np.testing.assert_allclose(out[:30, 10:110], image[8:38, 10:110], atol=1e-6)  # moved in full up to the bar
    assert out[30:40, 10:110].min() > 0.4, "a pixel above the bar shows the bar (a doubled rim)"
    np.testing.assert_allclose(out[48:92, 10:110], image[56:100, 10:110], atol=1e-6)  # below: slides under it


def test_the_rims_edge_is_soft_and_their_specks_move_with_the_skin():
    """A lid rising 8 px under the bar: the pixel 2 px below the bar (within its soft edge, RIM_EDGE at 100 px IOD)
    shows a blend of the bar's unmoved edge and the moved skin, not one or the other (all or nothing, the mask's pixel
    steps showed as a stair-stepped rim edge over Grace Hopper's raised lids); a hair-thin strand of the mask hanging
    below the bar (the lid crease's shadow found as rim) moves with the skin instead of staying in front of it as dark
    dots (main held both: the blend's share 0, the strand 0.02)."""
    image = _striped()
    (window, mask) = _bar()
    mask[46:54, 60] = True  # a strand 1 px wide, 8 px long
    image[46:54, 60] = 0.02
    ys, xs = np.mgrid[0:100, 0:120].astype(np.float32)
    out = warp_behind_rims(image, xs.copy(), ys + 8.0, (0, 0, 120, 100), (window, mask), iod=100.0)
    share = (out[47, 20:50] - image[47, 20:50]) / (image[55, 20:50] - image[47, 20:50])  # 0 unmoved .. 1 moved
    assert np.all((share > 0.2) & (share < 0.8)), f"the rim's edge is not soft: {np.unique(share.round(2))}"
    assert out[50:54, 60].min() > 0.4, "the strand stays in front of the moving skin"


def test_a_lowered_brow_slides_behind_the_bar_from_above():
    image = _striped()
    ys, xs = np.mgrid[0:100, 0:120].astype(np.float32)
    out = warp_behind_rims(image, xs.copy(), ys - 6.0, (0, 0, 120, 100), _bar(), iod=100.0)
    np.testing.assert_allclose(out[6:38, 10:110], image[0:32, 10:110], atol=1e-6)
    assert out[48:, 10:110].min() > 0.4, "a pixel below the bar shows the bar"


def test_no_rims_or_rims_outside_the_box_is_a_plain_remap():
    image = _striped()
    ys, xs = np.mgrid[0:100, 0:120].astype(np.float32)
    map_x, map_y = xs + 3.0, ys - 2.0
    for rims in (None, ((500, 500, 620, 600), _bar()[1])):
        out = warp_behind_rims(image, map_x, map_y, (0, 0, 120, 100), rims, iod=100.0)
        np.testing.assert_array_equal(out, remap(image, xs + 3.0, ys - 2.0))
        np.testing.assert_array_equal(map_y, ys - 2.0)


def _iou(a: tuple[tuple[int, int, int, int], np.ndarray], b: tuple[tuple[int, int, int, int], np.ndarray],
         size: tuple[int, int]) -> float:
    full = []
    for (x0, y0, x1, y1), mask in (a, b):
        canvas = np.zeros(size, bool)
        canvas[y0:y1, x0:x1] = mask
        full.append(canvas)
    return float((full[0] & full[1]).sum() / (full[0] | full[1]).sum())


def test_a_shot_s_rims_follow_the_head_from_frame_to_frame(photos):
    """The rims found once over a shot (on a head-fixed grid) land on each frame where that frame's own rims are:
    the same still, and the still moved 25 px right and 10 px down with its landmarks."""
    frame, landmarks = photos["grace_hopper"]
    moved = np.zeros_like(frame)
    moved[10:, 25:] = frame[:-10, :-25]
    moved_lm = landmarks + np.array([25.0, 10.0, 0.0], np.float32)
    shot = shot_rims([(frame, landmarks), (moved, moved_lm)])
    assert shot is not None
    for image, lm in ((frame, landmarks), (moved, moved_lm)):
        own = rim_mask(image, lm)
        placed = rims_in_frame(shot, lm, image.shape[:2])
        assert placed is not None and _iou(own, placed, image.shape[:2]) > 0.8  # measured 0.99 for both
    assert shot_rims([(photos["astronaut"][0], photos["astronaut"][1])]) is None


def _jittered_shot(frame: np.ndarray, landmarks: np.ndarray):
    """A still shot whose landmarks jitter +-1.5 px vertically from frame to frame (0.017 IOD, as a tracker's
    do): the shot's rims and the frames' ``(frame, landmarks)``."""
    frames = [(frame, landmarks + np.array([0.0, dy, 0.0], np.float32)) for dy in (-1.5, -0.5, 0.5, 1.5)]
    return shot_rims(frames), frames


def test_a_shot_s_rims_stay_joined_across_the_nose_under_landmark_jitter(photos):
    """Each frame's rims are joined across the nose by a band; the shot keeps it only where half its frames agree on
    the head grid, so a hairline bridge (1 px: the rims' tapered tips were its anchors) was voted away on 37 of the
    49 columns between the inner eye corners, and the bridge was then warped with the brows (a kink)."""
    shot, frames = _jittered_shot(*photos["grace_hopper"])
    assert shot is not None
    for image, lm in frames:
        (x0, y0, _, _), mask = rims_in_frame(shot, lm, image.shape[:2])
        bridge = mask[:, int(lm[133, 0]) - x0:int(lm[362, 0]) - x0]
        iod = float(interocular_distance(lm[:, :2]))
        assert bridge.sum(axis=0).min() >= 0.04 * iod, "the bridge is broken or a hairline"  # measured 6 px (0.067)


def _surprised_brows(photos, lift: float = 0.08):
    """Grace Hopper's skin above the eyes raised ``lift`` IOD (surprise) behind the shot's rims: ``(frame, landmarks
    (478, 3), iod, the backward map (map_x, map_y) asked for, the result, the rims)``."""
    frame, landmarks = photos["grace_hopper"]
    shot, _ = _jittered_shot(frame, landmarks)
    lm = landmarks[:, :2]
    iod = float(interocular_distance(lm))
    height, width = frame.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    lid_line = float(lm[[159, 386], 1].mean())  # the upper lids
    rise = lift * iod * np.clip((lid_line + 0.1 * iod - ys) / (0.2 * iod), 0.0, 1.0)  # full from above the lids
    held = rims_in_frame(shot, landmarks, (height, width))
    result = warp_behind_rims(frame, xs.copy(), ys + rise, (0, 0, width, height), held, iod)
    return frame, landmarks, iod, (xs, ys + rise), result, held


def test_raised_brows_leave_the_rim_continuous_across_the_nose(photos):
    """The skin above the eyes rising by 0.08 IOD (surprise) with the shot's rims held: over the bridge and the
    rims' inner ends (between the inner eye corners), the rim's dark line (per column the darkest row inside the rim
    band, where the column has a distinct one) is still there in the result, within 1 px and as dark: no kink or
    break. Measured: 1.00 x on all 20 such columns; on main up to 16 x lighter at the right rim's inner end and 1.8 x
    at the left's (the tips' dark lower border, outside the mask, replaced by the rising skin), 5 x with only the
    thick bridge band."""
    frame, landmarks, iod, _, result, _ = _surprised_brows(photos)
    lm = landmarks[:, :2]
    (x0, y0, x1, y1), own = rim_mask(frame, landmarks)
    lum = [im[y0:y1, x0:x1] @ np.array([0.2126, 0.7152, 0.0722], np.float32) for im in (frame, result)]
    band = cv2.dilate(own.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0  # the rim and 2 px around it
    lighter = {}  # per column: how much lighter the result is, at its darkest within 1 px of the source's line
    for c in range(int(lm[133, 0]) - x0, int(lm[362, 0]) + 1 - x0):
        rows = np.flatnonzero(band[:, c])
        darkest = rows[np.argmin(lum[0][rows, c])]
        if lum[0][darkest, c] < 0.5 * np.median(lum[0][rows, c]):  # a distinct line (the bridge's is faint)
            lighter[c + x0] = float(lum[1][darkest - 1:darkest + 2, c].min() / lum[0][darkest, c])
    assert len(lighter) >= 0.2 * iod, "too few columns with a distinct rim line"
    worst = max(lighter, key=lighter.get)
    assert lighter[worst] < 1.25, f"the rim's line is {lighter[worst]:.2f} x lighter at column {worst}: moved or broken"


def test_grace_hoppers_brows_rise_in_full_over_her_browline_frame(photos):
    """Her brows lie just above the frame's top rim (the mesh's lower brow edge 0.02-0.05 IOD above it): raised by
    0.08 IOD (surprise, 7 px) the brow points 0.04-0.05 IOD above the rim are found 7 px higher, as without the frame
    (the skin moves in full; main's hold kept 2.7-3.0 px there, stretching the skin beside the rims over 1.6 x the
    rise; the rim's soft edge, 0.02 IOD, stays with the rim), and what comes out from behind the rim is skin: hardly
    a pixel within 0.1 IOD above the rims turns as dark as a rim (a second rim)."""
    frame, landmarks, iod, (map_x, map_y), result, held = _surprised_brows(photos)
    lm = landmarks[:, :2]
    free = remap(frame, map_x, map_y)  # the same warp with no frame in front
    lift = int(round(0.08 * iod))
    for point in (52, 65, 282, 295):  # the lower brow edge's middle, 0.04-0.05 IOD above the rim
        x, y = (int(round(v)) for v in lm[point])
        # within a bilinear sample's share of the rim's fill 3 px below (point 282: 0.009); a brow raised 90 % differs
        # by 0.018-0.04 at these points
        np.testing.assert_allclose(result[y - lift, x], free[y - lift, x], atol=0.012,
                                   err_msg=f"brow point {point} held back")
    (x0, y0, x1, y1), mask = held
    rows = np.arange(y1 - y0)[:, None]
    top = np.where(mask.any(axis=0), mask.argmax(axis=0), -1)[None, :]  # the rims' top row per column
    above = (top > 0) & (rows < top - 0.02 * iod) & (rows >= top - 0.1 * iod)  # beyond the rims' soft edge
    lum = [im[y0:y1, x0:x1] @ np.array([0.2126, 0.7152, 0.0722], np.float32) for im in (frame, result)]
    skin = float(np.median(lum[0][above]))
    darkened = above & (lum[1] < 0.3 * skin) & (lum[0] >= 0.3 * skin)  # rim-dark (its median: < 0.3 x skin)
    # measured 4 (the frame's outer tips, beyond the shot's mask); main 27 (the tips and its held skin's edge)
    assert darkened.sum() <= 8, f"{darkened.sum()} pixels above the rims show a rim (doubled)"


def test_nothing_of_grace_hoppers_frame_rises_with_her_brows_raised_high(photos):
    """Her brows raised 0.12 IOD (fear's and surprise's inner brow) behind the shot's rims: hardly a pixel between the
    rims' soft edge and 0.1 IOD above them turns as dark as a rim. Measured 1; main 28: the frame's outer ends beyond
    the rim search's band (the face oval shrunk 0.1 IOD) were warped with the skin, and the fill behind the rims' ends
    averaged in the dark hinge and hair beside them, both drawn up above the tips."""
    frame, _, iod, _, result, held = _surprised_brows(photos, lift=0.12)
    (x0, y0, x1, y1), mask = held
    rows = np.arange(y1 - y0)[:, None]
    top = np.where(mask.any(axis=0), mask.argmax(axis=0), -1)[None, :]
    above = (top > 0) & (rows < top - 0.02 * iod - 1) & (rows >= top - 0.1 * iod)  # beyond the soft edge
    lum = [im[y0:y1, x0:x1] @ np.array([0.2126, 0.7152, 0.0722], np.float32) for im in (frame, result)]
    skin = float(np.median(lum[0][above]))
    darkened = above & (lum[1] < 0.3 * skin) & (lum[0] >= 0.3 * skin)
    assert darkened.sum() <= 6, f"{darkened.sum()} pixels above the rims show a piece of the frame"


def test_a_thick_rim_is_filled_with_the_skin_s_own_level():
    """Skin of one colour around a rim thick enough for the fill's coarser scales (a frame's outer tip): the fill is
    that colour, so the skin risen over it shows nothing brighter or darker. Measured: exact to 1e-6; before, each
    coarser scale added the finer scales' fill to the average without weighing it, up to 4.6 x the skin's level."""
    image = np.full((160, 160, 3), (0.5, 0.3, 0.2), np.float32)
    mask = np.zeros((160, 160), bool)
    mask[50:110, 30:130] = True  # 0.6 IOD thick
    image[mask] = 0.02
    ys, xs = np.mgrid[0:160, 0:160].astype(np.float32)
    out = warp_behind_rims(image, xs.copy(), ys + 40.0, (0, 0, 160, 160), ((0, 0, 160, 160), mask), iod=100.0)
    skin = out[:48, 30:130]  # above the rim: skin risen from behind it
    np.testing.assert_allclose(skin, np.broadcast_to(image[0, 0], skin.shape), atol=1e-5)


def test_no_pixel_behind_grace_hoppers_rims_comes_out_brighter_than_her_face(photos):
    """Her brows raised 0.12 IOD (surprised's inner brow) behind the shot's rims: nothing in the rims' window is
    much brighter than the source's brightest pixel there (measured 1.06 x, the skin's texture carried into the fill;
    before: a bright orange streak above the left rim's outer tip, 5.2 x the brightest source pixel (4.2 x at 0.10
    IOD, none at 0.08), the thick tip's fill overshooting)."""
    frame, _, _, _, result, held = _surprised_brows(photos, lift=0.12)
    (x0, y0, x1, y1), _ = held
    window = (slice(max(y0 - 20, 0), y1), slice(x0, x1))
    assert result[window].max() <= 1.15 * frame[window].max(), \
        f"{result[window].max():.3f} behind the rims, the source's brightest {frame[window].max():.3f}"


def _fine(image: np.ndarray) -> np.ndarray:
    """``(H, W)`` log luminance less its 1.5 px Gaussian average: pores, wrinkles, hair."""
    log = np.log(np.maximum(image @ np.array([0.2126, 0.7152, 0.0722], np.float32), 1e-3))
    return log - cv2.GaussianBlur(log, (0, 0), 1.5)


def test_the_skin_uncovered_above_grace_hoppers_rims_has_the_skin_s_texture(photos):
    """Her brows raised 0.08 IOD behind the shot's rims: the band of skin that comes out from behind the top rims
    (the result's pixels, 3 px or more off a rim, whose sample lies on one) is as finely textured as her skin 0.05-0.15
    IOD above the rims in the source: the RMS of the fine detail (:func:`_fine`) is 0.73 x the skin's (a smooth
    average of the skin around, as before: 0.26 x, visibly a blurred band)."""
    frame, _, iod, (_, map_y), result, held = _surprised_brows(photos)
    (x0, y0, x1, y1), mask = held
    height, width = frame.shape[:2]
    rims = np.zeros((height, width), bool)
    rims[y0:y1, x0:x1] = mask
    near = cv2.dilate(rims.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0  # a rim and its soft edge
    cols = np.broadcast_to(np.arange(width), (height, width))
    band = rims[np.clip(np.rint(map_y), 0, height - 1).astype(int), cols] & ~near
    top = np.where(rims.any(axis=0), rims.argmax(axis=0), height)
    skin = np.zeros_like(band)
    for c in np.flatnonzero(band.any(axis=0)):
        skin[max(top[c] - int(0.15 * iod), 0):top[c] - int(0.05 * iod), c] = True
    assert band.sum() > 0.5 * iod, "too little skin comes out from behind the rims"
    ratio = float(np.sqrt(np.mean(_fine(result)[band] ** 2) / np.mean(_fine(frame)[skin] ** 2)))
    assert 0.55 < ratio < 1.3, f"the uncovered skin's fine texture is {ratio:.2f} x the skin's above"


def test_each_hole_pixel_knows_the_height_of_its_column_run():
    """The runs the skin above a rim is carried down by (``_skin_detail``): per column, a run ends at a gap."""
    from ned_core.render.glasses import _hole_runs

    rng = np.random.default_rng(7)
    for trial in range(60):
        h, w = rng.integers(1, 30, 2)
        hole = rng.random((h, w)) < rng.uniform(0.1, 0.9)
        expected = {}
        for col in range(w):
            row = 0
            while row < h:
                if not hole[row, col]:
                    row += 1
                    continue
                end = row
                while end < h and hole[end, col]:
                    end += 1
                expected.update({(r, col): end - row for r in range(row, end)})
                row = end
        rows, cols, heights = _hole_runs(hole)
        assert dict(zip(zip(rows.tolist(), cols.tolist()), heights.tolist())) == expected
        assert len(rows) == len(expected)
