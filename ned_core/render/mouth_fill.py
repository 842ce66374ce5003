"""Fill a mouth opened wider than the source: retrieved from the shot's own frames, split between the lips (over a
stored mouth's interior where the shot has one), or synthesised dark."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.face3d.falloff import smoothstep
from ned_core.render.base import MOUTH_RETRIEVED, MOUTH_SPLIT, MOUTH_SYNTHESISED
from ned_core.render.config import RenderConfig
from ned_core.render.jaw_split import anchored_share, split_interior, teeth_end
from ned_core.render.lip_edge import LOWER_INNER, LOWER_OUTER, lip_edge_outline, parted
from ned_core.render.luma import luma
from ned_core.render.mouth_index import MouthIndex, colour_gain, mouth_shape, patch_from_image
from ned_core.render.warp import backward_map, remap, triangulate

EDGE_FEATHER_IOD = 0.02  # soft edge of the filled interior, inside the inner-lip outline
REACH_DROP = (0.02, 0.04)  # IOD the target drops the lower lip by: the fill starts / fully reaches the real lip edge
STRETCH_BAND = 0.05  # share of a stored opening, either side of its darkest row, that stretches to a wider one
LOWER_BAND = 0.2  # share of the source opening, above its lower lip, that a split over a stored mouth keeps: the
# words' own lower lip edge (speaking astronaut made surprised, mouth PCC 0.93 / 0.96 / 0.96 at 0.35 / 0.2 / 0.1)
SPLIT_REACH = 0.5  # an open source mouth whose lower lip the target drops this far (reach_share) is split
SPLIT_OPEN_IOD = 0.03  # the lips' mean gap grown this much over the source's: a split is made fully (below, part of
# the way: ``jaw_split.split_interior``'s ``opened``)
SPLIT_FADE = 0.25  # a split's fill weight at which it covers fully (below, cross-faded over the warp)
BAND_KEPT = 0.05  # share of a narrower target opening that the band between the teeth keeps (and the lower teeth, at
# least): the upper teeth keep their size down to the rest, the lower teeth are squeezed into what is left
CAVITY_DARK = 0.15  # a stored mouth whose stretched band is darker than this share of its interior's brightest shows
# a cavity (shows_cavity): the close-ups' open syllables 0.01-0.06, a grin's meeting teeth 0.32-0.44, closed or barely
# parted lips 0.19-0.76
# positions in LIPS_INNER: the corners (78, 308), the lower lip's nine points (95 .. 324) and the upper lip's
# nine facing them (191 .. 415, listed the other way round)
_CORNERS = (0, 10)
_LOWER_INNER = list(range(1, 10))
_UPPER_INNER = list(range(19, 10, -1))


def fill_weight(grown: float, config: RenderConfig) -> float:
    """How much of the target interior to fill (0..1): smooth in how much the lips part further than the
    source's (IOD^2, see :func:`parted_growth`)."""
    t = float(np.clip((grown - config.fill_start) / (config.fill_full - config.fill_start), 0.0, 1.0))
    return t * t * (3.0 - 2.0 * t)


def parted_growth(src_shape: np.ndarray, dst_shape: np.ndarray, config: RenderConfig) -> float:
    """The inner-lip area (IOD^2) the target gains by parting the lips further than the source's own interior,
    stretched by the warp, carries.

    A smile or a stretch widens the inner-lip polygon without opening the mouth: what it uncovers is the
    source's own teeth, which the warp already carries. Only the growth of the gap between the lips (the
    mean vertical distance of the nine upper/lower inner-lip point pairs) opens the mouth to an interior
    the source does not show, over at most the source mouth's width; and of an open source mouth the warp
    stretches its own interior (the words' teeth and tongue) by up to ``config.stretch_own`` of its gap before
    any of it counts (a disgusted upper lip raised 0.025 IOD over a syllable's 0.14-0.22 IOD gap is the
    source's mouth a little wider, not another frame's interior cross-faded in).

    Args:
        src_shape, dst_shape: ``(40,)`` template-space inner-lip descriptors (:func:`mouth_shape`).
        config: ``stretch_own``.
    """
    (src_gap, src_width), (dst_gap, dst_width) = _gap_width(src_shape), _gap_width(dst_shape)
    return max(dst_gap - (1.0 + config.stretch_own) * src_gap, 0.0) * min(src_width, dst_width)


def _gap_width(shape: np.ndarray) -> tuple[float, float]:
    """``(mean gap between the lips, corner-to-corner width)`` in IOD of a :func:`mouth_shape` descriptor."""
    pts = np.asarray(shape, np.float64).reshape(len(LIPS_INNER), 2)
    lower, upper = pts[_LOWER_INNER], pts[_UPPER_INNER]
    gap = float(np.mean(np.maximum(lower[:, 1] - upper[:, 1], 0.0)))
    return gap, float(abs(pts[_CORNERS[1], 0] - pts[_CORNERS[0], 0]))


def _retrieved(window: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray, dst: np.ndarray,
               slot: int, index: MouthIndex, config: RenderConfig, reach: float = 0.0,
               band: bool = False) -> tuple[np.ndarray, int]:
    """The stored interior ``slot`` warped into the target inner lips over ``window``, colour-matched; with
    ``reach`` (0..1, see :func:`reach_share`) that share of the way down to the stored mouth's own lip edge; with
    ``band``, only its dark band between the teeth stretched to a wider opening (:func:`_stretch_band`).

    Returns:
        ``(fill (h, w, 3) float32, source frame number of the interior)``.
    """
    target = dst[list(LIPS_INNER)]
    # the stored mouth down to its own real lip edge: all of its interior, none of its lip
    patch_pts = index.inner_lips[slot]
    if reach > 0.0:
        edge = lip_edge_outline(index.patches[slot], patch_pts, np.tile((0.0, 1.0), (9, 1)), config.patch_px_per_iod)
        patch_pts = patch_pts + reach * (edge - patch_pts)
    if band:
        patch_pts, target = _stretch_band(index.patches[slot], patch_pts, target, dst, config)
    field = backward_map(patch_pts, target, triangulate(target), window)
    # pixels outside the inner-lip hull (only the soft edge reaches them) follow the best similarity
    sim = similarity_transform(target, patch_pts)
    x0, y0, x1, y1 = window
    xs, ys = np.meshgrid(np.arange(x0, x1, dtype=np.float64), np.arange(y0, y1, dtype=np.float64))
    map_x = np.where(field.inside, field.map_x, sim[0, 0] * xs + sim[0, 1] * ys + sim[0, 2]).astype(np.float32)
    map_y = np.where(field.inside, field.map_y, sim[1, 0] * xs + sim[1, 1] * ys + sim[1, 2]).astype(np.float32)
    fill = remap(index.patches[slot], map_x, map_y) * colour_gain(frame, src, slot, index, config)
    return np.maximum(fill, 0.0).astype(np.float32), int(index.frames[slot])


def _dark_band(patch: np.ndarray, patch_pts: np.ndarray, config: RenderConfig) -> tuple[np.ndarray, np.ndarray]:
    """``(shares (9,), luma (9,))``: where (share of the way from the upper to the lower inner lip, 0.2..0.8) the stored
    mouth is darkest along each of its nine upper/lower lip pairs, and the brightest luma of the band there. Darkest
    over :data:`STRETCH_BAND` either side, and over a tooth's width (0.1 IOD) sideways, so that no tooth's tip, between
    the pairs, falls into the band."""
    shares = np.linspace(0.2, 0.8, 25)
    up, low = patch_pts[_UPPER_INNER], patch_pts[_LOWER_INNER]
    pts = up[None, :, :] + shares[:, None, None] * (low - up)[None, :, :]
    lum = np.ascontiguousarray(luma(patch))
    lum = cv2.dilate(lum, np.ones((1, 2 * round(0.05 * config.patch_px_per_iod) + 1), np.uint8))
    lum = remap(lum, pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32))
    half = max(1, round(STRETCH_BAND / (shares[1] - shares[0])))
    lum = cv2.dilate(lum, np.ones((2 * half + 1, 1), np.uint8))  # the brightest over the band about each share
    darkest = np.argmin(lum, axis=0)
    return shares[darkest], lum[darkest, np.arange(lum.shape[1])]


def _dark_share(patch: np.ndarray, patch_pts: np.ndarray, config: RenderConfig) -> np.ndarray:
    """``(9, 1)``: :func:`_dark_band`'s shares smoothed across the pairs: the cavity between the stored mouth's teeth,
    which a wider opening stretches."""
    dark = _dark_band(patch, patch_pts, config)[0]
    return np.convolve(np.pad(dark, 1, mode="edge"), [0.25, 0.5, 0.25], mode="valid")[:, None]


def shows_cavity(index: MouthIndex, slot: int, config: RenderConfig) -> bool:
    """Whether the stored mouth ``slot`` shows a cavity between its teeth: the band a split stretches
    (:func:`_dark_band`, median over the nine lip pairs) darker than :data:`CAVITY_DARK` of the brightest of its
    interior (95th percentile inside the inner lips: teeth, or the lips themselves where they meet)."""
    patch, pts = index.patches[slot], index.inner_lips[slot]
    inside = np.zeros(patch.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(pts * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    lum = luma(patch)[inside > 0]
    if lum.size == 0:
        return False
    bright = float(np.percentile(lum, 95))
    return float(np.median(_dark_band(patch, pts, config)[1])) < CAVITY_DARK * bright


def _with_cavity(index: MouthIndex, shape: np.ndarray, slot: int | None, previous: int | None,
                 config: RenderConfig) -> int | None:
    """The stored mouth a split opens between the lips: ``slot`` where it shows a cavity (:func:`shows_cavity`), else
    the nearest stored mouth to the target ``shape`` (40,) that does (``previous`` kept while within
    ``config.mouth_stickiness``, as :meth:`MouthIndex.nearest`), None (a synthesised cavity) where none does. A grin's
    closed teeth stretched as the cavity showed a grey band of vertical stripes across the opening (astronaut close-up
    made afraid: mouth PCC 0.76, the face mesh reading the striped band as lip)."""
    if slot is None or shows_cavity(index, slot, config):
        return slot
    order = np.argsort(np.linalg.norm(index.descriptors - shape, axis=1), kind="stable")
    best = next((int(k) for k in order if k != slot and shows_cavity(index, int(k), config)), None)
    if best is None:
        return None
    among = np.zeros(len(order), bool)  # the nearest with a cavity, and the previous frame's where it has one
    among[best] = True
    if previous is not None and 0 <= previous < len(order) and previous != best:
        among[previous] = shows_cavity(index, previous, config)
    return index.nearest(shape, previous, config.mouth_stickiness, among)


def _stretch_band(patch: np.ndarray, patch_pts: np.ndarray, target: np.ndarray, dst: np.ndarray,
                  config: RenderConfig) -> tuple[np.ndarray, np.ndarray]:
    """The stored and target inner lips ``(20, 2)`` with two rows of nine points added across each opening, around
    where the stored mouth is darkest (:func:`_dark_share` +- :data:`STRETCH_BAND`): above them the stored mouth
    keeps its size under the target's upper lip (the upper teeth), below them over the target's lower lip, and only
    the dark band between stretches to a wider opening; in a narrower one the upper teeth keep their size (down to
    all but :data:`BAND_KEPT` of the opening twice), the band and the lower teeth share what is left (squeezed evenly,
    the upper teeth shrank with the opening: a grin's stored teeth 22 / 17 rows of 27.5 in
    ``test_mouth_fill_smile.py``). Returns ``(38, 2)`` each."""
    scale = 1.0 / np.sqrt(abs(np.linalg.det(patch_from_image(dst, config)[0][:, :2])))  # frame px per patch px
    dark = _dark_share(patch, patch_pts, config)
    top, bottom = np.maximum(dark - STRETCH_BAND, 0.05), np.minimum(dark + STRETCH_BAND, 0.95)
    s_up, s_low = patch_pts[_UPPER_INNER], patch_pts[_LOWER_INNER]
    d_up, d_low = target[_UPPER_INNER], target[_LOWER_INNER]
    gap = (np.linalg.norm(s_low - s_up, axis=1) * scale)[:, None]
    d_dir = d_low - d_up
    d_gap = np.maximum(np.linalg.norm(d_dir, axis=1), 1e-6)[:, None]
    upper = np.minimum(top * gap / d_gap, 1.0 - 2.0 * BAND_KEPT)  # the upper teeth at their own size where they fit
    lower = np.clip(1.0 - (1.0 - bottom) * gap / d_gap, upper + BAND_KEPT, 1.0 - BAND_KEPT)
    d_top, d_bottom = d_up + upper * d_dir, d_up + lower * d_dir
    return (np.vstack([patch_pts, s_up + top * (s_low - s_up), s_up + bottom * (s_low - s_up)]),
            np.vstack([target, d_top, d_bottom]))


def split_opened(src_shape: np.ndarray, dst_shape: np.ndarray) -> float:
    """0..1: how far a split is made (``split_interior``'s ``opened``), smooth in how much further (mean gap, IOD)
    the target's lips part than the source's, up to :data:`SPLIT_OPEN_IOD`. The cavity a split opens between the
    teeth is as tall as that growth, which the director's jaw offset sets; the fill's weight (:func:`fill_weight`)
    counts only the growth beyond ``stretch_own`` of the source's gap, which falls as the words open the mouth: made
    that far, the speaking astronaut made afraid showed a cavity that swelled and shrank against the words (weights
    0.3-1.0 on consecutive frames, gap growth 0.05-0.11 IOD throughout).

    Args:
        src_shape, dst_shape: ``(40,)`` template-space inner-lip descriptors (:func:`mouth_shape`).
    """
    grown = _gap_width(dst_shape)[0] - _gap_width(src_shape)[0]
    return float(smoothstep(0.0, SPLIT_OPEN_IOD, grown))


def _split_retrieved(window: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray, dst: np.ndarray,
                     slot: int, index: MouthIndex, config: RenderConfig, opened: float = 1.0) -> tuple[np.ndarray, int]:
    """This frame's own interior split between the lips (``jaw_split.py``: the upper teeth with the upper lip, the
    lower lip's edge, :data:`LOWER_BAND`, with the lower lip) over the stored mouth ``slot`` warped into the target
    inner lips, of which only the dark band between the teeth stretches (:func:`_stretch_band`): the gap the jaw
    opens shows a real cavity, shaded as it was (the stored frame's colour, its darker back and lit tongue), where a
    synthesised one was a flat grey-black slab (speaking astronaut made surprised: recognised in 50 % of frames ->
    79 %, mouth PCC 0.92 -> 0.96). The stored mouth warped whole put its stretched upper teeth below the frame's own.
    ``opened`` (:func:`split_opened`) makes the split part of the way (``split_interior``).

    Returns:
        ``(fill (h, w, 3) float32, frame number of the stored mouth)``.
    """
    stored, number = _retrieved(window, frame, src, dst, slot, index, config, band=True)
    return split_interior(window, frame, src, dst, stored, upper_to=teeth_end(frame, src, anchored_share(src, dst)),
                          lower_from=1.0 - LOWER_BAND,
                          opened=opened), number


def _synthesised(window: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray, dst: np.ndarray,
                 config: RenderConfig) -> np.ndarray:
    """A dark interior: the source lips' mean colour darkened, darkest deep inside the opening.

    The fallback when the shot has no open-mouth frame: no teeth are invented, the cavity reads as
    shadow. Returns ``(h, w, 3) float32`` over ``window``.
    """
    lips = polygon_mask(src[list(LIPS_OUTER)], frame.shape[:2], 0.0)
    lh, lw = lips.alpha.shape
    inner = polygon_mask(src[list(LIPS_INNER)] - (lips.x0, lips.y0), (lh, lw), 0.0).full((lh, lw))
    pixels = frame[lips.y0 : lips.y0 + lh, lips.x0 : lips.x0 + lw]
    ring = (lips.alpha > 0) & ~(inner > 0)
    colour = pixels[ring].mean(axis=0) if ring.any() else pixels.reshape(-1, 3).mean(axis=0)
    x0, y0, x1, y1 = window
    hard = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(hard, [np.round((dst[list(LIPS_INNER)] - (x0, y0)) * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    depth = cv2.distanceTransform(np.pad(hard, 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    depth = depth / max(float(depth.max()), 1.0)
    shade = config.synth_darkness * (1.0 - 0.5 * depth)
    return (np.maximum(colour, 0.0)[None, None, :] * shade[:, :, None]).astype(np.float32)


def inner_lip_window(dst: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` frame pixels around the target's inner lips (``dst`` ``(>= 468, 2)``, frame pixels) with a
    small margin, inside ``box``; None where they lie outside it."""
    bx0, by0, bx1, by1 = box
    target = dst[list(LIPS_INNER)]
    lo = np.floor(target.min(axis=0)).astype(int) - 2
    hi = np.ceil(target.max(axis=0)).astype(int) + 3
    x0, y0, x1, y1 = max(int(lo[0]), bx0), max(int(lo[1]), by0), min(int(hi[0]), bx1), min(int(hi[1]), by1)
    return None if x1 <= x0 or y1 <= y0 else (x0, y0, x1, y1)


@dataclass(frozen=True)
class MouthPlan:
    """What :func:`fill_mouth` does for one frame, decided from the landmarks alone (no pixels).

    Attributes:
        weight: how much of the target interior is filled (0..1], see :func:`fill_weight`.
        window: ``(x0, y0, x1, y1)`` frame pixels the fill covers (inside the warp's box).
        slot: the mouth-index slot retrieved (under a split: the stored mouth whose interior and upper teeth open
            between the lips), or None when the interior is synthesised or split over a synthesised cavity.
        split: the interior is split between the lips (``jaw_split.py``).
        band: the retrieved stored mouth keeps its teeth at their own size, only the dark band between them stretched
            (:func:`_stretch_band`).
    """

    weight: float
    window: tuple[int, int, int, int]
    slot: int | None
    split: bool = False
    band: bool = False


def plan_mouth(box: tuple[int, int, int, int], src: np.ndarray, dst: np.ndarray, index: MouthIndex | None,
               config: RenderConfig, previous: int | None = None, frame_number: int | None = None,
               held_opening: float | None = None,
               mouths: tuple[tuple[np.ndarray, float], tuple[np.ndarray, float]] | None = None) -> MouthPlan | None:
    """Whether, where and with which stored interior the mouth is filled; None when it is not.

    The retrieved slot is the nearest stored inner-lip shape, or ``previous`` (the slot the previous frame
    of the shot used) while it stays nearly as close (``config.mouth_stickiness``), so the teeth do not
    switch between source frames from one frame to the next. When that slot is this frame's own mouth
    (``frame_number``), held (within ``config.fill_full`` of ``held_opening``: a still or a held smile, not the
    peak of a syllable, whose wider target is speech the warp and retrieval carry) and less open than
    ``config.split_below`` of the target, retrieving it would stretch it: the plan splits it between the lips
    instead, over a synthesised cavity (slot None). It splits too where the source frame's own mouth is open
    (``config.mouth_open``) and the target drops its lower lip (:func:`reach_share` at least :data:`SPLIT_REACH`, a
    jaw dropped under speech), keeping the slot: the words' own teeth move with their lips and the stored mouth's
    cavity opens between them (see :func:`fill_mouth`). A retrieved interior put another frame's lower teeth above
    the real lip edge, whose top the face mesh reads as the inner lower lip, at that frame's height (speaking
    astronaut with teeth, tongue and cavity made surprised: mouth PCC 0.896 retrieved, 0.923 split over a flat
    synthesised cavity, 0.96 over the stored mouth). Where the nearest stored mouth is less open than
    ``config.split_below`` of the target (warped whole into the target's inner lips, its teeth would be stretched),
    the nearest stored mouth with a cavity (:func:`_with_cavity`) is retrieved instead, only the band between its
    teeth stretched (``band``): Grace Hopper speaking made happy retrieved a grin whose teeth meet for every frame
    (0.048 IOD^2 open against the target's 0.07-0.14) and showed one stretched grey slab with no gaps or cavity. A
    shot none of whose stored mouths shows a cavity keeps the nearest one, warped whole (not a synthesised interior:
    its frames are no wider than the shot's own). The plan depends only on the landmarks, so a render of part of a shot can replay the frames before it (see
    ``MeshWarpRenderer.advance``).

    Args:
        box: ``(x0, y0, x1, y1)`` the warp's box, frame pixels.
        src, dst: ``(>= 468, 2) float64`` landmarks, frame pixels.
        index: the shot's mouth index, or None when the renderer was not prepared for a shot.
        config: fill settings.
        previous: the index slot the previous frame of the shot used, or None.
        frame_number: the frame's number (is the nearest stored mouth its own?).
        held_opening: the inner-lip area (IOD^2) the shot's mouth holds throughout, None for a still.
        mouths: :func:`mouth_shape` of ``src`` and ``dst`` when already computed, else None.
    """
    (src_shape, src_opening), (shape, opening) = mouths or (mouth_shape(src), mouth_shape(dst))
    weight = fill_weight(parted_growth(src_shape, shape, config), config)
    if weight <= 0.0:
        return None
    window = inner_lip_window(dst, box)
    if window is None:
        return None
    slot = None if index is None or index.empty else index.nearest(shape, previous, config.mouth_stickiness)
    own = (slot is not None and int(index.frames[slot]) == frame_number
           and (held_opening is None or src_opening - held_opening <= config.fill_full))
    if own and index.openings[slot] < config.split_below * opening:
        return MouthPlan(weight, window, None, split=True)
    if src_opening >= config.mouth_open and reach_share(src, dst) >= SPLIT_REACH:
        return MouthPlan(weight, window, _with_cavity(index, shape, slot, previous, config), split=True)
    if slot is not None and index.openings[slot] < config.split_below * opening:
        cavity = _with_cavity(index, shape, slot, previous, config)
        if cavity is not None:  # a shot none of whose stored mouths shows a cavity keeps its nearest, warped whole
            return MouthPlan(weight, window, cavity, band=True)
    return MouthPlan(weight, window, slot)


def reach_share(src: np.ndarray, dst: np.ndarray) -> float:
    """How far (0..1) the fill reaches down to the real lower-lip edge: smooth in how far the target drops the lower
    inner lip below the source's (mean over its nine points, along the lip, IOD), from :data:`REACH_DROP`.

    Only a dropped lower lip carries the source's band of interior down under the fill; where the lower lip stays
    (disgust raises the upper lip), the band stays where the source showed it and main's fill is kept (reaching
    there cost the speaking Hopper actor's disgusted jaw PCC 0.92 -> 0.89)."""
    into = dst[list(LOWER_OUTER)] - dst[list(LOWER_INNER)]
    into /= np.maximum(np.linalg.norm(into, axis=1, keepdims=True), 1e-9)
    drop = float(np.einsum("kd,kd->k", dst[list(LOWER_INNER)] - src[list(LOWER_INNER)], into).mean())
    t = float(np.clip((drop / float(interocular_distance(dst)) - REACH_DROP[0]) / (REACH_DROP[1] - REACH_DROP[0]),
                      0.0, 1.0))
    return t * t * (3.0 - 2.0 * t)


def _reach_lip_edge(rgb: np.ndarray, box: tuple[int, int, int, int], src: np.ndarray, dst: np.ndarray,
                    window: tuple[int, int, int, int], reach: float) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The target landmarks with the lower inner lip moved ``reach`` (0..1) of the way down to the real lip edge in
    the warped face ``rgb`` (over ``box``), where the source's lips part, and the fill ``window`` grown to cover it
    (see ``lip_edge.py``: a band of interior the source's inner lower lip sits above rides down with the lip;
    filling only the target's outline would leave it below the fill)."""
    opened = parted(src[list(LIPS_INNER)], float(interocular_distance(src)))
    if reach <= 0.0 or not np.any(opened):
        return dst, window
    bx0, by0, bx1, by1 = box
    offset = np.array([bx0, by0], np.float64)
    into_lip = dst[list(LOWER_OUTER)] - dst[list(LOWER_INNER)]
    into_lip /= np.maximum(np.linalg.norm(into_lip, axis=1, keepdims=True), 1e-9)
    inner = dst[list(LIPS_INNER)]
    reached = inner + reach * (lip_edge_outline(rgb, inner - offset, into_lip, float(interocular_distance(dst)),
                                                opened) + offset - inner)
    out = np.array(dst, np.float64)
    out[list(LIPS_INNER)] = reached
    hi = np.ceil(reached.max(axis=0)).astype(int) + 3
    return out, (window[0], window[1], max(window[2], min(int(hi[0]), bx1)), max(window[3], min(int(hi[1]), by1)))


def fill_mouth(rgb: np.ndarray, box: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray,
               dst: np.ndarray, index: MouthIndex | None, config: RenderConfig,
               previous: int | None = None, frame_number: int | None = None,
               held_opening: float | None = None,
               mouths: tuple[tuple[np.ndarray, float], tuple[np.ndarray, float]] | None = None,
               ) -> tuple[np.ndarray, dict[str, object]]:
    """Fill the target mouth interior where the target parts the lips further than the source frame.

    The fill fades in with :func:`fill_weight` (a split covers fully from :data:`SPLIT_FADE` of it on, its own
    geometry fading in with :func:`split_opened`) and covers the target inner-lip polygon with a soft edge; a
    retrieved or synthesised fill reaches below its lower lip down to the real lip edge where the target
    drops the lower lip over a band of interior the tracker counted as lip (:func:`reach_share`, ``lip_edge.py``),
    a split one does not (its lower part moves down with the band). With a non-empty ``index`` the interior is the
    stored mouth :func:`plan_mouth` picks (flag ``"retrieved"``, ``mouth_frame`` = its frame, ``mouth_slot`` = its
    index slot; with the plan's ``band``, only the dark band between its teeth stretched); when the plan splits
    (``"split"``, see ``jaw_split.py``), this frame's own interior is split between the lips over the stored mouth's
    cavity (``mouth_frame`` and ``mouth_slot`` as retrieved; see :func:`_split_retrieved`), or, without a stored
    mouth, over a dark synthesised cavity; otherwise it is synthesised (``"synthesised"``).

    Args:
        rgb: ``(h, w, 3) float32`` warped face over ``box``.
        box: ``(x0, y0, x1, y1)`` frame pixels.
        frame: ``(H, W, 3) float32`` source frame.
        src, dst: ``(>= 468, 2) float64`` landmarks, frame pixels.
        index: the shot's mouth index, or None when the renderer was not prepared for a shot.
        config: fill settings.
        previous: the index slot the previous frame of the shot used (temporal coherence), or None.
        frame_number: the frame's number (is the nearest stored mouth its own?), or None.
        held_opening: the inner-lip area the shot's mouth holds throughout (IOD^2), None for a still.
        mouths: :func:`mouth_shape` of ``src`` and ``dst`` when already computed, else None.

    Returns:
        ``(rgb, flags)``: a new array when filled (else ``rgb`` itself) and ``{"mouth_fill": ...}``.
    """
    mouths = mouths or (mouth_shape(src), mouth_shape(dst))
    plan = plan_mouth(box, src, dst, index, config, previous, frame_number, held_opening, mouths)
    if plan is None:
        return rgb, {"mouth_fill": None}
    opened = split_opened(mouths[0][0], mouths[1][0]) if plan.split else 1.0
    # a split's lower part rides down with the lower lip, as the band of interior below a misplaced inner lip does
    reach = 0.0 if plan.split else reach_share(src, dst)
    dst, window = _reach_lip_edge(rgb, box, src, dst, plan.window, reach)
    if plan.split and plan.slot is not None:
        fill, number = _split_retrieved(window, frame, src, dst, plan.slot, index, config, opened)
        flags: dict[str, object] = {"mouth_fill": MOUTH_SPLIT, "mouth_frame": number, "mouth_slot": plan.slot}
    elif plan.split:
        at = teeth_end(frame, src, anchored_share(src, dst))
        fill = split_interior(window, frame, src, dst, _synthesised(window, frame, src, dst, config), upper_to=at,
                              lower_from=at, opened=opened)
        flags = {"mouth_fill": MOUTH_SPLIT}
    elif plan.slot is not None:
        fill, number = _retrieved(window, frame, src, dst, plan.slot, index, config, reach, plan.band)
        flags = {"mouth_fill": MOUTH_RETRIEVED, "mouth_frame": number, "mouth_slot": plan.slot}
    else:
        fill = _synthesised(window, frame, src, dst, config)
        flags = {"mouth_fill": MOUTH_SYNTHESISED}
    bx0, by0 = box[:2]
    target = dst[list(LIPS_INNER)]
    x0, y0, x1, y1 = window
    feather = max(1.0, EDGE_FEATHER_IOD * float(interocular_distance(dst)))
    soft = polygon_mask(target - (x0, y0), (y1 - y0, x1 - x0), feather).full((y1 - y0, x1 - x0))
    weight = min(plan.weight / SPLIT_FADE, 1.0) if plan.split else plan.weight
    alpha = (weight * soft)[:, :, None]
    out = rgb.copy()
    sub = out[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    sub += alpha * (fill - sub)
    return out, flags
