"""Glasses stay rigid: the warp's displacement is held at zero on a spectacle frame's rims around the eyes.

A spectacle frame rests on the nose and ears: it moves with the head, never with the brows or lids. The mesh
warp knows only skin, so a raised brow (surprise, fear) drags a rim lying over it up with it and bends it. Here
the rims are found in the source frame's window around the eyes and the backward map is made the identity on
them (the edit's landmarks share the head's pose, so "with the head" is "not moved by the edit"), blending back
to the warp over a band wide enough that no pixel beside a rim samples the rim (no doubled or thickened rim);
the skin between a rim and a brow that moves away from it stretches.

The cue (see :func:`rim_mask`): a rim is a long, sharp, high-contrast edge (frame plastic or metal against skin)
in the band above and below the eyes, outside the lids. In log luminance (so a dark or tinted grade changes
nothing) the step across an edge is measured at a scale of ~1 % of the inter-ocular distance (IOD); steps above
:data:`RIM_STEP` (a factor e^1.1 ~ 3 in luminance, beyond skin, wrinkles and most brows) that connect into a
component at least :data:`RIM_SPAN` IOD wide count. A face has glasses when such components add up to at least
:data:`RIM_MIN_LENGTH` IOD of edge on each side of the nose (a frame is symmetric): Grace Hopper's browline frame
gives ~5 IOD per side; the astronaut (no glasses) 1.1 on one side (her hairline at the temple, 1.8 before the
face oval is shrunk by :data:`OVAL_MARGIN`) and 0 on the other (measured on the real photos and dark, tinted grades
of them; see tests/render/test_glasses.py).

In a shot, the rims are found in a few frames and kept on a head-fixed grid (:func:`shot_rims`), then placed on each
frame by its head pose (:func:`rims_in_frame`): a per-frame mask's edge flickers with the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.analysis.regions import FACE_OVAL, LEFT_BROW, LEFT_EYE, RIGHT_BROW, RIGHT_EYE, interocular_distance
from ned_core.render.mouth_index import template_from_image

RIM_STEP = 1.1  # least log-luminance step across a rim edge
RIM_SPAN = 0.35  # least horizontal extent (IOD) of one connected rim edge
RIM_MIN_LENGTH = 1.5  # least total rim edge (pixels per IOD, ~ edge length in IOD) for a face to count as glasses
DETECT_IOD = 80.0  # faces larger than this (IOD, px) are looked at scaled down to it
EDGE_SCALE = 0.012  # Gaussian scale (IOD) the edges are measured at
OVAL_MARGIN = 0.1  # the face oval shrunk by this (IOD)
LID_MARGIN = 0.07  # eye contours grown by this (IOD): lid margins and lashes are not rims
ABOVE_BROWS = 0.12  # the search band reaches this far (IOD) above the brows' top
BELOW_EYES = 0.4  # ... and this far below the eyes
BESIDE_EYES = 0.3  # ... and this far beside the outer eye corners
BORDER = 0.03  # a rim takes in the dark pixels this far (IOD) below it (:func:`_with_border`)
CLOSE = 0.1  # a rim's two edges closed into its body by a disc this wide (IOD)
BRIDGE_GAP = 0.5  # rims whose inner ends are at most this far apart (IOD) are joined across the nose ...
BRIDGE_END = 0.1  # ... by a band anchored this far (IOD) back from their inner ends ...
BRIDGE_THICK = 0.05  # ... at least this thick (IOD): a hairline does not survive the shot's head-grid vote
HOLD_MIN = 0.08  # the hold blends back to the warp over at least this distance (IOD) ...
HOLD_REACH = 1.6  # ... and at least this many times the largest displacement around the rims
TOWARD_BLUR = 0.25  # the share of a displacement heading toward a rim is smoothed over this many reaches
TOWARD_FLOOR = 0.7  # ... keeping at least this much of a pixel's own share (> 1 / HOLD_REACH: no sample on a rim)


def rim_mask(frame: np.ndarray, landmarks: np.ndarray) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
    """The spectacle rims around the eyes of one face, or None when the face wears no glasses (see the module).

    Args:
        frame: ``(H, W, 3) float32`` scene-linear frame.
        landmarks: ``(>= 468, 2+)`` the face's landmarks in frame pixels.

    Returns:
        ``(window (x0, y0, x1, y1), mask (y1 - y0, x1 - x0) bool)``: the rim pixels, or None.
    """
    lm = np.asarray(landmarks, np.float64)[:, :2]
    iod = float(interocular_distance(lm))
    eyes, brows = lm[list(RIGHT_EYE + LEFT_EYE)], lm[list(RIGHT_BROW + LEFT_BROW)]
    height, width = frame.shape[:2]
    x0 = max(int(eyes[:, 0].min() - BESIDE_EYES * iod), 0)
    x1 = min(int(np.ceil(eyes[:, 0].max() + BESIDE_EYES * iod)) + 1, width)
    y0 = max(int(brows[:, 1].min() - ABOVE_BROWS * iod), 0)
    y1 = min(int(np.ceil(eyes[:, 1].max() + BELOW_EYES * iod)) + 1, height)
    if x1 - x0 < 3 or y1 - y0 < 3 or iod < 4.0:
        return None
    rims = _find_rims(np.asarray(frame[y0:y1, x0:x1], np.float32), lm - (x0, y0), iod)
    return None if rims is None else ((x0, y0, x1, y1), rims)


def _find_rims(window: np.ndarray, lm: np.ndarray, iod: float) -> np.ndarray | None:
    """:func:`rim_mask` over one window (``lm`` in window pixels), found at :data:`DETECT_IOD` px per IOD."""
    zoom = min(1.0, DETECT_IOD / iod)
    if zoom < 1.0:  # the cue is measured in IOD units: a large face is looked at smaller, at the same cost
        small = cv2.resize(window, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_AREA)
        found = _find_rims(small, (lm + 0.5) * (small.shape[1] / window.shape[1]) - 0.5, DETECT_IOD)
        if found is None:
            return None
        size = (window.shape[1], window.shape[0])
        return cv2.resize(found.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
    band = _search_band(lm, (0, 0, window.shape[1], window.shape[0]), iod)
    lum = np.log(np.maximum(window @ np.array([0.2126, 0.7152, 0.0722], np.float32), 1e-3))
    scale = max(0.7, EDGE_SCALE * iod)
    blurred = cv2.GaussianBlur(lum, (0, 0), scale)
    gx = cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    step = np.hypot(gx, gy) * scale * np.sqrt(2.0 * np.pi)  # a blurred step's height from its peak gradient
    strong = ((step > RIM_STEP) & band).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(strong, connectivity=8)
    wide = np.flatnonzero(stats[1:, cv2.CC_STAT_WIDTH] >= RIM_SPAN * iod) + 1
    midline = float(lm[168, 0])  # the nose bridge
    left_end, right_end = stats[wide, cv2.CC_STAT_LEFT], stats[wide, cv2.CC_STAT_LEFT] + stats[wide, cv2.CC_STAT_WIDTH]
    area = stats[wide, cv2.CC_STAT_AREA]
    if min(area[left_end < midline].sum(), area[right_end > midline].sum()) < RIM_MIN_LENGTH * iod:
        return None  # a frame has a rim on each side of the nose (a hairline or brow on one side is not one)
    rims = np.isin(labels, wide).astype(np.uint8)
    rims = cv2.morphologyEx(rims, cv2.MORPH_CLOSE, _disc(CLOSE * iod / 2)).astype(bool)
    rims &= band
    _bridge(rims, midline, BRIDGE_GAP * iod, iod)
    return _with_border(rims, lum, band, lm, iod)


def _with_border(rims: np.ndarray, lum: np.ndarray, band: np.ndarray, lm: np.ndarray, iod: float) -> np.ndarray:
    """The rims with their dark lower border: the pixels up to :data:`BORDER` IOD below a rim, outside the eyes,
    whose log luminance lies more than half a :data:`RIM_STEP` below the skin's (the search band's median off the
    rims), i.e. on the rim's side of its edge. The closed edges stop at the edges' peaks, half-way down a rim's soft
    border, and the lid margins are kept out of the search, cutting a rim's tip where it dips toward the inner eye
    corner: the skin rising under the frame (the lids) would replace those dark pixels, thinning and bending the
    rim's tips. Only below: above a rim lie the brows, as dark, and they must move."""
    skin = float(np.median(lum[band & ~rims])) if (band & ~rims).any() else float(np.median(lum))
    eyes = np.zeros(rims.shape, np.uint8)
    for eye in (RIGHT_EYE, LEFT_EYE):
        cv2.fillPoly(eyes, [np.round(lm[list(eye)]).astype(np.int32)], 1)
    below = np.zeros_like(rims)  # the pixels just below a rim (above it lie the brows, dark too: they move)
    for shift in range(1, max(1, int(round(BORDER * iod))) + 1):
        below[shift:] |= rims[:-shift]
    return rims | (below & (lum < skin - RIM_STEP / 2) & (eyes == 0))


def _bridge(rims: np.ndarray, midline: float, widest: float, iod: float) -> None:
    """Join the two rims across the nose in place: the gap between their inner ends (at most ``widest`` px) filled
    by a band (a frame's bridge, often clear plastic or thin metal the edges miss).

    The band's bottom runs between the rims' bottom rows :data:`BRIDGE_END` IOD back from their inner ends, where a
    rim has its full thickness (a rim's tip tapers to a pixel or two: a band anchored there is a hairline that the
    shot's head-grid vote breaks, and the rim's thin continuation into the bridge is then warped with the brows
    while the rim beside it is held: a kink), its top between the tips' top rows (no higher: the glabella and the
    inner brows above it must move; anchored higher, brow inner up at surprised fell 0.104 -> 0.077 IOD on
    "hopper speaking warm-dark"); it is at least :data:`BRIDGE_THICK` IOD thick and takes in the rims' tips
    between its anchors whole (down to the band's bottom)."""
    cols = np.flatnonzero(rims.any(axis=0))
    left, right = cols[cols < midline], cols[cols > midline]
    if len(left) == 0 or len(right) == 0 or right.min() - left.max() > widest:
        return
    back = max(1, int(round(BRIDGE_END * iod)))
    a = int(left[np.searchsorted(left, left.max() - back)])  # the first rim column at most `back` before the end
    b = int(right[np.searchsorted(right, right.min() + back, side="right") - 1])
    thick = BRIDGE_THICK * iod
    ends = [np.flatnonzero(rims[:, c]).max() for c in (a, b)]  # the bottom rows at the anchors
    tips = [np.flatnonzero(rims[:, c]).min() for c in (int(left.max()), int(right.min()))]  # the top rows at the tips
    for c in range(a, b + 1):
        t = (c - a) / max(b - a, 1)
        bottom = (1 - t) * ends[0] + t * ends[1]
        own = np.flatnonzero(rims[:, c])  # a tapering tip (curving down to the bridge): held whole, down to the band
        if len(own):
            top, bottom = own.min(), max(bottom, own.max())
        else:  # the band's top runs between the tips' tops: no higher, toward the brows (they must move)
            u = (c - left.max()) / max(right.min() - left.max(), 1)
            top = (1 - u) * tips[0] + u * tips[1]
        rims[max(int(round(top)), 0):int(round(max(bottom, top + thick))) + 1, c] = True


def _disc(radius: float) -> np.ndarray:
    r = max(1, int(round(radius)))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def _search_band(lm: np.ndarray, window: tuple[int, int, int, int], iod: float) -> np.ndarray:
    """``(h, w) bool`` over ``window``: inside the face oval, outside the lids (grown by :data:`LID_MARGIN`), and
    not on the nose below the inner eye corners (its sides are long edges too)."""
    x0, y0, x1, y1 = window
    shape = (y1 - y0, x1 - x0)
    face = np.zeros(shape, np.uint8)
    cv2.fillPoly(face, [np.round(lm[list(FACE_OVAL)] - (x0, y0)).astype(np.int32)], 1)
    face = cv2.erode(face, _disc(OVAL_MARGIN * iod), borderValue=1)  # the hairline at the temples is no rim
    lids = np.zeros(shape, np.uint8)
    for eye in (RIGHT_EYE, LEFT_EYE):
        cv2.fillPoly(lids, [np.round(lm[list(eye)] - (x0, y0)).astype(np.int32)], 1)
    lids = cv2.dilate(lids, _disc(LID_MARGIN * iod))
    inner = lm[[133, 362]]  # inner eye corners (subject's right, left)
    nose = np.zeros(shape, np.uint8)
    top = int(round(inner[:, 1].max() - y0 + LID_MARGIN * iod))
    nose[max(top, 0):, max(int(round(inner[:, 0].min() - x0)), 0):max(int(round(inner[:, 0].max() - x0)) + 1, 0)] = 1
    return (face > 0) & (lids == 0) & (nose == 0)


def hold_rims(map_x: np.ndarray, map_y: np.ndarray, box: tuple[int, int, int, int],
              rims: tuple[tuple[int, int, int, int], np.ndarray] | None, iod: float) -> tuple[np.ndarray, np.ndarray]:
    """Make the backward map the identity on the rims, and keep the pixels beside them from sampling a rim.

    A pixel at distance ``r`` from a rim whose backward displacement ``d`` heads toward the rim (a share ``t`` of
    its length; e.g. above a rim under a raised brow) keeps ``min(1, r / (reach * t))`` of it: the skin there
    stretches and its sample stays ``r * (1 - |d| / reach)`` or more from the rim, so no pixel beside a rim
    doubles or thickens it. A pixel whose displacement heads away from the rim (the lid below it rising) keeps
    all of it: that skin slides under the frame, as it does behind real glasses. ``reach`` is
    :data:`HOLD_REACH` times the largest displacement around the rims, at least :data:`HOLD_MIN` IOD.

    Args:
        map_x, map_y: ``(h, w) float32`` backward map over ``box`` (frame pixels).
        box: ``(x0, y0, x1, y1)`` of the maps.
        rims: :func:`rim_mask`'s result (None: the maps are returned as they are).
        iod: the face's inter-ocular distance in pixels.

    Returns:
        ``(map_x, map_y)``, changed in place.
    """
    if rims is None:
        return map_x, map_y
    (wx0, wy0, wx1, wy1), mask = rims
    bx0, by0, bx1, by1 = box
    cx0, cy0, cx1, cy1 = max(wx0, bx0), max(wy0, by0), min(wx1, bx1), min(wy1, by1)
    if cx1 <= cx0 or cy1 <= cy0 or not mask[cy0 - wy0:cy1 - wy0, cx0 - wx0:cx1 - wx0].any():
        return map_x, map_y
    xs = np.arange(cx0, cx1, dtype=np.float32)[None, :]
    ys = np.arange(cy0, cy1, dtype=np.float32)[:, None]
    sub = (slice(cy0 - by0, cy1 - by0), slice(cx0 - bx0, cx1 - bx0))
    largest = float(np.sqrt(((map_x[sub] - xs) ** 2 + (map_y[sub] - ys) ** 2).max()))
    reach = max(HOLD_MIN * iod, HOLD_REACH * largest, 1.0)
    pad = int(np.ceil(reach)) + 2
    # the hold band: the rims' window grown by the reach, within the box
    cx0, cy0, cx1, cy1 = max(wx0 - pad, bx0), max(wy0 - pad, by0), min(wx1 + pad, bx1), min(wy1 + pad, by1)
    free = np.ones((cy1 - cy0, cx1 - cx0), np.uint8)
    rows, cols = np.nonzero(mask)
    rows, cols = rows + wy0 - cy0, cols + wx0 - cx0
    inside = (rows >= 0) & (rows < cy1 - cy0) & (cols >= 0) & (cols < cx1 - cx0)
    free[rows[inside], cols[inside]] = 0
    dist = cv2.distanceTransform(np.pad(free, 1, constant_values=1), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1]
    away_x = cv2.Sobel(dist, cv2.CV_32F, 1, 0, ksize=3)
    away_y = cv2.Sobel(dist, cv2.CV_32F, 0, 1, ksize=3)  # the direction away from the nearest rim
    xs = np.arange(cx0, cx1, dtype=np.float32)[None, :]
    ys = np.arange(cy0, cy1, dtype=np.float32)[:, None]
    sub = (slice(cy0 - by0, cy1 - by0), slice(cx0 - bx0, cx1 - bx0))
    dx, dy = map_x[sub] - xs, map_y[sub] - ys
    norm = np.sqrt((dx * dx + dy * dy) * (away_x * away_x + away_y * away_y))
    toward = np.clip(-(dx * away_x + dy * away_y) / np.maximum(norm, np.float32(1e-12)), 0.0, 1.0)
    # smoothed, so that the skin beside a rim's end does not shear against the stretched skin above it (at
    # least TOWARD_FLOOR of the pixel's own share: its sample still stays off the rim)
    toward = np.maximum(_smooth(toward, TOWARD_BLUR * reach), np.float32(TOWARD_FLOOR) * toward)
    keep = np.minimum(dist / np.maximum(np.float32(reach) * toward, np.float32(1e-12)), np.float32(1.0))
    map_x[sub] = xs + keep * dx
    map_y[sub] = ys + keep * dy
    return map_x, map_y


def _smooth(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of a ``(h, w) float32`` image, done on a copy shrunk to ~3 px per sigma (the same, cheaper)."""
    shrink = max(1, int(sigma // 3))
    if shrink == 1:
        return cv2.GaussianBlur(image, (0, 0), sigma)
    h, w = image.shape
    small = cv2.resize(image, (max(1, -(-w // shrink)), max(1, -(-h // shrink))), interpolation=cv2.INTER_AREA)
    return cv2.resize(cv2.GaussianBlur(small, (0, 0), sigma / shrink), (w, h), interpolation=cv2.INTER_LINEAR)


HEAD_PX = 100.0  # head-grid pixels per IOD
HEAD_SPAN = ((-1.2, 1.2), (-1.0, 0.7))  # the head grid's extent in template space (x, y; IOD): brows to cheeks
SHOT_VOTE = 0.5  # a pixel is rim where at least this share of the frames with glasses found it; the face has
# glasses where at least this share of the sampled frames found them


@dataclass(frozen=True)
class ShotRims:
    """A shot's rims on a head-fixed grid (template space at :data:`HEAD_PX` pixels per IOD, see
    :func:`shot_rims`): the frame moves with the head, so one mask serves every frame of the shot.

    Attributes:
        grid: ``(h, w) bool`` over :data:`HEAD_SPAN`.
    """

    grid: np.ndarray


def _grid_from_image(landmarks: np.ndarray) -> np.ndarray:
    """``(2, 3)`` affine taking frame pixels to head-grid pixels (through the rigid points' template fit)."""
    m = template_from_image(np.asarray(landmarks, np.float64)[:, :2])
    (gx0, _), (gy0, _) = HEAD_SPAN
    return np.vstack([HEAD_PX * m[0], HEAD_PX * m[1]]) - np.array([[0, 0, HEAD_PX * gx0], [0, 0, HEAD_PX * gy0]])


def _grid_size() -> tuple[int, int]:
    (gx0, gx1), (gy0, gy1) = HEAD_SPAN
    return int(round(HEAD_PX * (gx1 - gx0))), int(round(HEAD_PX * (gy1 - gy0)))


def rim_vote(frame: np.ndarray, landmarks: np.ndarray) -> np.ndarray | None:
    """One frame's :func:`rim_mask` carried onto the head grid, ``(h, w) float32`` (for :func:`rims_from_votes`),
    or None where the frame shows no glasses. ``frame (H, W, 3) float32`` scene-linear, ``landmarks (>= 468, 2+)`` in
    its pixels."""
    rims = rim_mask(frame, landmarks)
    if rims is None:
        return None
    (x0, y0, _, _), mask = rims
    to_grid = _grid_from_image(landmarks)
    to_grid[:, 2] += to_grid[:, :2] @ np.array([x0, y0], np.float64)  # from the rims' window
    return cv2.warpAffine(mask.astype(np.float32), to_grid, _grid_size(), flags=cv2.INTER_LINEAR)


def rims_from_votes(votes: list[np.ndarray | None]) -> ShotRims | None:
    """The rims of one face over a shot from its frames' :func:`rim_vote` (None: no glasses in that frame), kept where
    at least :data:`SHOT_VOTE` of the frames that found glasses agree (a threshold's frame-to-frame flicker at a rim's
    edge would otherwise move that edge with the warp from frame to frame); None when fewer than :data:`SHOT_VOTE` of
    the frames show glasses. A caller that reads its frames at different times holds only these small grids."""
    found = [vote for vote in votes if vote is not None]
    if not found or len(found) < SHOT_VOTE * len(votes):
        return None
    total = np.zeros_like(found[0])
    for vote in found:
        total += vote
    return ShotRims(total >= SHOT_VOTE * len(found))


def shot_rims(samples: list[tuple[np.ndarray, np.ndarray]]) -> ShotRims | None:
    """:func:`rims_from_votes` of ``[(frame (H, W, 3) float32 scene-linear, landmarks (>= 468, 2+) in its pixels),
    ...]``: the rims of one face over a shot, from a few of its frames."""
    return rims_from_votes([rim_vote(frame, landmarks) for frame, landmarks in samples])


def rims_in_frame(shot: ShotRims, landmarks: np.ndarray,
                  frame_size: tuple[int, int]) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
    """The shot's rims placed on one frame (as :func:`rim_mask` returns them), by the frame's head pose.

    Args:
        shot: :func:`shot_rims`'s result.
        landmarks: ``(>= 468, 2+)`` the face's landmarks in this frame's pixels.
        frame_size: ``(H, W)`` of the frame.
    """
    rows, cols = np.nonzero(shot.grid)
    if len(rows) == 0:
        return None
    to_grid = np.vstack([_grid_from_image(landmarks), [0.0, 0.0, 1.0]])
    to_image = np.linalg.inv(to_grid)[:2]
    corners = np.array([[cols.min(), rows.min()], [cols.max() + 1, rows.min()], [cols.min(), rows.max() + 1],
                        [cols.max() + 1, rows.max() + 1]], np.float64)
    placed = corners @ to_image[:, :2].T + to_image[:, 2]
    height, width = frame_size
    x0, y0 = (max(int(np.floor(v)) - 1, 0) for v in placed.min(axis=0))
    x1, y1 = int(min(np.ceil(placed[:, 0].max()) + 2, width)), int(min(np.ceil(placed[:, 1].max()) + 2, height))
    if x1 <= x0 or y1 <= y0:
        return None
    window_to_grid = to_grid[:2].copy()
    window_to_grid[:, 2] += window_to_grid[:, :2] @ np.array([x0, y0], np.float64)
    mask = cv2.warpAffine(shot.grid.astype(np.uint8), window_to_grid, (x1 - x0, y1 - y0),
                          flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0)
    return (x0, y0, x1, y1), mask.astype(bool)
