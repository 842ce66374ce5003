"""Teeth the warp carries into the target's lips, replaced by the lips' own texture.

On a broad smile the face mesh puts the inner lip outline on the teeth (the astronaut: the inner upper lip
1-3 px down on the upper teeth at 44 px IOD), so the source's "lip" band between the outer and inner outlines
holds a strip of teeth. Where the target closes the mouth the warp stretches that band into the target's lips:
a ragged grey-white band along the upper lip's lower edge (pixel-sized, the teeth's gaps resampled), and the
seal's smooth average (``lip_seal.py``) of it paints pale lips. Here each pixel of the target's lip band that
looks like a mouth's interior but not its dark cavity (grey: redness below ``lip_edge.GREY`` of the mouth's
surroundings', luma above ``lip_edge.DARK`` of theirs) is replaced, softly, by the other lip at the mirrored
place across the line where the lips meet (same share of the way from the outer to the inner outline, same
column), scaled to the band's own lip colour: the lips keep their texture and redness, not a flat fill. A
mirrored pixel that is itself grey gives way to the band's mean lip colour.

Along the dark cavity the warp carries in (within ``NEAR_CAVITY_IOD``) the upper lip's band takes the cavity's own
colour instead (:func:`cavity_colour`): a clean dark gap. At a syllable's peak those teeth edge the parted mouth's
dark gap, where the face mesh reads the inner lip: painted with lip texture the words' opening shrank (speaking
astronaut sad: the peaks' re-read opening 0.20 -> 0.17 IOD, mouth PCC 0.92 -> 0.90); kept, they were a ragged rim of
tooth fragments, 1-3 px at 44 px IOD, around the gap of every mouth the target closes down (speaking astronaut
neutral, sad, angry, disgusted). Darkened, the lower lip's band too cost the held-out speaking astronaut's disgust
mouth PCC 0.94 -> 0.89 (its raised upper lip's window of teeth edges the gap from below); it takes the lips' texture
(0.93). A column the seal paints shut (``lip_seal.py``, ``sealed``) has no gap: its teeth take the lips' texture
(darkened, they tinted the seal's lip colour, an average of the lips around, grey).

Only where the target parts the lips less than the source (``config.fill_start`` .. ``config.fill_full``, as
the seal fades in) is anything replaced: teeth in the band of an unedited mouth are the shot's own picture.
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render.config import RenderConfig
from ned_core.render.lip_edge import DARK, interior_like, mouth_reference
from ned_core.render.luma import luma

CARRIED_GAIN = 2.0  # a pixel half sampled from the interior is replaced fully
FEATHER_PX = 0.6  # sigma of the replaced region's soft edge
MIN_LIP_PX = 6  # a band with fewer lip-coloured pixels takes the other band's colour unscaled
NEAR_CAVITY_IOD = 0.05  # the upper lip's band this near (IOD) the warped dark cavity takes the cavity's colour
CAVITY_REACH_IOD = 0.05  # reach of the dark gap's colour average that the teeth along it take


def repair_weight(src_opening: float, dst_opening: float, config: RenderConfig) -> float:
    """How far (0..1) to repair: the target's inner-lip area (IOD^2) is smaller than the source's by
    ``config.fill_start`` (0) .. ``config.fill_full`` (1), smoothly."""
    t = (src_opening - dst_opening - config.fill_start) / max(config.fill_full - config.fill_start, 1e-9)
    t = min(max(t, 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


def interior_share(image: np.ndarray, src: np.ndarray, maps: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``(2, h, w) float32`` 0..1: how much of each warped pixel (``maps``: the box's backward map into ``image``,
    frame pixels) was sampled from the source mouth's interior (``[0]``: inside its inner lip outline, or inside its
    outer one and grey and not dark: ``lip_edge.interior_like`` less its dark cavity) and from its dark cavity
    (``[1]``: inside the outer outline, darker than ``lip_edge.DARK`` of the surroundings). Mapped like the picture,
    it follows the warp's resampling of the teeth's thin stripes (the grey blend of teeth and gap that no colour
    test on the result separates from a pale lip)."""
    outer, inner = src[list(LIPS_OUTER)], src[list(LIPS_INNER)]
    h, w = image.shape[:2]
    x0, y0 = max(int(np.floor(outer[:, 0].min())) - 2, 0), max(int(np.floor(outer[:, 1].min())) - 2, 0)
    x1, y1 = min(int(np.ceil(outer[:, 0].max())) + 3, w), min(int(np.ceil(outer[:, 1].max())) + 3, h)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return np.zeros((2, *maps[0].shape), np.float32)
    sub = np.asarray(image[y0:y1, x0:x1], np.float32)
    lips = np.zeros(sub.shape[:2], np.uint8)
    cv2.fillPoly(lips, [np.round((outer - (x0, y0)) * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    hole = np.zeros_like(lips)
    cv2.fillPoly(hole, [np.round((inner - (x0, y0)) * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    reference = mouth_reference(image, inner, float(interocular_distance(src)))
    dark = luma(sub) < DARK * reference[0]
    teeth = interior_like(sub, reference) & ~dark
    masks = np.stack([(hole > 0) | ((lips > 0) & teeth), (lips > 0) & dark]).astype(np.float32)
    mx, my = (maps[0] - x0).astype(np.float32), (maps[1] - y0).astype(np.float32)
    return np.stack([cv2.remap(m, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
                     for m in masks])


def near_cavity(cavity: np.ndarray, radius_px: float) -> np.ndarray:
    """``(h, w) float32`` 1 on the warped dark cavity (``cavity`` > 0.5) and within ``radius_px`` of it, falling to 0
    over the next pixel: the teeth along a parted mouth's dark gap, where the face mesh reads the inner lip."""
    if not (cavity > 0.5).any():
        return np.zeros(cavity.shape, np.float32)
    distance = cv2.distanceTransform((cavity <= 0.5).astype(np.uint8), cv2.DIST_L2, 3)
    return np.clip(radius_px + 1.0 - distance, 0.0, 1.0).astype(np.float32)


def meeting_line(dst: np.ndarray) -> np.ndarray:
    """``(11, 2)`` the line where the target lips meet: corner, the midpoints of the inner-lip pairs, corner."""
    mid = 0.5 * (dst[INNER_PAIRS[:, 0]] + dst[INNER_PAIRS[:, 1]])
    return np.vstack([dst[LIPS_INNER[0]], mid, dst[LIPS_INNER[10]]])


def lip_contours(dst: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """``(4, W)`` y of the upper outer, upper inner, lower inner and lower outer lip outlines at columns ``xs``."""
    out = []
    for ring, upper in ((LIPS_OUTER, True), (LIPS_INNER, True), (LIPS_INNER, False), (LIPS_OUTER, False)):
        idx = [ring[0], *ring[11:], ring[10]] if upper else list(ring[:11])
        pts = dst[idx]
        order = np.argsort(pts[:, 0])
        out.append(np.interp(xs, pts[order, 0], pts[order, 1]))
    return np.stack(out)


def repair_lips(rgb: np.ndarray, box: tuple[int, int, int, int], dst: np.ndarray, interior: np.ndarray,
                weight: float, sealed: np.ndarray | None = None, darken: float = 1.0) -> tuple[np.ndarray, float]:
    """Replace the interior the warp carried into the target's lips over ``box`` (see the module docstring).

    Args:
        rgb: ``(h, w, 3) float32`` warped face over ``box`` (scene-linear).
        box: ``(x0, y0, x1, y1)`` frame pixels.
        dst: ``(>= 468, 2) float64`` target landmarks, frame pixels.
        interior: ``(2, h, w) float32`` :func:`interior_share` of the warp.
        weight: 0..1 (:func:`repair_weight`).
        sealed: ``(11,)`` 0..1 how far ``lip_seal.seal_lips`` paints each column of the mouth shut (the points of
            :func:`meeting_line`, interpolated along x), None: 0. A sealed column has no gap: its teeth along
            the cavity take the lips' texture too (darkened, they tinted the seal's lip colour grey).
        darken: 0..1 how far the upper teeth along the cavity take its colour (0: the lips' texture, as where the
            target raises the upper lip over the teeth, ``lip_band.py``).

    Returns:
        A new ``(h, w, 3) float32`` array (``rgb`` itself when nothing is replaced) and the share (0..1) of the
        lip band's pixels replaced.
    """
    if weight <= 0.0:
        return rgb, 0.0
    outer = dst[list(LIPS_OUTER)]
    bx0, by0, bx1, by1 = box
    x0, y0 = max(int(np.floor(outer[:, 0].min())) - 2, bx0), max(int(np.floor(outer[:, 1].min())) - 2, by0)
    x1, y1 = min(int(np.ceil(outer[:, 0].max())) + 3, bx1), min(int(np.ceil(outer[:, 1].max())) + 3, by1)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return rgb, 0.0
    sub = rgb[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    band = np.zeros(sub.shape[:2], np.float32)
    cv2.fillPoly(band, [np.round((outer - (x0, y0)) * 16).astype(np.int32)], 1.0, cv2.LINE_AA, 4)
    hole = np.zeros_like(band)
    cv2.fillPoly(hole, [np.round((dst[list(LIPS_INNER)] - (x0, y0)) * 16).astype(np.int32)], 1.0, cv2.LINE_AA, 4)
    band = np.clip(band - hole, 0.0, 1.0)
    teeth, cavity = interior[:, y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    iod = float(interocular_distance(dst))
    unsealed = np.ones((1, x1 - x0))
    if sealed is not None:
        line = meeting_line(dst)
        order = np.argsort(line[:, 0])
        unsealed = 1.0 - np.interp(np.arange(x0, x1) + 0.5, line[order, 0], np.asarray(sealed)[order])[None, :]
    gap = near_cavity(cavity, NEAR_CAVITY_IOD * iod) * unsealed * darken  # the band along a dark gap (1 on the gap)
    carried = np.clip(teeth * CARRIED_GAIN, 0.0, 1.0) * band
    if not (carried > 0.05).any():
        return rgb, 0.0
    xs = np.arange(x0, x1, dtype=np.float64) + 0.5
    y_uo, y_ui, y_li, y_lo = lip_contours(dst, xs) - y0 - 0.5
    ys = np.arange(y1 - y0, dtype=np.float64)[:, None]
    upper = ys < 0.5 * (y_ui + y_li)[None, :]
    share_up = np.clip((ys - y_uo) / np.maximum(y_ui - y_uo, 0.5), 0.0, 1.0)
    share_lo = np.clip((ys - y_lo) / np.minimum(y_li - y_lo, -0.5), 0.0, 1.0)
    mirror_y = np.where(upper, y_lo + share_up * (y_li - y_lo), y_uo + share_lo * (y_ui - y_uo)).astype(np.float32)
    mirror_x = np.ascontiguousarray(np.broadcast_to(np.arange(x1 - x0, dtype=np.float32)[None, :], mirror_y.shape))
    mirrored = cv2.remap(sub, mirror_x, mirror_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mirror_carried = cv2.remap(carried + (1.0 - band) * (hole > 0.5), mirror_x, mirror_y, cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    lip = (band > 0.5) & (carried < 0.05)
    replacement = np.empty_like(sub)
    for part in (upper, ~upper):
        own, other = lip & part, lip & ~part
        source = sub[other].mean(axis=0) if other.sum() >= MIN_LIP_PX else None
        colour = sub[own].mean(axis=0) if own.sum() >= MIN_LIP_PX else source
        if colour is None:
            return rgb, 0.0  # no lip pixel left to take the colour from
        scale = colour / np.maximum(source, 1e-6) if source is not None else np.ones(3, np.float32)
        scaled = mirrored * np.clip(scale, 0.5, 2.0).astype(np.float32)
        fallback = np.clip(mirror_carried, 0.0, 1.0)[:, :, None]
        mixed = scaled + fallback * (colour.astype(np.float32) - scaled)
        replacement[part] = mixed[part]
    # the upper teeth along the dark gap take the gap's own colour (module docstring), the rest the lips'
    replacement += (gap * upper)[:, :, None] * (cavity_colour(sub, cavity, iod) - replacement)
    alpha = np.clip(cv2.GaussianBlur(carried, (0, 0), FEATHER_PX) * 1.5, 0.0, 1.0) * band * weight
    out = rgb.copy()
    out[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0] = sub + alpha[:, :, None] * (replacement - sub)
    return out, float(alpha.sum() / max(band.sum(), 1e-6))


def cavity_colour(sub: np.ndarray, cavity: np.ndarray, iod: float) -> np.ndarray:
    """``(h, w, 3) float32`` the warped dark cavity's colour about each pixel: the smooth average
    (:data:`CAVITY_REACH_IOD`) of the pixels of ``sub (h, w, 3)`` sampled from it (``cavity (h, w)`` > 0.5), so the
    gap keeps its shading (its darker corners, a lit tongue below); the cavity's mean where none is near."""
    inside = (cavity > 0.5).astype(np.float32)
    if not inside.any():
        return sub.copy()
    sigma = max(1.0, CAVITY_REACH_IOD * iod)
    support = cv2.GaussianBlur(inside, (0, 0), sigma)[:, :, None]
    local = cv2.GaussianBlur(sub * inside[:, :, None], (0, 0), sigma) / np.maximum(support, 1e-6)
    mean = sub[inside > 0].mean(axis=0)
    near = np.clip(support / 0.05, 0.0, 1.0)
    return (mean + near * (local - mean)).astype(np.float32)
