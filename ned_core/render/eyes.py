"""The eyeballs: moved rigidly with the eye corners, and the eyeball a raised lid uncovers painted in.

The eyeball sits in the skull, so it moves with the eye's corners (the canthi), not with the lids: a lid that rises
(AU5) or a lower lid that rises (AU7) changes how much of it shows, not its size. Where the target opening shows
eyeball that the source's lids covered (upper-lid raise: the top of the iris and the sclera above it, the "glare" of
anger and the widened eyes of fear and surprise), no source pixel shows it; it is synthesised from the eye's own
visible part (:func:`reveal_eyeballs`).
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import LEFT_EYE, LEFT_IRIS, LEFT_IRIS_CENTRE, RIGHT_EYE, RIGHT_IRIS, RIGHT_IRIS_CENTRE
from ned_core.render.luma import luma
from ned_core.render.warp import remap

EYES = (RIGHT_EYE, LEFT_EYE)
IRISES = ((RIGHT_IRIS_CENTRE, RIGHT_IRIS), (LEFT_IRIS_CENTRE, LEFT_IRIS))
_CORNER_WEIGHTS = np.zeros(len(RIGHT_EYE))
_CORNER_WEIGHTS[[0, 8]] = 1.0  # the contours start at one corner and reach the other halfway (33/133, 362/263)
#: width (pixels) of the fade across the source's upper-lid margin between its visible eyeball and the lid
VISIBLE_DEPTH_PX = 1.0
#: the rigid eyeball's feather (pixels) under a lower lid that rises over it (AU6/AU7: the smile's and anger's
#: narrowed eye) by the whole ``eye_feather`` or more: the lid covers the eyeball as an edge (see
#: :func:`rigid_eye_maps`)
COVER_FEATHER_PX = 1.0
#: the source's eyeball is read at least this share of its column's opening inside its upper-lid margin (below the
#: lashes and their shadow: on the astronaut at an IOD of 130 px, the shadow fills the top third of the opening) ...
CLEAR_SHARE = 0.35
#: ... and this far (IOD) beside the iris for a column the iris crosses
CLEAR_IOD = 0.02
#: the painted iris's edge (the limbus), as a share of the iris landmarks' radius (the ring's points lie on or just
#: outside the limbus), and the share of that radius the mirrored iris is read within (read up to its edge, the
#: sclera under the iris showed as a bright streak across the top of the painted iris)
IRIS_EDGE, IRIS_SHARE = 0.95, 0.8
#: the painted eyeball fades in over this depth (IOD) under the target's upper-lid margin: the lashes the mesh moved
#: up with the lid hang over it (painted up to the margin, the raised lid lost its lash line)
LASH_IOD = 0.02
#: the uncovered eyeball's reads are averaged along its rows by a Gaussian this wide (IOD) (:func:`_across_columns`):
#: read column by column, a lash strand or crease under the source's lid was drawn down the whole uncovered height,
#: and the iris's columns, read beside it, showed as a flat box with hard vertical edges among those streaks (Grace
#: Hopper surprised:1.5, under her spectacles' rims)
ACROSS_IOD = 0.03
#: the uncovered sclera's colour is read down its column's clear range, from the lash shadow's depth to this share of
#: the opening, at this many depths, as the mean of the brightest this many of them (:func:`_column_paint`): read at
#: the shadow's depth alone, the sclera took the lashes' shadow's colour, a flat dark-red sheet where the source's eyes
#: lie in shadow (Grace Hopper surprised: the painted band's red share 0.81 and 0.86 of r+g+b, her clear sclera's 0.71
#: and 0.73; luma 0.36 and 0.39 of it; now 0.72 and 0.74, 0.50 and 0.56). Her clear sclera lies deep in the opening
#: (0.6-0.9 of it, under the iris's nasal side): read to half the opening, the band stayed 0.78 and 0.85, 0.37 and
#: 0.37; with all seven reads averaged 0.75 and 0.79, 0.46 and 0.48
BODY_SHARE, BODY_READS, BODY_KEEP = 0.75, 7, 4
#: ... and averaged along its rows over this many times :data:`ACROSS_IOD` (the shadow's reads over that alone): a
#: column that reads a lit patch of sclera (Hopper's, beside the iris's nasal side) showed as a light vertical streak up
#: to the raised lid
BODY_ACROSS = 2.0
#: the uncovered sclera darkens towards the eye's corners, by this share at a corner (squared share of the way there
#: from the iris's centre; :func:`_rounded`): the eyeball's round form. Its columns' own reads left Hopper's nasal
#: corners as light as the lit sclera beside her iris, a light crescent on the dark corner below the old lid line
#: (surprised, lids up 0.06 IOD: the band's outer half's luma over its inner half's 1.16 and 0.80, now 1.02 and 0.70;
#: at 0.4 or more the classifier called 2 more of the 24 frames of her tuning clip neutral, 25 -> 17 %)
CORNER_DARK = 0.3
#: the uncovered sclera darkens towards the raised lid, by this share at its margin, easing off (quadratically) over
#: this depth (IOD): the lid's shadow on the eyeball's top, the form the source's own shadow row (a pixel or two under
#: the lashes) gives only to the band's top rows (Hopper surprised, lids up 0.06 IOD: down each column from the raised
#: lid to the old one, the band's luma's slope over its mean +0.16 and -0.07, now +0.35 and +0.13). Over 0.07 IOD the
#: shadow covered most of the astronaut's uncovered white: the classifier's p(surprised) on his still 0.69 (main) ->
#: 0.62
LID_DARK, LID_IOD = 0.6, 0.04


def eyeball_transform(dst: np.ndarray, src: np.ndarray, eye: tuple[int, ...]) -> np.ndarray:
    """``(2, 3)`` the similarity taking the target eye's corners to the source eye's (target -> source pixels)."""
    idx = list(eye)
    return similarity_transform(dst[idx, :2].astype(np.float64), src[idx, :2].astype(np.float64), _CORNER_WEIGHTS)


def rigid_eye_maps(map_x: np.ndarray, map_y: np.ndarray, box: tuple[int, int, int, int], src: np.ndarray,
                   dst: np.ndarray, feather_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Replace the backward map inside each target eye contour by that eyeball's rigid motion.

    The mesh stretches the eye's interior across the lid triangles when the lids move; inside the target eye
    contour the content is instead sampled through the similarity taking the target eye corners to the source's
    (:func:`eyeball_transform`), so the iris and sclera keep their shape and size whatever the lids do. The two
    maps are blended over ``feather_px`` inside the contour by each pixel's exact distance from it
    (:func:`_inside_weight`: 0 within half a pixel of it, so the lid margin goes where the mesh puts it). A contour
    that closes leaves little or no interior, so the lid skin from the mesh covers the eye.

    Under the lower lid the feather narrows by how far the target's lid covers the eyeball the source showed (its
    rise in eyeball coordinates), down to :data:`COVER_FEATHER_PX`: across the feather the mesh squeezes the source's
    band from its lower margin up to the feather's depth, i.e. the eyeball's lower rim (the sclera strip and the wet
    margin's highlight under the iris) into the narrower band over the risen lid, and a smile's narrowed eye showed a
    pale rim between the lid and the iris (the astronaut speaking, happy: the visible iris's median B 20 -> 32 on
    0-255, its iris read greyer than the source's). The upper lid keeps the whole feather: its band carries the lashes
    and their shadow down with a lowered lid.

    Args:
        map_x, map_y: ``(h, w) float32`` backward map over ``box`` (source pixel per output pixel).
        box: ``(x0, y0, x1, y1)`` of the maps in frame pixels.
        src, dst: ``(>= 468, 2) float64`` source and target landmarks, frame pixels.
        feather_px: soft edge width in pixels.

    Returns:
        New ``(map_x, map_y)``, equal to the inputs outside the eyes.
    """
    map_x, map_y = map_x.copy(), map_y.copy()
    x0, y0 = box[0], box[1]
    size = map_x.shape
    for eye in EYES:
        win = polygon_mask(dst[list(eye), :2] - (x0, y0), size, 0.0)
        h, w = win.alpha.shape
        if h == 0 or w == 0 or not win.alpha.any():
            continue
        m = eyeball_transform(dst, src, eye)
        rigid_x, rigid_y = _apply(m, x0 + win.x0, y0 + win.y0, (h, w))
        lower = _lower_feather(src[list(eye), :2], dst[list(eye), :2], m, (rigid_x, rigid_y),
                               (x0 + win.x0, y0 + win.y0), feather_px)
        a = _inside_weight(dst[list(eye), :2] - (x0 + win.x0, y0 + win.y0), win.alpha, feather_px, lower)
        sub = (slice(win.y0, win.y0 + h), slice(win.x0, win.x0 + w))
        map_x[sub] = (map_x[sub] + a * (rigid_x - map_x[sub])).astype(np.float32)
        map_y[sub] = (map_y[sub] + a * (rigid_y - map_y[sub])).astype(np.float32)
    return map_x, map_y


def _lower_feather(src: np.ndarray, dst: np.ndarray, m: np.ndarray, rigid: tuple[np.ndarray, np.ndarray],
                   origin: tuple[int, int], feather_px: float) -> np.ndarray:
    """``(h, w)`` the feather (pixels) under the lower lid of the target eye contour ``dst`` (``(16, 2)`` frame
    pixels; ``src`` the source's): ``feather_px`` less how far the target's lower lid lies above the source's in
    eyeball coordinates at each window pixel (its rise over the eyeball), at least :data:`COVER_FEATHER_PX`.

    ``m`` is :func:`eyeball_transform` (target -> source), ``rigid`` the window's ``(map_x, map_y)`` through it and
    ``origin`` the window's frame ``(x, y)``."""
    rigid_x, rigid_y = rigid
    h, w = rigid_x.shape
    scale = float(np.sqrt(abs(np.linalg.det(m[:, :2]))))  # target pixels -> source pixels
    above_source = _lid_y(src, rigid_x.astype(np.float64), upper=False) - rigid_y
    lid = _lid_y(dst, np.arange(origin[0], origin[0] + w, dtype=np.float64), upper=False)
    above_target = (lid[None, :] - np.arange(origin[1], origin[1] + h, dtype=np.float64)[:, None]) * scale
    rise = (above_source - above_target) / scale
    return np.clip(feather_px - rise, min(COVER_FEATHER_PX, feather_px), feather_px)


def _inside_weight(contour: np.ndarray, inside: np.ndarray, feather_px: float,
                   lower_feather: np.ndarray | None = None) -> np.ndarray:
    """``(h, w) float32`` 0 outside the closed ``(K, 2)`` ``contour`` (window pixels) and within half a pixel inside it,
    rising smoothly to 1 over the next ``feather_px``, by each pixel centre's exact distance from the contour's
    segments; ``inside`` is the ``(h, w)`` rasterised opening (1 inside, 0 outside). ``lower_feather`` ``(h, w)``:
    the feather by the distance from the lower lid's segments (the contour's first half) instead, per pixel.

    The pixels the contour crosses and their neighbours inside thus take the mesh's map, so the map sampled between
    them reaches the source's lid margin on the target's. (Measured from the rasterised opening, as
    :func:`~ned_core.analysis.mask.polygon_mask` measures it, the feather gave the pixels the contour crosses a fifth
    to a half of the rigid map and those a pixel inside nearly all of it: on the astronaut still, IOD 44 px, a lid
    margin moved 1.2-1.3 px (angry's AU5 and AU7, sad's droop) showed 0.36 px short for the lower lid and the
    lowered upper lid, 1.1 px for the raised upper lid, i.e. almost all of it; now 0.13, 0.14 and 0.33 px.)
    """
    h, w = inside.shape
    if feather_px <= 0:
        return inside.astype(np.float32)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    points = np.stack([xs.ravel(), ys.ravel()], axis=1)
    a = np.asarray(contour, np.float64)
    b = np.roll(a, -1, axis=0)
    edge = b - a
    t = np.clip(np.einsum("pkc,kc->pk", points[:, None] - a[None], edge) / np.maximum((edge**2).sum(axis=1), 1e-12),
                0.0, 1.0)
    nearest = a[None] + t[..., None] * edge[None]
    distances = np.sqrt(((points[:, None] - nearest) ** 2).sum(axis=2))
    half = (len(a) + 1) // 2  # segments 0 .. half-1 run along the lower lid, corner to corner
    feathers = [np.full((h, w), feather_px), feather_px if lower_feather is None else lower_feather]
    u = np.ones((h, w))
    for segments, feather in ((slice(half, None), feathers[0]), (slice(0, half), feathers[1])):
        distance = distances[:, segments].min(axis=1).reshape(h, w)
        u = np.minimum(u, np.clip((distance - 0.5) / feather, 0.0, 1.0))
    u = u * (inside > 0)
    return (u * u * (3.0 - 2.0 * u)).astype(np.float32)


def reveal_eyeballs(rgb: np.ndarray, box: tuple[int, int, int, int], image: np.ndarray, src: np.ndarray,
                    dst: np.ndarray, iod: float, front: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Paint the eyeball that the target's opening shows and the source's lids covered or shadowed.

    Where the target's upper lid lies above the source's (in eyeball coordinates, :func:`eyeball_transform`), the
    eyeball from the target's lid down to the source's lash shadow (:data:`CLEAR_SHARE` of the opening under the
    source's lid) is painted: the sclera with its column's clear sclera (:func:`_column_paint`; :data:`CLEAR_IOD`
    beside the iris for a column the iris crosses), shaded as its column is at the same depth under the source's lid
    (the lid's cast shadow, the lashes' soft edge), darker towards the raised lid (:data:`LID_DARK`) and towards the
    corners (:data:`CORNER_DARK`), the iris as a disc (:data:`IRIS_EDGE` of the iris landmarks' radius, anti-aliased:
    a round limbus) coloured, ring by ring, as the source iris's clear pixels at the same distance from its centre
    (:func:`_iris_paint`), in the lid's cast shadow as the sclera beside it is. The weight
    fades to 0 down to the source's shadow depth (the painted rows meet the source's at the depth they copy), on the
    target contour, over :data:`LASH_IOD` under the target's upper lid (the lash line the mesh moved there stays)
    and over :data:`VISIBLE_DEPTH_PX` of lid raise (no raise: nothing is painted). A source eye that shows no
    eyeball (shut) paints nothing.

    Args:
        rgb: ``(h, w, 3) float32`` the warped face over ``box``.
        box: ``(x0, y0, x1, y1)`` of ``rgb`` in frame pixels.
        image: ``(H, W, 3) float32`` the source frame.
        src, dst: ``(>= 468, 2+)`` source and target landmarks, frame pixels (without the iris points, 478, the
            whole uncovered eyeball is painted as sclera).
        iod: inter-ocular distance of ``dst`` in pixels.
        front: ``(h, w) float32`` over ``box``, how far a spectacle frame is shown in front of the face
            (:func:`~ned_core.render.glasses.rim_front`; the eyeball is painted behind it), or None.

    Returns:
        ``(rgb, revealed)``: the painted face (the input itself when nothing is revealed) and the largest revealed
        height (IOD): how far above the source's upper lid the target shows eyeball, 0 when it shows none.
    """
    out, revealed = rgb, 0.0
    x0, y0 = box[0], box[1]
    for eye, (centre, ring) in zip(EYES, IRISES):
        win = polygon_mask(dst[list(eye), :2] - (x0, y0), rgb.shape[:2], 1.0)
        h, w = win.alpha.shape
        if h == 0 or w == 0 or not win.alpha.any():
            continue
        contour = src[list(eye), :2]
        sx, sy = _apply(eyeball_transform(dst, src, eye), x0 + win.x0, y0 + win.y0, (h, w))
        under_lid = _distance_below_upper_lid(dst[list(eye), :2], x0 + win.x0, y0 + win.y0, (h, w))
        under_source = sy - _lid_y(contour, sx)  # depth under the source's upper lid (negative: was lid)
        lid_raise = under_lid - under_source
        if not np.any((win.alpha > 0) & (lid_raise > 0) & (under_lid > 0)):
            continue  # no lid raised inside the contour: the weight below is 0 everywhere (most frames' eyes)
        depth, field = _opening_depth(contour, image.shape[:2])
        if depth.max() < VISIBLE_DEPTH_PX + CLEAR_IOD * iod:  # the source eye is shut: nothing to paint from
            continue
        cx, cy, radius = _iris(src, eye, centre, ring)
        # a column the iris crosses reads the sclera beside it, blended across the iris from one side to the other
        half = radius + CLEAR_IOD * iod
        across = np.clip((sx - cx + half) / (2.0 * half), 0.0, 1.0) if radius > 0 else np.zeros_like(sx)
        beside = np.abs(sx - cx) < half
        sides = [_column_paint(image, contour, np.where(beside, cx + side * half, sx).astype(np.float32), under_lid)
                 for side in (-1.0, 1.0)]
        read, edge, body, shadow = _across_columns(
            tuple(a0 + (across[..., None] if a0.ndim == 3 else across) * (a1 - a0) for a0, a1 in zip(*sides)),
            win.alpha, ACROSS_IOD * iod)
        (body,) = _across_columns((body,), win.alpha, np.sqrt(BODY_ACROSS**2 - 1.0) * ACROSS_IOD * iod)
        weight = (win.alpha * np.clip(1.0 - under_source / shadow, 0.0, 1.0)
                  * np.clip(lid_raise / VISIBLE_DEPTH_PX, 0.0, 1.0) * np.clip(under_lid / (LASH_IOD * iod), 0.0, 1.0))
        sub = (slice(win.y0, win.y0 + h), slice(win.x0, win.x0 + w))
        if front is not None:
            weight = weight * (1.0 - front[sub])
        if not np.any(weight > 0):
            continue
        shade = np.clip(luma(read) / np.maximum(luma(edge), 1e-6), 0.0, 1.0)
        lid = 1.0 - LID_DARK * (1.0 - np.clip(under_lid / (LID_IOD * iod), 0.0, 1.0)) ** 2
        sclera = (shade * lid * _rounded(contour, cx, sx))[..., None] * body
        iris, alpha = _iris_paint(image, (depth, field), contour, (cx, cy, radius), sx, sy)
        paint = sclera + alpha[..., None] * (shade[..., None] * iris - sclera)
        if out is rgb:
            out = rgb.copy()
        revealed = max(revealed, float(np.max(np.sum((weight > 0.5) & (under_source < 0), axis=0))) / iod)
        out[sub] = (out[sub] + weight[..., None] * (paint - out[sub])).astype(np.float32)
    return out, revealed


def _rounded(contour: np.ndarray, cx: float, sx: np.ndarray) -> np.ndarray:
    """``(h, w) float32`` the eyeball's shading at eyeball x ``sx`` ``(h, w)``: 1 at the iris centre's ``cx``, down by
    :data:`CORNER_DARK` at the corner on that side of the eye ``contour`` (``(16, 2)``; the squared share of the way
    there)."""
    corners = contour[[0, 8], 0]
    corner = np.where(sx < cx, corners.min(), corners.max())
    toward = np.clip(np.abs(sx - cx) / np.maximum(np.abs(corner - cx), 1.0), 0.0, 1.0)
    return (1.0 - CORNER_DARK * toward**2).astype(np.float32)


def _across_columns(layers: tuple[np.ndarray, ...], inside: np.ndarray, sigma: float) -> tuple[np.ndarray, ...]:
    """Each ``(h, w[, 3])`` layer averaged along its rows by a Gaussian of ``sigma`` pixels, weighted by ``inside``
    ``(h, w)`` (the target opening; its pixels outside read columns beyond the eye corners): the columns' reads as
    one smooth sheet instead of a column's own lash strand or crease drawn down the uncovered eyeball (see
    :data:`ACROSS_IOD`)."""
    weight = inside.astype(np.float32)
    total = cv2.GaussianBlur(weight, (0, 0), sigmaX=sigma, sigmaY=1e-3)
    near = total > 1e-3  # elsewhere (rows the opening does not reach) the reads stay as they are
    out = []
    for layer in layers:
        w, t, keep = (a[..., None] if layer.ndim == 3 else a for a in (weight, np.maximum(total, 1e-3), near))
        blurred = cv2.GaussianBlur(np.ascontiguousarray(layer * w, np.float32), (0, 0), sigmaX=sigma, sigmaY=1e-3)
        out.append(np.where(keep, blurred / t, layer).astype(np.float32))
    return tuple(out)


def _column_paint(image: np.ndarray, contour: np.ndarray, col_x: np.ndarray,
                  under_lid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The source eyeball of columns ``col_x`` (frame x, ``(h, w)``) under the source eye ``contour``'s upper lid:
    ``((h, w, 3) read at depth under_lid (pixels), (h, w, 3) read at the shadow's depth, (h, w, 3) the column's clear
    sclera, (h, w) the shadow's depth)``. The shadow (:data:`CLEAR_SHARE` of the column's opening) bounds the first
    read's depth, neither of the two goes below the opening's middle; the clear sclera is the mean of the brightest
    :data:`BODY_KEEP` of :data:`BODY_READS` reads from the shadow's depth down to :data:`BODY_SHARE` of the opening
    (the brightest: not the iris's rim, a lash strand or the lower lid's shadow that a column crosses)."""
    upper, lower = (_lid_y(contour, col_x, side) for side in (True, False))
    shadow = np.maximum(VISIBLE_DEPTH_PX, CLEAR_SHARE * (lower - upper))
    middle = 0.5 * (upper + lower)
    read = remap(image, col_x, np.minimum(upper + np.minimum(under_lid, shadow), middle).astype(np.float32))
    edge = np.minimum(upper + shadow, middle)
    deep = np.maximum(edge, upper + BODY_SHARE * (lower - upper))
    reads = np.stack([remap(image, col_x, (edge + t * (deep - edge)).astype(np.float32))
                      for t in np.linspace(0.0, 1.0, BODY_READS)])
    y = luma(reads)
    keep = (y >= np.partition(y, BODY_READS - BODY_KEEP, axis=0)[BODY_READS - BODY_KEEP])[..., None]
    body = (reads * keep).sum(axis=0) / keep.sum(axis=0)
    return read, remap(image, col_x, edge.astype(np.float32)), body.astype(np.float32), shadow


def _iris_paint(image: np.ndarray, opening: tuple[np.ndarray, tuple[int, int]], contour: np.ndarray,
                iris: tuple[float, float, float], sx: np.ndarray, sy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``((h, w, 3) float32, (h, w) float32)`` the iris at eyeball points ``(sx, sy)`` and its anti-aliased disc
    (:data:`IRIS_EDGE`); a mesh without iris points (radius 0) or a source iris hidden altogether: no disc.

    An iris's colour goes with the distance from its centre (pupil, iris, limbus): each point takes the median of
    the source iris's clear pixels (:func:`_clear_iris`) at its distance (in whole 1-pixel rings within
    :data:`IRIS_SHARE` of the radius, :func:`_rings`). (Mirrored across its centre, the iris's top took its bottom:
    on Grace Hopper, whose iris fills the opening, the lower lid's shadow and a pupil a pixel off the landmarks'
    centre, and where the bottom was hidden too, the pupil-dark median of the whole iris; over the visible top of
    the iris, lighter than its pupil, that painted a second dark pupil above the real one.)"""
    cx, cy, radius = iris
    none = np.zeros((*sx.shape, 3), np.float32), np.zeros(sx.shape, np.float32)
    if radius <= 0.0:
        return none
    xs, ys = _clear_iris(image.shape[:2], opening, contour, iris)
    if len(xs) == 0:
        return none
    dist = np.hypot(sx - cx, sy - cy)
    alpha = np.clip(IRIS_EDGE * radius - dist + 0.5, 0.0, 1.0).astype(np.float32)
    ring = np.floor(np.hypot(xs - cx, ys - cy)).astype(int)
    have = np.unique(ring)
    profile = np.array([np.median(image[ys[ring == r], xs[ring == r]], axis=0) for r in have], np.float32)
    want = np.minimum(np.floor(dist), _rings(radius) - 1).astype(int)
    return profile[np.abs(want[..., None] - have).argmin(axis=-1)], alpha


def _rings(radius: float) -> int:
    """How many whole 1-pixel rings of an iris of landmark ``radius`` lie within :data:`IRIS_SHARE` of it (at least
    one): a part ring at its edge holds a sliver of the limbus and the sclera beside it, and painted the uncovered
    limbus as a light arc (Grace Hopper's left eye at 2x)."""
    return max(1, int(IRIS_SHARE * radius))


def _clear_iris(frame_size: tuple[int, int], opening: tuple[np.ndarray, tuple[int, int]], contour: np.ndarray,
                iris: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """``((N,) int, (N,) int)`` frame ``(x, y)`` of the source iris's pixels in its whole rings (:func:`_rings`)
    that the source shows clear of its upper lid's shadow (:data:`CLEAR_SHARE` of the column's opening under it;
    all the visible ones where none is)."""
    cx, cy, radius = iris
    depth, field = opening
    ys, xs = np.mgrid[field[1] : field[1] + depth.shape[0], field[0] : field[0] + depth.shape[1]]
    seen = ((depth >= VISIBLE_DEPTH_PX) & (np.hypot(xs - cx, ys - cy) < _rings(radius))
            & (ys >= 0) & (ys < frame_size[0]) & (xs >= 0) & (xs < frame_size[1]))
    upper, lower = (_lid_y(contour, xs.astype(np.float64), side) for side in (True, False))
    clear = seen & (ys - upper >= CLEAR_SHARE * (lower - upper))
    keep = clear if clear.any() else seen
    return xs[keep], ys[keep]


def _iris(src: np.ndarray, eye: tuple[int, ...], centre: int, ring: tuple[int, ...]) -> tuple[float, float, float]:
    """``(x, y, radius)`` of the source iris, pixels; a mesh without iris points (468): the eye's centre, radius 0."""
    if len(src) <= max(ring):
        x, y = src[list(eye), :2].mean(axis=0)
        return float(x), float(y), 0.0
    x, y = src[centre, :2].astype(np.float64)
    return float(x), float(y), float(np.mean(np.hypot(*(src[list(ring), :2] - (x, y)).T)))


def _apply(m: np.ndarray, x0: int, y0: int, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``(map_x, map_y)`` float32 ``size`` maps of the pixels of a window at ``(x0, y0)`` through ``m``."""
    xs = np.arange(x0, x0 + size[1], dtype=np.float64)[None, :]
    ys = np.arange(y0, y0 + size[0], dtype=np.float64)[:, None]
    return ((m[0, 0] * xs + m[0, 1] * ys + m[0, 2]).astype(np.float32),
            (m[1, 0] * xs + m[1, 1] * ys + m[1, 2]).astype(np.float32))


def _opening_depth(contour: np.ndarray, frame_size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    """Signed distance (pixels, positive inside) to the source eye contour over a padded window, and its origin."""
    pad = int(np.ceil(0.5 * np.ptp(contour[:, 0])))
    x0, y0 = (int(v) - pad for v in np.floor(contour.min(axis=0)))
    x1, y1 = (int(v) + pad for v in np.ceil(contour.max(axis=0)))
    hard = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(hard, [np.round((contour - (x0, y0)) * 16).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=4)
    inside = cv2.distanceTransform(hard, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    outside = cv2.distanceTransform(1 - hard, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return (inside - outside).astype(np.float32), (x0, y0)


def _sample(depth: np.ndarray, origin: tuple[int, int], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The signed depth at frame points ``(xs, ys)``; far outside the window counts as outside."""
    return cv2.remap(depth, (xs - origin[0]).astype(np.float32), (ys - origin[1]).astype(np.float32),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=-1e3)


def _lid_y(contour: np.ndarray, xs: np.ndarray, upper: bool = True) -> np.ndarray:
    """The height (frame y) at ``xs`` of the upper-lid margin of an eye ``contour`` (its corners and second half),
    or of its lower-lid margin (the first half, corner to corner)."""
    lid = contour[[0, *range(8, len(contour))]] if upper else contour[:9]
    lid = lid[np.argsort(lid[:, 0])]
    return np.interp(xs, lid[:, 0], lid[:, 1])


def _distance_below_upper_lid(contour: np.ndarray, x0: int, y0: int, size: tuple[int, int]) -> np.ndarray:
    """``size`` how far (pixels) each pixel of the window lies below the target's upper-lid margin (the contour's
    corners and its second half), 0 at or above it."""
    lid_y = _lid_y(contour, np.arange(x0, x0 + size[1], dtype=np.float64))
    ys = np.arange(y0, y0 + size[0], dtype=np.float64)[:, None]
    return np.clip(ys - lid_y[None, :], 0.0, None)
