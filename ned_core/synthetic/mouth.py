"""Paint an open mouth's interior inside a warped face's inner lip contour: teeth, cavity and tongue, lit like the face.

The interior is laid out in face units (inter-ocular distances, IOD) from the middle of the mouth, so the
teeth are rigid (a smile shows more of them, it does not stretch them) and stay put from frame to frame:

* upper teeth hang below the upper inner lip: incisors, canines and premolars of real widths (projected onto a
  frontal view) and lengths, each with a rounded incisal edge and a faint gap to its neighbours, in the upper
  lip's shadow at the top, greyer at the translucent edge, darker the further back along the arch they sit;
* the buccal corridors: toward the mouth corners teeth and cavity fall into shadow;
* the lower incisors' tips show above the lower lip only once the jaw opens (or always, for an actor whose photo is
  parted on them), and a tongue rises from the floor of a wide-open mouth; behind them a dark, warm cavity.

Colours are albedos multiplied by the photo's light, estimated from its skin (:func:`mouth_look`), so the teeth
carry the photo's exposure and colour cast; a grade applied to the frames afterwards applies to them as to the
skin.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.exceptions import SyntheticActorError
from ned_core.face3d.falloff import smoothstep

TOOTH_SRGB = (240, 226, 210)  # enamel under the light that gives REFERENCE_SKIN_SRGB (the astronaut photo's teeth)
CAVITY_SRGB = (40, 14, 16)  # dark red-brown
TONGUE_SRGB = (150, 66, 68)
REFERENCE_SKIN_SRGB = (228, 190, 166)  # skin under neutral light (the astronaut photo's cheeks)
SKIN_POINTS = (205, 425, 50, 280, 199)  # MediaPipe cheek and chin points whose colour gives the light
# upper teeth from the midline outward: right edge of each tooth seen from the front (IOD; central incisor 8.5 mm,
# lateral 6.5, canine, two premolars, foreshortened by the arch; IOD ~ 63 mm) and visible length (x UPPER_TEETH_IOD)
UPPER_EDGES_IOD = (0.135, 0.238, 0.317, 0.381, 0.437)
UPPER_LENGTHS = (1.0, 0.8, 0.9, 0.7, 0.58)
UPPER_TEETH_IOD = 0.075  # how far the central incisors reach below the upper inner lip
LOWER_EDGES_IOD = (0.085, 0.165, 0.245)  # lower incisors and canine
LOWER_TEETH_IOD = 0.04  # how far the lower incisors' tips can rise above the lower inner lip
LOWER_SHOW_IOD = (0.1, 0.22)  # opening (IOD) over which the lower tips come out from behind the lip
LOWER_SHADE = 0.55  # the lower teeth's light, in the shadow of the upper ones
PHOTO_SHOWS_LOWER_IOD = (0.03, 0.1)  # a photo's own opening over which its lower teeth are taken to show
TONGUE_SHOW_IOD = (0.08, 0.2)  # opening over which the tongue rises into view
TONGUE_RISE = 0.35  # share of the opening the tongue's top fills at the middle
LIP_SHADOW_IOD = 0.022  # depth over which the upper lip's shadow on the teeth fades
GAP_IOD = 0.005  # half-width of the dark line between neighbouring teeth (0.3 mm)
LENGTH_JITTER = 0.06  # seeded per-tooth variation of length and shade
_SHIFT = 4  # cv2 sub-pixel bits


@dataclass(frozen=True)
class MouthLook:
    """One actor's mouth: the light on the face and its teeth.

    Attributes:
        light: ``(3,)`` linear RGB light relative to the reference skin's (1 = the astronaut photo's light).
        upper_lengths: ``(5,)`` visible length of each upper tooth from the midline out (x ``UPPER_TEETH_IOD``),
            the same on both sides.
        shades: ``(2, 5)`` brightness of each upper tooth, image left and right half.
        lower_teeth: 0..1, how far the lower teeth show at any opening: an actor whose photo is parted on the
            teeth shows them (the warp carries the photo's band of lower teeth along under the inner lip, so the
            painted interior continues it); otherwise they come out only as the jaw opens wide.
    """

    light: np.ndarray
    upper_lengths: np.ndarray
    shades: np.ndarray
    lower_teeth: float


def _linear(srgb: tuple[int, ...] | np.ndarray) -> np.ndarray:
    return (np.asarray(srgb, np.float32) / 255.0) ** 2.2


def mouth_look(photo: np.ndarray, landmarks: np.ndarray, seed: int) -> MouthLook:
    """The mouth of the face in ``photo``: light from its skin colour, teeth varied by ``seed``, lower teeth shown
    where the photo's own mouth is parted (:data:`PHOTO_SHOWS_LOWER_IOD`).

    The light's brightness is the skin's over the reference skin's (bounded to 0.35..1.25, so that a darker
    skin does not paint black teeth), its colour cast half the skin's (skin colour is partly its own).

    Args:
        photo: ``(H, W, 3) uint8`` sRGB.
        landmarks: ``(N >= 468, 2+)`` the photo's face landmarks (pixels).
        seed: teeth variation.

    Raises:
        SyntheticActorError: the skin points are outside the photo.
    """
    h, w = photo.shape[:2]
    patches = []
    for x, y in np.round(np.asarray(landmarks)[list(SKIN_POINTS), :2]).astype(int):
        if not (0 <= x < w and 0 <= y < h):
            raise SyntheticActorError(f"mouth_look: skin point ({x}, {y}) outside the {w}x{h} photo")
        patches.append(photo[max(y - 4, 0):y + 5, max(x - 4, 0):x + 5].reshape(-1, 3))
    ratio = _linear(np.median(np.concatenate(patches), axis=0)) / _linear(REFERENCE_SKIN_SRGB)
    brightness = float(ratio @ np.array([0.2126, 0.7152, 0.0722], np.float32))
    light = np.clip(brightness, 0.35, 1.25) * np.sqrt(ratio / max(brightness, 1e-6))
    rng = np.random.default_rng([seed, 29])
    lengths = np.asarray(UPPER_LENGTHS) * (1.0 + LENGTH_JITTER * rng.uniform(-1.0, 1.0, len(UPPER_LENGTHS)))
    shades = 1.0 + LENGTH_JITTER * rng.uniform(-1.0, 1.0, (2, len(UPPER_LENGTHS)))
    points = np.asarray(landmarks)[:, :2]
    opening = mouth_height(points[list(LIPS_INNER)]) / float(interocular_distance(points))
    return MouthLook(light.astype(np.float32), lengths, shades, float(smoothstep(*PHOTO_SHOWS_LOWER_IOD, opening)))


def mouth_height(inner_lips: np.ndarray) -> float:
    """Mean opening of a mouth: area of the inner lip polygon ``(N, 2)`` over its width (pixels)."""
    x, y = inner_lips[:, 0], inner_lips[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    return area / max(float(np.ptp(x)), 1e-6)


def _mask(shape: tuple[int, int], polygon: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape, np.float32)
    cv2.fillPoly(mask, [np.round(polygon * (1 << _SHIFT)).astype(np.int32)], 1.0, cv2.LINE_AA, _SHIFT)
    return mask


def _teeth(x: np.ndarray, depth: np.ndarray, edges: tuple[float, ...], lengths: np.ndarray, px: float):
    """Coverage and index of a row of teeth at mouth coordinates ``x`` (IOD from the midline, signed) and
    ``depth`` (IOD from the lip they grow out of); ``px``: one pixel in IOD. Returns (coverage, tooth, dark):
    anti-aliased cover 0..1, the tooth's index (-1 beyond the last), darkening 0..1 of the gaps between teeth
    and of each tooth's rounded sides."""
    bounds = np.concatenate([[0.0], edges])
    ax = np.abs(x)
    tooth = np.searchsorted(bounds, ax, side="right") - 1
    tooth = np.where(ax < bounds[-1], tooth, -1)
    k = np.clip(tooth, 0, len(edges) - 1)
    inner, outer = bounds[k], bounds[k + 1]
    across = np.abs(2.0 * (ax - inner) / (outer - inner) - 1.0)  # 0 mid-tooth, 1 at its sides
    reach = lengths[k] * (1.0 - 0.15 * across ** 6)  # rounded incisal corners
    cover = np.clip((reach - depth) / px + 0.5, 0.0, 1.0) * (tooth >= 0)
    gap = np.minimum(ax - inner, outer - ax) / max(GAP_IOD, 0.5 * px)  # distance to the nearest boundary
    towards_edge = np.clip(depth / np.maximum(reach, 1e-6), 0.0, 1.0)
    return cover, tooth, np.exp(-gap ** 2) * (0.1 + 0.25 * towards_edge) + 0.1 * across ** 2


def paint_mouth(frame: np.ndarray, upper_arc: np.ndarray, lower_arc: np.ndarray, iod_px: float, opacity: float,
                look: MouthLook) -> None:
    """Paint the mouth interior in place, inside the inner lip polygon (anti-aliased, softened by one pixel).

    Args:
        frame: ``(H, W, 3) uint8`` sRGB image, changed in place.
        upper_arc: ``(n, 2)`` upper inner lip contour, corner to corner, in pixels.
        lower_arc: ``(m, 2)`` lower inner lip contour, from the corner where ``upper_arc`` ends.
        iod_px: inter-ocular distance in pixels (teeth scale with the face).
        opacity: 0..1, how much of the interior replaces what is there.
        look: the actor's light and teeth (:func:`mouth_look`).
    """
    if opacity <= 0.0:
        return
    polygon = np.concatenate([upper_arc, lower_arc])
    x0, y0 = np.maximum(np.floor(polygon.min(axis=0)).astype(int) - 2, 0)
    x1, y1 = np.minimum(np.ceil(polygon.max(axis=0)).astype(int) + 3, frame.shape[1::-1])
    if x1 <= x0 or y1 <= y0:
        return
    inside = _mask((y1 - y0, x1 - x0), polygon - [x0, y0])
    gy, gx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    colour = _interior(_MouthCoords.of(np.stack([gx, gy], axis=-1), upper_arc, lower_arc, iod_px), look, 1.0 / iod_px)
    srgb = 255.0 * np.clip(colour * look.light, 0.0, 1.0) ** (1 / 2.2)
    alpha = opacity * cv2.GaussianBlur(inside, (3, 3), 0)[:, :, None]
    region = frame[y0:y1, x0:x1]
    region[:] = np.round(region * (1.0 - alpha) + srgb * alpha).astype(np.uint8)


@dataclass(frozen=True)
class _MouthCoords:
    """Per pixel ``(h, w)``: ``along`` the corner-to-corner axis from the mouth's middle, depth ``from_upper``
    below the upper inner lip and ``from_lower`` above the lower one (IOD); ``corridor`` 1 in the middle, 0 in
    the buccal corridors; ``mid_open`` the opening at the middle (IOD)."""

    along: np.ndarray
    from_upper: np.ndarray
    from_lower: np.ndarray
    corridor: np.ndarray
    mid_open: float

    @staticmethod
    def of(points: np.ndarray, upper_arc: np.ndarray, lower_arc: np.ndarray, iod_px: float) -> _MouthCoords:
        corners = sorted((upper_arc[0], upper_arc[-1]), key=lambda p: p[0])
        centre, axis = (corners[0] + corners[1]) / 2, corners[1] - corners[0]
        half = max(float(np.linalg.norm(axis)) / 2, 1e-6)
        frame = np.stack([axis / (2 * half), [-axis[1] / (2 * half), axis[0] / (2 * half)]], axis=1)
        along, across = np.moveaxis((points - centre) @ frame / iod_px, -1, 0)
        top, bottom = (((arc - centre) @ frame / iod_px) for arc in (upper_arc, lower_arc))
        top, bottom = top[np.argsort(top[:, 0])], bottom[np.argsort(bottom[:, 0])]
        corridor = 1.0 - smoothstep(0.6, 0.92, np.abs(along) * iod_px / half)
        mid_open = float(np.interp(0.0, *bottom.T) - np.interp(0.0, *top.T))
        return _MouthCoords(along, across - np.interp(along, *top.T), np.interp(along, *bottom.T) - across, corridor,
                            mid_open)


def _interior(m: _MouthCoords, look: MouthLook, px: float) -> np.ndarray:
    """Linear colour ``(h, w, 3)`` (before the light) of cavity, tongue, lower and upper teeth; ``px``: a pixel in
    IOD."""
    opening = np.maximum(m.from_upper + m.from_lower, px)
    colour = _linear(CAVITY_SRGB) * (0.6 + 0.4 * np.clip(m.from_upper / opening, 0, 1))[..., None]
    tongue_top = TONGUE_RISE * m.mid_open * smoothstep(*TONGUE_SHOW_IOD, m.mid_open) * (1.0 - (m.along / 0.3) ** 2)
    tongue = np.clip((tongue_top - m.from_lower) / px + 0.5, 0.0, 1.0)
    tongue_shade = 0.25 + 0.25 * np.clip(1.0 - m.from_lower / np.maximum(tongue_top, px), 0, 1)
    colour += tongue[..., None] * (_linear(TONGUE_SRGB) * tongue_shade[..., None] - colour)

    shown = max(look.lower_teeth, float(smoothstep(*LOWER_SHOW_IOD, m.mid_open)))
    lower_reach = np.full(len(LOWER_EDGES_IOD), LOWER_TEETH_IOD * shown)
    low, _, low_dark = _teeth(m.along, m.from_lower, LOWER_EDGES_IOD, lower_reach, px)
    colour += low[..., None] * (_linear(TOOTH_SRGB) * LOWER_SHADE * (1.0 - low_dark)[..., None] - colour)

    lengths = UPPER_TEETH_IOD * look.upper_lengths
    up, tooth, up_dark = _teeth(m.along, m.from_upper, UPPER_EDGES_IOD, lengths, px)
    k = np.clip(tooth, 0, len(UPPER_EDGES_IOD) - 1)
    shade = look.shades[(m.along > 0).astype(int), k] * (1.0 - up_dark)
    shade *= 1.0 - 0.55 * np.exp(-np.maximum(m.from_upper, 0.0) / LIP_SHADOW_IOD)  # the upper lip's shadow
    shade *= 1.0 - 0.35 * (np.abs(m.along) / UPPER_EDGES_IOD[-1]) ** 2  # further back along the arch
    edge = smoothstep(0.012, 0.0, lengths[k] - m.from_upper)  # translucent incisal edge
    enamel = _linear(TOOTH_SRGB) * (1.0 - edge[..., None] * np.array([0.3, 0.25, 0.15], np.float32))
    colour += up[..., None] * (enamel * shade[..., None] - colour)

    deep = 0.5 * _linear(CAVITY_SRGB)
    return deep + m.corridor[..., None] * (colour - deep)
