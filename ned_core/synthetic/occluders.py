"""Things that pass in front of a test clip's face, cut from the real photos installed packages ship.

An occluder is painted into a frame over an ellipse-sized region (centre and half-axes in frame pixels) and reports
the pixels it hides. Kinds (:data:`OCCLUDERS`):

- "flat": a flat skin-toned ellipse (the original test hand; its colour differs from every actor's skin).
- "skin": a hand (palm, four fingers, thumb) textured with real skin cut from the OTHER actor's photo (the light and
  shade of a cheek: lines, pores) in this actor's own skin tone, shaded like a rounded volume: skin in front of the
  same skin.
- "head": the other actor's face (its photo's face, cut in an oval) crossing in front: textured, face-like.
- "glass": a drinking glass: the face seen through it refracted (mirrored and squeezed), slightly tinted, with a
  bright highlight and a darker rim: mostly the face's own colours, displaced.
- "cup": scikit-image's coffee cup photo (a real, textured, non-skin object) held up to the mouth.

Typical use::

    paint = occluder_painter("skin", "astronaut", boxes)    # once per shot
    cover = paint(frame, centre, axes)                      # per frame: paints in place, (H, W) bool hidden
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from ned_core.exceptions import SyntheticActorError
from ned_core.synthetic.photos import SAMPLE_PHOTOS, sample_photo

OCCLUDERS = ("flat", "skin", "head", "glass", "cup")
HAND_RGB = (196, 140, 112)
_SPRITE = (120, 160)  # sprites are drawn at this (width, height), then scaled to the occluder's box
#: per photo, a patch of bare cheek (fractions of the face box: no glasses, teeth or fold lines' shadow)
_CHEEK = {"grace_hopper": (0.1, 0.6, 0.38, 0.85), "astronaut": (0.06, 0.42, 0.3, 0.62)}
_COVERED = 0.5  # a pixel counts as hidden where the occluder's opacity reaches this

#: ``paint(frame (H, W, 3) uint8 modified in place, centre (2,), half-axes (2,)) -> (H, W) bool hidden``
Painter = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def ellipse_mask(size: tuple[int, int], centre: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """``(h, w) bool`` a filled ellipse on a frame of ``size`` (width, height)."""
    m = np.zeros((size[1], size[0]), np.uint8)
    cv2.ellipse(m, (int(centre[0]), int(centre[1])), (max(int(axes[0]), 1), max(int(axes[1]), 1)), 0, 0, 360, 1, -1)
    return m.astype(bool)


def _hand_alpha() -> np.ndarray:
    """``(H, W) float32`` a raised hand's silhouette on the sprite canvas (palm low, fingers up, thumb aside)."""
    w, h = _SPRITE
    m = np.zeros((h, w), np.uint8)
    cv2.ellipse(m, (w // 2, int(0.72 * h)), (int(0.36 * w), int(0.26 * h)), 0, 0, 360, 1, -1)  # palm
    for k, (x, top) in enumerate(((0.2, 0.14), (0.4, 0.04), (0.6, 0.06), (0.78, 0.16))):  # fingers
        cv2.line(m, (int(x * w), int(0.6 * h)), (int((x + 0.02 * (k - 1.5)) * w), int(top * h)), 1, int(0.15 * w))
    cv2.line(m, (int(0.2 * w), int(0.75 * h)), (int(0.02 * w), int(0.5 * h)), 1, int(0.16 * w))  # thumb
    return cv2.GaussianBlur(m.astype(np.float32), (0, 0), 1.0)


def _shading(alpha: np.ndarray) -> np.ndarray:
    """``(H, W) float32`` light falling off towards a volume's outline (rounded, as a hand or a head is)."""
    inside = cv2.distanceTransform((alpha > 0.5).astype(np.uint8), cv2.DIST_L2, 5)
    return (0.7 + 0.3 * np.clip(inside / max(float(inside.max()), 1.0), 0, 1) ** 0.5).astype(np.float32)


def _other(actor: str) -> str:
    return next(a for a in SAMPLE_PHOTOS if a != actor)


def _cut(photo: np.ndarray, box: np.ndarray, part: tuple[float, float, float, float]) -> np.ndarray:
    """``photo``'s region ``part`` (x0, y0, x1, y1 as fractions of ``box``) resized to the sprite, float32."""
    x0, y0, x1, y1 = box
    fw, fh = x1 - x0, y1 - y0
    px0, py0 = int(x0 + part[0] * fw), int(y0 + part[1] * fh)
    px1, py1 = int(x0 + part[2] * fw), int(y0 + part[3] * fh)
    region = photo[max(py0, 0):max(py1, 1), max(px0, 0):max(px1, 1)]
    shrink = region.shape[1] >= _SPRITE[0]
    return cv2.resize(region, _SPRITE, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC).astype(np.float32)


def _skin_sprite(actor: str, boxes: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    other = _other(actor)
    patch = _cut(sample_photo(other), boxes[other], _CHEEK[other]).mean(axis=-1)  # the other actor's cheek
    own = _cut(sample_photo(actor), boxes[actor], _CHEEK[actor]).reshape(-1, 3).mean(axis=0)
    # its lines and pores as light and shade over this actor's skin tone
    texture = own * (patch / max(float(patch.mean()), 1.0))[..., None] ** 0.8
    alpha = _hand_alpha()
    shading = _shading(alpha)
    shading /= float(shading[alpha > _COVERED].mean())  # on average exactly this actor's skin tone
    return texture * shading[..., None], alpha


def _head_sprite(actor: str, boxes: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    other = _other(actor)
    face = _cut(sample_photo(other), boxes[other], (-0.08, -0.1, 1.08, 1.08))
    w, h = _SPRITE
    alpha = np.zeros((h, w), np.float32)
    cv2.ellipse(alpha, (w // 2, h // 2), (int(0.48 * w), int(0.48 * h)), 0, 0, 360, 1.0, -1)
    return face, cv2.GaussianBlur(alpha, (0, 0), 1.5)


def _cup_sprite() -> tuple[np.ndarray, np.ndarray]:
    import skimage.data

    cup = cv2.resize(skimage.data.coffee()[10:300, 165:420], _SPRITE, interpolation=cv2.INTER_AREA)
    w, h = _SPRITE
    alpha = np.zeros((h, w), np.float32)
    cv2.ellipse(alpha, (w // 2, h // 2), (int(0.48 * w), int(0.48 * h)), 0, 0, 360, 1.0, -1)
    return cup.astype(np.float32), cv2.GaussianBlur(alpha, (0, 0), 1.0)


def _sprite_painter(rgb: np.ndarray, alpha: np.ndarray) -> Painter:
    def paint(frame: np.ndarray, centre: np.ndarray, axes: np.ndarray) -> np.ndarray:
        return _paste(frame, rgb, alpha, centre, axes)
    return paint


def _paste(frame: np.ndarray, rgb: np.ndarray, alpha: np.ndarray, centre: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """Composites a sprite scaled to the box ``centre +- axes`` over ``frame``; the hidden pixels."""
    h, w = frame.shape[:2]
    sw, sh = max(int(2 * axes[0]), 2), max(int(2 * axes[1]), 2)
    x0, y0 = int(round(centre[0] - sw / 2)), int(round(centre[1] - sh / 2))
    rgb_s = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_LINEAR)
    alpha_s = cv2.resize(alpha, (sw, sh), interpolation=cv2.INTER_LINEAR)
    fx0, fy0, fx1, fy1 = max(x0, 0), max(y0, 0), min(x0 + sw, w), min(y0 + sh, h)
    cover = np.zeros((h, w), bool)
    if fx1 <= fx0 or fy1 <= fy0:
        return cover
    a = alpha_s[fy0 - y0:fy1 - y0, fx0 - x0:fx1 - x0, None]
    under = frame[fy0:fy1, fx0:fx1].astype(np.float32)
    frame[fy0:fy1, fx0:fx1] = np.clip(a * rgb_s[fy0 - y0:fy1 - y0, fx0 - x0:fx1 - x0] + (1 - a) * under, 0, 255)
    cover[fy0:fy1, fx0:fx1] = a[..., 0] >= _COVERED
    return cover


def _glass(frame: np.ndarray, centre: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """A glass held in front of the face (a tall rounded box, 0.8 times the given width): what lies behind it is
    seen mirrored and squeezed (refraction), tinted, with a highlight and a darker rim."""
    h, w = frame.shape[:2]
    ax, ay = 0.8 * axes[0], axes[1]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = (xs - centre[0]) / max(ax, 1.0), (ys - centre[1]) / max(ay, 1.0)
    inside = (np.abs(u) ** 4 + np.abs(v) ** 4) <= 1.0  # a rounded box
    if not inside.any():
        return inside
    refracted = cv2.remap(frame, (centre[0] - 0.6 * (xs - centre[0])).astype(np.float32),
                          (centre[1] + 0.9 * (ys - centre[1])).astype(np.float32), cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT).astype(np.float32)
    glass = 0.8 * refracted * np.array([0.9, 0.97, 0.95], np.float32) + 0.2 * 200.0
    glass += (120.0 * np.exp(-((u + 0.45) / 0.12) ** 2))[..., None]  # highlight
    rim = cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    glass[inside & ~rim] *= 0.55
    frame[inside] = np.clip(glass[inside], 0, 255).astype(np.uint8)
    return inside


def occluder_painter(kind: str, actor: str, boxes: dict[str, np.ndarray]) -> Painter:
    """The painter of an occluder ``kind`` passing in front of ``actor`` (``boxes``: each photo's face box).

    Raises:
        SyntheticActorError: unknown kind.
    """
    if kind == "flat":
        def flat(frame: np.ndarray, centre: np.ndarray, axes: np.ndarray) -> np.ndarray:
            cover = ellipse_mask((frame.shape[1], frame.shape[0]), centre, axes)
            frame[cover] = HAND_RGB
            return cover
        return flat
    if kind == "glass":
        return _glass
    if kind == "skin":
        return _sprite_painter(*_skin_sprite(actor, boxes))
    if kind == "head":
        return _sprite_painter(*_head_sprite(actor, boxes))
    if kind == "cup":
        return _sprite_painter(*_cup_sprite())
    raise SyntheticActorError(f"unknown occluder {kind!r}; choose one of {', '.join(OCCLUDERS)}")
