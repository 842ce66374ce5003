"""Soften the shading a smile leaves when the target drops the mouth corners (nasolabial folds, cheek bulge).

A smile is read as much from texture as from the mouth: the deepened nasolabial fold from the nose wing to
beyond the mouth corner and the raised, highlighted cheek (Ekman & Friesen, *FACS* 1978, AU12/AU6
appearance changes). A warp moves that shading with the skin but cannot remove it, so a smiling face made
sad keeps reading as a smile. Where the target lowers the mouth corners against the source, the shading of
those regions is flattened (a retoucher's frequency separation, three bands): the band between the skin's
texture (finer than ``TEXTURE_SIGMA_IOD``: pores, freckles, kept) and the face's coarse light (coarser than
``SHADING_SIGMA_IOD``, kept) is what a smile adds there -- the fold's crease, the cheek apple's bulge and
highlight, a third of an IOD across -- and fades. The band is taken against the coarse light and colour of
the skin alone (hair, background, eyes, brows and lips excluded), and each cheek and fold keeps its mean
level and colour: the shading is redistributed, the skin is neither dimmed nor greyed. The band is flattened on
the luma (one gain for the three channels: a pixel keeps its hue and saturation), its colour as well only along the
fold lines and where it brightens (a crease's warm shadow, a sheen's whitish highlight): flattened per channel
everywhere, the warm shadow beside the bulge was lifted bluer than red (the grey, bluish cheeks of issue 12). (Taken against a blur
of everything around the cheek, it turned the astronaut's cheeks grey: chroma C* 20.0 -> 17.6, b* 18.0 ->
16.0 over the softened skin; now 20.6 / 18.9.) Measured on the astronaut still (fer's p(happy), source 1.00):
without softening sad 0.99, angry 0.94, neutral 0.97; with it 0.71, 0.59, 0.65, and with the fold's fine
crease flattened too (``CREASE_SIGMA_IOD``) 0.45, 0.35, 0.66. The whole band flattened left the relaxed cheeks
airbrushed (astronaut still, IOD 44 px, neutral: luma std of the cheeks' 0.03-0.1 IOD band 5.1 / 7.2 levels in
the source, 2.7 / 1.4 after). A cheek's freckles and mottling lie in the same band as the smile's shading at that
size (3-6 px): given back by scale, it brought the smile back (speaking, neutral: p(happy) 0.30 -> 0.45). Told
apart by shape (:func:`_skin_texture`): spots smaller than a median window, less what runs along lines, scaled by
how light-and-dark they are locally, are given back. Skin detail kept (benchkit skin measure, result over source) on
the subject's left cheek, neutral/sad/angry: speaking astronaut 0.41/0.42/0.40 -> 0.77/0.79/0.77, the still
0.45/0.46/0.45 -> 0.81/0.84/0.80 (right cheek 0.61 -> 0.90); weighting lines by their coherence squared (more of
the partly oriented mottling back) kept ~1.0, but the speaking astronaut's fear read 54 % (67 % as given here).

The folds are placed by the face mesh's landmarks along them (``FOLD_CHAINS``), which the warp carries with the skin
and the fold: a line drawn from the target's lowered mouth corners missed the warped fold by up to 0.1 IOD, and the
fold's stretches outside it were left as straight dark lines across the cheeks (issue 12's "V" from the nose wings;
the crease's dip across the fold, 8-bit luma, per side: astronaut still neutral 10.9 / 6.3 -> 9.3 / 3.0, source
52 / 22; speaking sad 8.6 / 7.9 -> 5.7 / 2.9). A sad target gets them back as smooth curves (``sad_shading.py``).
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from ned_core.analysis import crop
from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import (FACE_OVAL, LEFT_BROW, LEFT_EYE, LIPS_OUTER, RIGHT_BROW, RIGHT_EYE,
                                       interocular_distance)
from ned_core.render.luma import luma
from ned_core.render.mouth_index import template_from_image

CORNERS = (61, 291)  # mouth corners, subject's right then left
LIP_MIDDLE = (13, 14)  # upper and lower inner lip at the middle
NOSE_WINGS = (129, 358)  # outer edge of each nose wing, where the fold starts
CHEEKS = (50, 280)  # the cheek's apple, below each eye
# the nasolabial fold, each side, as the face mesh's landmarks along it: nose wing, beside the nose, the cheek's
# fold line, beside the mouth corner (they lie on the skin, so the warp carries them with the fold it moves; a line
# placed from the target's mouth corners missed the warped fold by up to 0.1 IOD, its ends left as straight lines)
FOLD_CHAINS = ((129, 203, 206, 216, 212), (358, 423, 426, 436, 432))
NOSE_TIP = 1
UPPER_LIP_TOP, SUBNASALE = 0, 2  # the upper lip's middle (outer edge) and the point below the nose
START_RAISE_IOD, FULL_RAISE_IOD = 0.01, 0.03  # upper lip raised beyond the source's: the fold starts / is fully kept
START_DROP_IOD, FULL_DROP_IOD = 0.015, 0.05  # corner drop (target vs source, IOD): softening starts / is full
FOLD_SOFTEN, CHEEK_SOFTEN = 1.0, 0.9  # share of the fine shading removed at full drop
FOLD_WIDTH_IOD, CHEEK_RADIUS_IOD = 0.2, 0.45
LIPS_CLEAR_IOD = 0.04  # the softening stays this far off the outer lip line
CREASE_CLEAR_IOD = 0.1  # and the fold's fine crease this far
TEXTURE_SIGMA_IOD = 0.03  # skin texture finer than this is kept
CREASE_SIGMA_IOD = 0.012  # along the fold lines and corner creases the band reaches down to this (their creases)
TEXTURE_MEDIAN_IOD = 0.2  # the band's spots smaller than this median window (freckles, mottling) are given back ...
MEDIAN_RANGE_LOG = 0.6  # (the band taken to 8 bits over +-this, log luma, for the median)
ORIENT_WINDOW_IOD, ALONG_SIGMA_IOD = 0.15, 0.1  # ... less what runs along lines (structure tensor window, length)
BALANCE_IOD = 0.1  # ... scaled by how light-and-dark it is over this (a bulge's apex left by the median is not)
BALANCE_POWER = 2.0  # ... to this power
SHEEN_LOG = 0.1  # the band's colour is flattened too where it brightens the skin by this much (log luma)
SHADING_SIGMA_IOD = 0.35  # the face's light coarser than this is kept; the band between is the smile's shading
WORK_IOD = 60.0  # a larger face's gain is computed reduced by a whole factor to about this IOD (px)


def corner_height(landmarks: np.ndarray, to_template: np.ndarray | None) -> float:
    """Mouth corners above the middle of the lips' meeting line (a smile's upward curve), IOD, pose-normalised."""
    m = template_from_image(landmarks) if to_template is None else to_template
    pts = crop.apply_affine(m, landmarks[list(CORNERS + LIP_MIDDLE)])
    return float(0.5 * (pts[2, 1] + pts[3, 1]) - pts[:2, 1].mean())


def corner_drop(src: np.ndarray, dst: np.ndarray, to_template: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """How far the target lowers the mouth corners against the middle of the lips, compared with the source,
    IOD (mean of both corners; < 0 = raised). An opening jaw moves both alike: no drop.

    ``to_template``: both frames' :func:`~ned_core.render.mouth_index.template_from_image` when already computed.
    """
    m_src, m_dst = (None, None) if to_template is None else to_template
    return corner_height(src, m_src) - corner_height(dst, m_dst)


@lru_cache(maxsize=1)
def rest_corner_height() -> float:
    """Mouth corners above the middle of the lips on the mean face (IOD): a face at rest, no smile."""
    return corner_height(load_mean_face()[:, :2].astype(np.float64), None)


def relax_weight(src: np.ndarray, dst: np.ndarray, to_template: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """0..1: smooth in the corner drop from ``START_DROP_IOD`` (tracking noise, a smile kept) to ``FULL_DROP_IOD``,
    counting only the part that takes away a smile the source shows (its corners above the mean face's): an
    unsmiling actor made sad keeps the folds and wrinkles of the face."""
    m_src = None if to_template is None else to_template[0]
    smile = corner_height(src, m_src) - rest_corner_height()
    drop = min(corner_drop(src, dst, to_template), smile)
    return _smoothstep(drop, START_DROP_IOD, FULL_DROP_IOD)


def _smoothstep(x: float, start: float, full: float) -> float:
    t = float(np.clip((x - start) / (full - start), 0.0, 1.0))
    return t * t * (3.0 - 2.0 * t)


def fold_share(src: np.ndarray, dst: np.ndarray, to_template: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """0..1: how far the nasolabial fold is the smile's to take away. A target that raises the upper lip beyond
    the source's (disgust, AU9/AU10, deepens the same fold: Ekman & Friesen, *FACS* 1978) keeps it: 1 minus a
    smoothstep in the upper lip's shortening (subnasale to the lip's middle, IOD, pose-normalised) from
    ``START_RAISE_IOD`` to ``FULL_RAISE_IOD``. Measured on the astronaut speaking: disgusted shortens it by
    0.053-0.057 IOD, sad/neutral/angry lengthen it by 0.007-0.06 (keeping the fold there cost mouth-opening PCC:
    disgusted 0.89 -> 0.86)."""
    lengths = []
    for landmarks, m in zip((src, dst), (None, None) if to_template is None else to_template):
        m = template_from_image(landmarks) if m is None else m
        pts = crop.apply_affine(m, landmarks[[SUBNASALE, UPPER_LIP_TOP]])
        lengths.append(float(pts[1, 1] - pts[0, 1]))
    return 1.0 - _smoothstep(lengths[0] - lengths[1], START_RAISE_IOD, FULL_RAISE_IOD)


def _masks(dst: np.ndarray, box: tuple[int, int, int, int], iod: float,
           fold_share: float) -> tuple[np.ndarray, np.ndarray]:
    """``(h, w) float32`` 0..1 softening strength over ``box`` (folds, times ``fold_share``, and cheeks,
    soft-edged), and the part of it along the fold lines whose fine crease goes too."""
    x0, y0, x1, y1 = box
    fold = np.zeros((y1 - y0, x1 - x0), np.float32)
    cheek = np.zeros_like(fold)
    for chain, apple in zip(FOLD_CHAINS, CHEEKS):
        line = np.round((dst[list(chain)] - (x0, y0)) * 16).astype(np.int32)
        cv2.polylines(fold, [line], False, 1.0, max(1, round(FOLD_WIDTH_IOD * iod)), cv2.LINE_AA, 4)
        c = np.round((dst[apple] - (x0, y0)) * 16).astype(np.int32)
        r = max(1, round(CHEEK_RADIUS_IOD * iod))
        cv2.circle(cheek, (int(c[0]), int(c[1])), r * 16, 1.0, -1, cv2.LINE_AA, 4)
    soft = max(1.0, 0.04 * iod)
    # the lips keep their outline (the face mesh reads the mouth opening from it: speech stays readable)
    lips = np.zeros_like(fold)
    cv2.fillPoly(lips, [np.round((dst[list(LIPS_OUTER)] - (x0, y0)) * 16).astype(np.int32)], 1.0, cv2.LINE_8, 4)
    lips_outline = lips.copy()
    grow = 2 * max(1, round(LIPS_CLEAR_IOD * iod)) + 1
    lips = cv2.GaussianBlur(cv2.dilate(lips, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow))), (0, 0), soft)
    fold = FOLD_SOFTEN * fold_share * cv2.GaussianBlur(fold, (0, 0), soft)
    strength = (1.0 - lips) * np.maximum(fold, CHEEK_SOFTEN * cv2.GaussianBlur(cheek, (0, 0), 2 * soft))
    # the fold's fine crease is flattened only away from the lips (near them it moves the lips' outline as read)
    grow = 2 * max(1, round(CREASE_CLEAR_IOD * iod)) + 1
    near = cv2.dilate(lips_outline, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
    return strength, fold * (1.0 - cv2.GaussianBlur(near, (0, 0), soft))


def _coarse_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of ``image (h, w, C) float32`` by ``sigma`` pixels, computed at a quarter of the resolution
    when ``sigma`` is large (the result is smooth at that scale; 10x cheaper on a 1080p face)."""
    step = int(np.clip(sigma // 4, 1, 4))
    h, w = image.shape[:2]
    if step == 1 or min(h, w) < 4 * step:
        return cv2.GaussianBlur(image, (0, 0), sigma)
    small = cv2.resize(image, (-(-w // step), -(-h // step)), interpolation=cv2.INTER_AREA)
    return cv2.resize(cv2.GaussianBlur(small, (0, 0), sigma / step), (w, h), interpolation=cv2.INTER_LINEAR)


def _skin(dst: np.ndarray, box: tuple[int, int, int, int], iod: float) -> np.ndarray:
    """``(h, w) float32`` 1 on the face's skin inside its oval, 0 on the eyes, brows, lips and off the face."""
    x0, y0, x1, y1 = box
    skin = np.zeros((y1 - y0, x1 - x0), np.float32)
    outline = [np.round((dst[list(idx)] - (x0, y0)) * 16).astype(np.int32)
               for idx in (FACE_OVAL, LIPS_OUTER, RIGHT_EYE, LEFT_EYE, RIGHT_BROW, LEFT_BROW)]  # 4 subpixel bits
    cv2.fillPoly(skin, outline[:1], 1.0, cv2.LINE_AA, 4)
    holes = np.zeros_like(skin)
    cv2.fillPoly(holes, outline[2:], 1.0, cv2.LINE_AA, 4)
    grow = 2 * max(1, round(LIPS_CLEAR_IOD * iod)) + 1
    holes = cv2.dilate(holes, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
    cv2.fillPoly(holes, outline[1:2], 1.0, cv2.LINE_AA, 4)
    return skin * (1.0 - holes)


def _sides(dst: np.ndarray, box: tuple[int, int, int, int], iod: float) -> tuple[np.ndarray, np.ndarray]:
    """``(h, w) float32`` soft split of ``box`` into the face's right and left halves (sum 1), about the line
    through the nose tip square to the cheeks."""
    x0, y0, x1, y1 = box
    across = dst[CHEEKS[1]] - dst[CHEEKS[0]]
    across = across / max(float(np.linalg.norm(across)), 1e-6)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    left = np.clip(0.5 + ((xx - dst[NOSE_TIP, 0]) * across[0] + (yy - dst[NOSE_TIP, 1]) * across[1])
                   / (0.1 * iod), 0.0, 1.0)
    return 1.0 - left, left


def _along_lines(texture: np.ndarray, iod: float) -> np.ndarray:
    """``(h, w) float32``: the part of ``texture (h, w) float32`` that runs along lines (a fold's edge, a crease under
    the eye, a bulge's rim): ``texture`` averaged along its local orientation (the structure tensor's, over
    ``ORIENT_WINDOW_IOD``; a Gaussian of ``ALONG_SIGMA_IOD`` along it), times the orientation's coherence (1 along a
    line; over the cheeks' mottling ~0.3, over scattered freckles ~0: their gradients point every way)."""
    gx = cv2.Sobel(texture, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(texture, cv2.CV_32F, 0, 1, ksize=3)
    window = max(1.0, ORIENT_WINDOW_IOD * iod)
    jxx, jxy, jyy = np.moveaxis(_coarse_blur(np.dstack([gx * gx, gx * gy, gy * gy]), window), 2, 0)
    coherence = ((jxx - jyy) ** 2 + 4.0 * jxy * jxy) / np.maximum((jxx + jyy) ** 2, 1e-20)
    angle = 0.5 * np.arctan2(2.0 * jxy, jxx - jyy) + 0.5 * np.pi  # square to the mean gradient: along the line
    dx, dy = np.cos(angle), np.sin(angle)
    yy, xx = np.mgrid[0 : texture.shape[0], 0 : texture.shape[1]].astype(np.float32)
    sigma = max(1.0, ALONG_SIGMA_IOD * iod)
    steps = np.linspace(-2.0, 2.0, 9, dtype=np.float32) * sigma
    weights = np.exp(-0.5 * (steps / sigma) ** 2)
    along = sum(wt * cv2.remap(texture, xx + t * dx, yy + t * dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
                for t, wt in zip(steps, weights))
    return coherence * along / float(weights.sum())


def _skin_texture(fine: np.ndarray, lum: np.ndarray, lines: np.ndarray, iod: float) -> np.ndarray:
    """``(h, w) float32`` log luma: the freckles and mottling of ``fine (h, w)`` (log luma, finer than the texture
    blur) that the flattening gives back, off the fold lines (``lines (h, w)``); ``lum (h, w)`` the linear luma.

    A smile's shading and a cheek's mottling share the scales of 0.06-0.15 IOD (3-6 px at IOD 44 px: no blur
    separates them; giving that band back brought the smile back). They differ in shape, which three steps use:
    ``fine`` against its median over ``TEXTURE_MEDIAN_IOD`` (spots smaller than the window leave the median, a
    broad bulge and a fold's edge stay in it); the part of that along lines taken out (:func:`_along_lines`: a
    crease, a rim); and what is left scaled by how balanced it is around zero locally (1 minus |mean| over rms, over
    ``BALANCE_IOD``): mottling is light and dark in turn, what the median leaves of a bulge's apex is one-signed (to
    ``BALANCE_POWER``).
    """
    k = 2 * max(1, round(TEXTURE_MEDIAN_IOD * iod)) + 1
    # cv2 takes large medians of 8 bits only: ``fine`` about a blur 3x wider than the window, over +-MEDIAN_RANGE_LOG
    offset = np.log(np.maximum(_coarse_blur(lum, 3 * k), 1e-6))
    step = 2.0 * MEDIAN_RANGE_LOG / 255.0
    levels = np.round((np.clip(fine - offset, -MEDIAN_RANGE_LOG, MEDIAN_RANGE_LOG) + MEDIAN_RANGE_LOG) / step)
    median = cv2.medianBlur(levels.astype(np.uint8), k).astype(np.float32) * step - MEDIAN_RANGE_LOG + offset
    texture = (fine - cv2.GaussianBlur(median, (0, 0), 0.1 * k)).astype(np.float32)  # blurred: no 8-bit steps
    texture -= _along_lines(texture, iod)
    window = max(1.0, BALANCE_IOD * iod)
    mean, power = np.moveaxis(_coarse_blur(np.dstack([texture, texture * texture]), window), 2, 0)
    rms = np.sqrt(np.maximum(power, 1e-12))
    return texture * np.clip(1.0 - np.abs(mean) / rms, 0.0, 1.0) ** BALANCE_POWER * (1.0 - lines)


def relax_smile(rgb: np.ndarray, box: tuple[int, int, int, int], dst: np.ndarray, weight: float,
                fold: float = 1.0) -> np.ndarray:
    """Flatten the fold and cheek shading of ``rgb (h, w, 3) float32`` (scene-linear) over ``box`` by ``weight``.

    The shading is flattened by a smooth gain (:func:`_log_gain`). On a face wider than ``WORK_IOD`` it is computed on
    the face reduced by a whole factor to about that size and scaled back up (IOD 176 px: 73 -> 19 ms CPU, the result
    within ~0.5 of an 8-bit code on the mean; the skin's detail finer than the gain is the full-size frame's).

    ``dst`` (``(>= 468, 2)`` frame pixels) places the regions; ``weight`` 0..1; ``fold`` 0..1 the folds' share
    (:func:`fold_share`). Returns a new array (``rgb`` itself at weight 0).
    """
    if weight <= 0.0:
        return rgb
    iod = float(interocular_distance(dst))
    pts = dst[list(CORNERS + NOSE_WINGS + CHEEKS)]
    pad = 0.6 * iod
    bx0, by0, bx1, by1 = box
    x0, y0 = max(int(pts[:, 0].min() - pad), bx0), max(int(pts[:, 1].min() - pad), by0)
    x1, y1 = min(int(pts[:, 0].max() + pad) + 1, bx1), min(int(pts[:, 1].max() + pad) + 1, by1)
    if x1 <= x0 or y1 <= y0:
        return rgb
    sub = rgb[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    local = np.asarray(dst, np.float64)[:, :2] - (x0, y0)
    step = max(1, int(iod // WORK_IOD))
    h, w = sub.shape[:2]
    if step == 1 or min(h, w) < 8 * step:
        log_gain, skin = _log_gain(sub, local, iod, weight, fold)
    else:  # reduced pixel i covers i * step .. (i + 1) * step - 1: a point's place is (local - (step - 1) / 2) / step
        padded = cv2.copyMakeBorder(sub, 0, -h % step, 0, -w % step, cv2.BORDER_REFLECT)
        small = cv2.resize(padded, (padded.shape[1] // step, padded.shape[0] // step), interpolation=cv2.INTER_AREA)
        log_gain, skin = _log_gain(small, (local - 0.5 * (step - 1)) / step, iod / step, weight, fold)
        # carried a pixel beyond the skin's edge before scaling up, cut there at full size (the skin's outline and
        # the hair or background beside it stay exactly as they were)
        spread = cv2.GaussianBlur(np.dstack([log_gain * skin[:, :, None], skin]), (0, 0), 1.0)
        log_gain = np.where(skin[:, :, None] > 0.0, log_gain, spread[:, :, :3] / np.maximum(spread[:, :, 3:], 1e-3))
        log_gain = cv2.resize(log_gain, (padded.shape[1], padded.shape[0]), interpolation=cv2.INTER_LINEAR)[:h, :w]
        skin = _skin(local, (0, 0, w, h), iod)
    out = rgb.copy()
    out[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0] = sub * np.exp(log_gain * skin[:, :, None])
    return out


def _log_gain(sub: np.ndarray, dst: np.ndarray, iod: float, weight: float,
              fold: float) -> tuple[np.ndarray, np.ndarray]:
    """``(h, w, 3) float32`` the log factor that flattens the fold and cheek shading of ``sub (h, w, 3) float32``
    (scene-linear) where the skin is, and the skin ``(h, w) float32`` 0..1 (:func:`_skin`) it is to be multiplied by
    (its sharp edge); ``dst (>= 468, 2)`` in ``sub``'s pixels, ``iod`` px.

    On the luma, the band between the skin's texture and its coarse light is flattened in log, and the same gain
    scales all three channels: each pixel keeps its hue and saturation, only its lightness changes (flattened per
    channel, the warmer, more saturated shadow beside a smile's cheek bulge was lifted bluer than it was red:
    astronaut still made neutral, outer cheek R x1.26, B x1.46 in linear light, the bluish grey blobs of the
    contact sheets). The coarse light is the skin's own (normalised convolution over the face oval without eyes,
    brows and lips: hair, background and teeth do not darken it), and the band's mean over each side's softened
    skin is kept (each cheek keeps its mean level; the light is redistributed, not dimmed).

    Along the fold lines the band reaches down to their fine crease (``CREASE_SIGMA_IOD``, away from the lips).
    Off them the skin's freckles and mottling stay (:func:`_skin_texture`).
    """
    area = (0, 0, sub.shape[1], sub.shape[0])
    skin = _skin(dst, area, iod)
    # zero off the skin, fading in over its edge
    strength, lines = _masks(dst, area, iod, fold)
    strength = weight * strength * cv2.GaussianBlur(skin, (0, 0), max(1.0, 0.04 * iod))  # times ``skin``: the caller's
    sigma = max(1.0, SHADING_SIGMA_IOD * iod)
    texture = np.maximum(cv2.GaussianBlur(sub, (0, 0), max(0.7, TEXTURE_SIGMA_IOD * iod)), 1e-6)
    crease = np.maximum(cv2.GaussianBlur(sub, (0, 0), max(0.5, CREASE_SIGMA_IOD * iod)), 1e-6)
    low = _coarse_blur(np.dstack([sub * skin[:, :, None], skin]), sigma)
    low_rgb = np.maximum(low[:, :, :3], 1e-6) / np.maximum(low[:, :, 3:], 1e-3)
    # the band between the texture and the skin's coarse light, in log: of the luma (``band``), and per channel
    # its colour beside the luma's (``tint``); along the fold lines the band reaches down to their creases
    fine = np.log(np.maximum(luma(texture), 1e-6))
    fine += lines * (np.log(np.maximum(luma(crease), 1e-6)) - fine)
    band = fine - np.log(np.maximum(luma(low_rgb), 1e-6))
    tint = np.log(texture) + lines[:, :, None] * (np.log(crease) - np.log(texture)) - np.log(low_rgb)
    tint -= band[:, :, None]
    # each flattened by its strength about its mean over the softened skin (the cheeks keep their mean level and
    # colour); the colour only along the fold lines and where the band brightens (a crease's warm shadow lifted in
    # lightness alone is an orange line, a cheek's whitish sheen dimmed alone a grey spot; a broad cheek shadow
    # flattened per channel was lifted bluer than red: a grey cheek)
    chroma = strength * np.maximum(lines, np.clip(band / SHEEN_LOG, 0.0, 1.0))
    for side in _sides(dst, area, iod):  # each cheek and fold keeps its own mean
        w = strength * skin * side
        band -= side * (float(np.sum(w * band)) / max(float(np.sum(w)), 1e-6))
        w = (chroma * skin * side)[:, :, None]
        tint -= side[:, :, None] * (np.sum(w * tint, axis=(0, 1)) / max(float(np.sum(w)), 1e-6))
    band -= _skin_texture(fine, np.ascontiguousarray(luma(sub)), lines, iod)  # freckles and mottling: kept
    return (-(strength * band)[:, :, None] - chroma[:, :, None] * tint).astype(np.float32), skin
