"""Shading the warp cannot make, drawn from the face's own light: grooves (a thin dark band inside a broader,
shallower shadow, a faint highlight on the lit side) as a multiplicative log-gain on the skin's own colour, on the
skin alone, worked out at a bounded resolution. Shared by the brow creases (``creases.py``) and a smile's folds
(``smile_shading.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.analysis.regions import FACE_OVAL, eye_centres, interocular_distance
from ned_core.render.luma import luma

OVAL_MARGIN_IOD = 0.05  # the shading stays this far inside the face oval (and off the holes)
WORK_IOD_PX = 90.0  # the shading is worked out at no more than this many pixels per IOD
SKIN_LOG_RANGE = 0.7  # pixels darker than the skin by more than this (log luminance, ~2x) get none, by half of
# it all (dark hair is; lighter than the skin is kept: the astronaut's lit glabella, 0.6 above her skin's median)
# per-channel share of a darkening gain (R, G, B): a crease in skin is warmer than the skin (light scattered under
# it comes out reddened), a uniform dimming reads grey, drawn on. A highlight (a gain > 0) scales the three channels
# alike: tinted the same way, a highlight of log-gain g raised blue exp(0.35 g) times more than red, bluer and
# greyer than the skin around (a bluish sheen along the brows' and forehead lines' lit sides)
CREASE_TINT = np.array([0.8, 1.0, 1.15], np.float32)

Rims = tuple[tuple[int, int, int, int], np.ndarray]  # spectacle rims: (x0, y0, x1, y1) frame pixels, (h, w) mask
GainFn = Callable[[np.ndarray, np.ndarray, float, "np.ndarray | None"], np.ndarray]


@dataclass(frozen=True)
class Crease:
    """One crease: ``points (K, 2)`` frame pixels along it, ``depth (K,)`` its log-gain there (tapered, weighted),
    ``lit (2,)`` the side its highlight lies on (a direction in the frame)."""

    points: np.ndarray
    depth: np.ndarray
    lit: np.ndarray


@dataclass(frozen=True)
class GrooveProfile:
    """A groove's cross-section, in IOD: the dark band's and the shadow's Gaussian sigmas, the shadow's and the
    highlight's depths as shares of the band's."""

    groove_sigma_iod: float
    shadow_sigma_iod: float
    shadow_share: float
    highlight_share: float


def axes(dst: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The face's ``across`` (subject's right to left) and ``up`` unit vectors in the frame, and its IOD (px)."""
    centres = eye_centres(dst)
    across = centres[1] - centres[0]
    iod = max(float(np.linalg.norm(across)), 1e-6)
    across = across / iod
    return across, np.array([across[1], -across[0]]), iod


def taper(count: int, peak: float = 0.5) -> np.ndarray:
    """``(count,)`` 0..1 along a crease: 0 at both ends, 1 at ``peak`` (0..1 of its length), smooth."""
    t = np.linspace(0.0, 1.0, count)
    s = np.where(t < peak, t / peak, (1.0 - t) / (1.0 - peak))
    return s * s * (3.0 - 2.0 * s)


def groove_reach(profile: GrooveProfile, iod: float) -> float:
    """How far (px) a groove's shading reaches from its line."""
    return 4.0 * max(2.0, profile.shadow_sigma_iod * iod)


def groove_gain(shape: tuple[int, int], origin: tuple[int, int], creases: list[Crease], iod: float,
                profile: GrooveProfile) -> np.ndarray:
    """``(h, w) float32`` the log-gain of ``creases`` (sharing one lit side) over a ``(h, w)`` window at ``origin
    (x0, y0)`` frame pixels: the groove and its shadow darken, the highlight on the lit side brightens (each crease
    drawn as a 1-pixel line of its depth, then blurred to each profile: a Gaussian across it, peak = the depth)."""
    line = np.zeros(shape, np.float32)
    for crease in creases:
        pts = np.round((crease.points - origin) * 16).astype(np.int32)  # 4 subpixel bits
        for a, b, depth in zip(pts[:-1], pts[1:], 0.5 * (crease.depth[:-1] + crease.depth[1:])):
            cv2.line(line, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), float(depth), 1, cv2.LINE_AA, 4)
    lit = creases[0].lit
    groove = max(0.8, profile.groove_sigma_iod * iod)
    shadow = max(2.0, profile.shadow_sigma_iod * iod)
    peak = np.sqrt(2.0 * np.pi)  # a unit line blurred by sigma peaks at 1 / (sqrt(2 pi) sigma)
    dark = peak * (groove * cv2.GaussianBlur(line, (0, 0), groove)
                   + profile.shadow_share * shadow * cv2.GaussianBlur(line, (0, 0), shadow))
    shift = 2.5 * groove * lit / max(float(np.linalg.norm(lit)), 1e-6)
    light = cv2.warpAffine(peak * 1.5 * groove * cv2.GaussianBlur(line, (0, 0), 1.5 * groove),
                           np.array([[1.0, 0.0, shift[0]], [0.0, 1.0, shift[1]]]), (shape[1], shape[0]))
    return profile.highlight_share * light - dark


def creases_gain(shape: tuple[int, int], creases: list[Crease], iod: float, profile: GrooveProfile) -> np.ndarray:
    """``(h, w) float32`` the summed log-gain of ``creases`` (window pixels) over a ``(h, w)`` window, each group
    sharing a lit side blurred once over its own reach."""
    gain = np.zeros(shape, np.float32)
    pad = groove_reach(profile, iod)
    groups: dict[tuple[float, float], list[Crease]] = {}
    for crease in creases:
        groups.setdefault((float(crease.lit[0]), float(crease.lit[1])), []).append(crease)
    for group in groups.values():
        reach = np.vstack([c.points for c in group])
        x0, y0 = max(int(reach[:, 0].min() - pad), 0), max(int(reach[:, 1].min() - pad), 0)
        x1, y1 = min(int(reach[:, 0].max() + pad) + 1, shape[1]), min(int(reach[:, 1].max() + pad) + 1, shape[0])
        if x1 > x0 and y1 > y0:
            gain[y0:y1, x0:x1] += groove_gain((y1 - y0, x1 - x0), (x0, y0), group, iod, profile)
    return gain


def skin(rgb: np.ndarray, dst: np.ndarray, iod: float, holes: tuple[tuple[int, ...], ...],
         rims: np.ndarray | None, hair_sigma_iod: float = 0.0) -> np.ndarray:
    """``(h, w) float32`` 0..1 over the window ``rgb (h, w, 3)`` (``dst`` in its pixels): the face's skin inside
    its oval (shrunk by :data:`OVAL_MARGIN_IOD`), off the ``holes`` (landmark outlines: brows, eyes, lips; grown by
    the same margin) and spectacle rims (``rims (h, w) bool`` or None), and not darker than the skin's upper
    luminance there (its 70th percentile) by :data:`SKIN_LOG_RANGE` (dark hair is not skin), the luminance blurred
    by ``hair_sigma_iod`` for that test (> 0: a fold's or a wrinkle's thin shadow stays skin); soft-edged."""
    h, w = rgb.shape[:2]
    inside = np.zeros((h, w), np.uint8)
    cv2.fillPoly(inside, [np.round(dst[list(FACE_OVAL)]).astype(np.int32)], 1)
    grow = 2 * max(1, round(OVAL_MARGIN_IOD * iod)) + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow))
    inside = cv2.erode(inside, disc)
    cut = np.zeros((h, w), np.uint8)
    cv2.fillPoly(cut, [np.round(dst[list(idx)]).astype(np.int32) for idx in holes], 1)
    if rims is not None:
        cut |= rims.astype(np.uint8)
    mask = (inside & (1 - cv2.dilate(cut, disc))).astype(np.float32)
    lum = luma(rgb)
    if hair_sigma_iod > 0.0:
        lum = cv2.GaussianBlur(lum, (0, 0), max(0.5, hair_sigma_iod * iod))
    lum = np.log(np.maximum(lum, 1e-4))
    if mask.sum() > 0:
        offset = (np.percentile(lum[mask > 0], 70) - lum) / SKIN_LOG_RANGE
        mask *= np.clip(2.0 - 2.0 * offset, 0.0, 1.0)  # full within half the range, none beyond it
    soft = max(1.0, 0.03 * iod)
    return cv2.GaussianBlur(mask, (0, 0), soft) * (mask > 0)


def shade(rgb: np.ndarray, box: tuple[int, int, int, int], window: tuple[int, int, int, int], dst: np.ndarray,
          gain: GainFn, rims: Rims | None = None) -> np.ndarray:
    """Apply ``gain`` (log; where it darkens, tinted by :data:`CREASE_TINT`; where it brightens, on all channels
    alike: the skin's hue and saturation stay) to ``rgb (h, w, 3) float32`` (scene-linear) over
    ``box`` (x0, y0, x1, y1 frame pixels) within ``window`` (frame pixels, clipped to the box). Where the window
    cuts the face oval, :func:`skin` takes the face to go on beyond it: a window's edge must cross the oval only
    where the gain is nil.

    ``gain(sub, dst, iod, rims)`` gets the window's pixels, ``dst (>= 468, 2)`` and the IOD in the window's pixels
    and the rims there (``(h, w) bool`` or None), and returns the ``(h, w)`` log-gain (zero off the skin: see
    :func:`skin`). It is worked out at no more than :data:`WORK_IOD_PX` pixels per IOD and scaled up to the frame
    (a 1080p close-up: ~3x cheaper). Returns a new array, or ``rgb`` itself where the window misses the box.
    """
    iod = float(interocular_distance(dst))
    bx0, by0, bx1, by1 = box
    x0, y0 = max(window[0], bx0), max(window[1], by0)
    x1, y1 = min(window[2], bx1), min(window[3], by1)
    if x1 <= x0 or y1 <= y0:
        return rgb
    sub = rgb[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    mask = None
    if rims is not None:
        (rx0, ry0, rx1, ry1), rim = rims
        mask = np.zeros(sub.shape[:2], np.uint8)
        ax0, ay0, ax1, ay1 = max(rx0, x0), max(ry0, y0), min(rx1, x1), min(ry1, y1)
        if ax1 > ax0 and ay1 > ay0:
            mask[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0] = rim[ay0 - ry0 : ay1 - ry0, ax0 - rx0 : ax1 - rx0]
    scale = min(1.0, WORK_IOD_PX / iod)
    if scale < 1.0:
        size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
        factor = np.array([size[0] / (x1 - x0), size[1] / (y1 - y0)])
        small = cv2.resize(sub, size, interpolation=cv2.INTER_AREA)
        rims_small = None if mask is None else cv2.resize(mask * 255, size, interpolation=cv2.INTER_AREA) > 0
        log_gain = gain(small, (dst - (x0, y0) + 0.5) * factor - 0.5, iod * scale, rims_small)
        log_gain = cv2.resize(log_gain, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    else:
        log_gain = gain(sub, dst - (x0, y0), iod, None if mask is None else mask > 0)
    out = rgb.copy()
    rows, cols = np.flatnonzero(log_gain.any(axis=1)), np.flatnonzero(log_gain.any(axis=0))
    if rows.size:  # only where there is any gain (a 1080p close-up's window is mostly untouched skin)
        ys, xs = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
        # the tinted gain built channel by channel: numpy's broadcast over a last axis of 3 is several times slower
        part = log_gain[ys, xs]
        dark, light = np.minimum(part, 0.0), np.maximum(part, 0.0)
        factor = cv2.merge([dark * tint + light for tint in CREASE_TINT])
        np.exp(factor, out=factor)
        factor *= sub[ys, xs]
        out[y0 - by0 + ys.start : y0 - by0 + ys.stop, x0 - bx0 + xs.start : x0 - bx0 + xs.stop] = factor
    return out
