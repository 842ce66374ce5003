"""Brow creases the warp cannot make: the glabellar furrow of lowered, drawn-together brows and the forehead lines
of raised brows, shaded from the face's own light where the target moves the brows against the source.

A warp moves the source's skin but cannot fold it. Real posed expressions show the folds (Ekman & Friesen,
*FACS* 1978, appearance changes): AU4 (corrugator, angry; with AU1 in sad and fear) bunches the skin between
the brows into vertical or oblique furrows; AU1 raises horizontal lines across the middle of the forehead, AU2
across its sides, AU1+2 (surprised, fear) across the whole brow. Where they sit (sizes are this module's choice,
in IOD, 1 IOD ~ 63 mm on an adult): the paired glabellar ("11") lines ~0.1-0.15 IOD either side of the midline,
between the brow heads, from their lower edge up to ~0.25 IOD above, their upper ends turned out along the
corrugator's pull (the common patterns of de Almeida et al., "Glabellar contraction patterns", *Dermatol. Surg.*
38, 2012); the frontal lines parallel to the brows' arch, ~0.1 IOD apart, the lowest ~0.1 IOD above the brows'
upper edge (:data:`FOREHEAD_LINES_AT`, placed along the mesh's forehead columns: the forehead above its top row
is outside the face oval, where nothing changes).

AU9 (levator labii superioris alaeque nasi, disgust) wrinkles the skin along the sides and across the root of the
nose and deepens the upper nasolabial fold beside the raised nose wings (FACS 1978; Investigator's Guide 2002).
Where the target raises the lower nose or its wings against the source (:data:`NOSE_START_IOD` to
:data:`NOSE_FULL_IOD`): three chevrons across the bridge between the nose's root and its middle, higher over the
dorsum and running down-outward over the side walls ("bunny lines"), and the fold's upper part, from beside the
wing toward the mouth corner, lit from the cheek's side. A source that wrinkles its nose as much has the lines
in its own skin (the warp carries them): the weight counts only the rise against it.

Each crease is a groove: a thin dark band (:data:`PROFILE`) inside a broader, shallower shadow, with a
faint highlight on its lit side (above a horizontal line, toward the midline beside a glabellar one), applied as
a multiplicative gain in log on the skin's own colour (its texture and light stay; a little warmer in the
groove, :data:`~ned_core.render.shading.CREASE_TINT`), tapered at its ends, depth
smooth in the amount of the edit (:func:`crease_weights`, landmarks only: it follows them frame to frame), zero
where the target does not move the brows against the source. Only the skin gets it: inside the face oval, off the
brows and eyes, off spectacle rims, and where it is not much darker than the skin (a dark fringe over the
forehead; a fair fringe as light as the skin is not told apart).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.analysis.regions import (FACE_OVAL, LEFT_BROW, LEFT_EYE, RIGHT_BROW, RIGHT_EYE,
                                       interocular_distance)
from ned_core.face3d.falloff import smoothstep
from ned_core.render.shading import Crease, GrooveProfile, Rims, axes, creases_gain, groove_reach, shade, skin, taper

EYE_CORNERS = (33, 133, 362, 263)
# per side (subject's right, then left): brow head (lower inner end), the inner half of the brow, its outer half
BROW_HEADS = (55, 285)
INNER_BROW = ((55, 65, 107, 66), (285, 295, 336, 296))
OUTER_BROW = ((46, 53, 70, 63), (276, 283, 300, 293))
# forehead columns (brow top, the row above, the forehead top row), from the subject's right to left; the middle
# column starts between the brow heads' tops (107, 336)
FOREHEAD_COLUMNS = ((70, 71, 21), (63, 68, 54), (105, 104, 103), (66, 69, 67), (107, 108, 109), (None, 151, 10),
                    (336, 337, 338), (296, 299, 297), (334, 333, 332), (293, 298, 284), (300, 301, 251))
START_IOD, FULL_IOD = 0.01, 0.06  # brow lowered / drawn together against the source: the furrow starts / is full
RAISE_START_IOD, RAISE_FULL_IOD = 0.02, 0.10  # brow raised against the source: forehead lines start / are full
# AU9 at 1 raises the lower dorsum (MediaPipe 5) 0.049 IOD on the mean face (face3d's nose_wrinkle unit); the
# wrinkles start / are full at this rise of it or of the wings against the source
NOSE_START_IOD, NOSE_FULL_IOD = 0.006, 0.03
DORSUM = (6, 195)  # the nose's root and the middle of its dorsum: the chevrons lie between them
NOSE_TIP_RISE = 5  # the lower dorsum, which AU9 lifts most
NOSE_WINGS = ((129, 64), (358, 294))  # per side: the wing's outer edge and its base
MOUTH_CORNERS = (61, 291)
# the chevrons: place from the root (0) to the dorsum's middle (1), relative depth, half-width as a share of the
# half-span between the wings' outer edges (~0.34 IOD): wider down the nose, as the nose widens
CHEVRONS = ((0.3, 0.8, 0.45), (0.65, 1.0, 0.6), (1.0, 0.7, 0.75))
CHEVRON_DROP_IOD = 0.08  # their ends lie this far below their middle
FOLD_START_IOD = 0.03  # the fold starts this far out from the wing's outer edge
FOLD_LENGTH = 0.55  # and runs this share of the way from the wing toward the mouth corner
# log-gain at full weight: at 0.25 / 0.3 the chevrons were hard to find by eye on the astronaut still made disgusted
# (4x crops); at 0.45 / 0.5 they were plain, but fer's p(disgust) on that still fell 0.43 -> 0.31; between them
NOSE_LINE_DEPTH, NOSE_FOLD_DEPTH = 0.35, 0.4
OWN_FROWN_START, OWN_FROWN_FULL = 0.04, 0.10  # the source's brows already this far below the rest: no second furrow
FURROW_AT = 0.55  # glabellar lines' place from the midline toward each brow head (the heads sit ~0.21 IOD out)
FURROW_BELOW_IOD, FURROW_ABOVE_IOD = 0.02, 0.2  # they run from this far below the brow heads to this far above
FURROW_TURN_IOD = 0.02  # their upper ends turn out this far
FOREHEAD_LINES_AT = (0.3, 0.55, 0.8)  # the frontal lines' places between the brows' upper edge (0) and the mesh's
# forehead top row (1, the face oval's top, ~0.38 IOD above the brows at rest)
LINE_DEPTHS = (0.8, 1.0, 0.75)  # their relative depths
CENTRE_HALF_IOD = 0.3  # AU1's lines: Gaussian half-width about the midline (IOD, mean-face x)
# log-gain of the groove at full weight; the lines are kept faint: at 0.25 fer read the astronaut's surprised as
# happy (p(surprised) 0.66 -> 0.36, one still), at 0.15 as before (0.66)
FURROW_DEPTH, LINE_DEPTH = 0.35, 0.15

# the groove's dark band 0.012 IOD, the broader, shallower shadow around it 0.03 IOD at half its depth, a highlight
# at 0.3 of it
PROFILE = GrooveProfile(0.012, 0.03, 0.5, 0.3)
HOLES = (RIGHT_BROW, LEFT_BROW, RIGHT_EYE, LEFT_EYE)  # no crease over the brows and eyes


@dataclass(frozen=True)
class CreaseWeights:
    """0..1 per side (subject's right, left): the glabellar furrow, AU1's central and AU2's lateral forehead lines,
    AU9's nose wrinkle."""

    furrow: tuple[float, float]
    central: tuple[float, float]
    lateral: tuple[float, float]
    nose: tuple[float, float] = (0.0, 0.0)

    @property
    def any(self) -> bool:
        """Whether any crease is asked for."""
        return max(self.furrow + self.central + self.lateral + self.nose) > 0.0


def _eye_frame(landmarks: np.ndarray) -> np.ndarray:
    """``(N, 2)`` landmarks in the eyes' frame: origin between the eye corners, x along the eyes, y down, IOD units."""
    lm = np.asarray(landmarks, np.float64)[:, :2]
    across, up, iod = axes(lm)
    return (lm - lm[list(EYE_CORNERS)].mean(axis=0)) @ np.array([across, -up]).T / iod


def _heights(face: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Inner and outer brow heights above the eyes per side ``(2,)`` each, and the brow heads' gap (IOD)."""
    inner = np.array([-face[list(idx), 1].mean() for idx in INNER_BROW])
    outer = np.array([-face[list(idx), 1].mean() for idx in OUTER_BROW])
    return inner, outer, float(face[BROW_HEADS[1], 0] - face[BROW_HEADS[0], 0])


def _nose_heights(face: np.ndarray) -> np.ndarray:
    """``(2, 2)``: per side (columns), that side's wing (row 0) and the lower dorsum (row 1) above the eyes (IOD)."""
    wings = np.array([-face[list(idx), 1].mean() for idx in NOSE_WINGS])
    return np.stack([wings, np.full(2, -face[NOSE_TIP_RISE, 1])])


def crease_weights(src: np.ndarray, dst: np.ndarray, rest: np.ndarray | None = None) -> CreaseWeights:
    """How far the target folds the brow and nose skin against the source.

    Args:
        src, dst: ``(>= 468, 2+)`` source and target landmarks (frame pixels).
        rest: ``(>= 468, 2+)`` a face at rest (the mean face), or None: every move against the source counts.

    Returns:
        Per side, smoothstep weights in IOD (pose-free, in the eyes' frame): the furrow in the brow lowering plus
        the heads' drawing together (from :data:`START_IOD` to :data:`FULL_IOD`), the lines in the inner / outer
        brow raise (:data:`RAISE_START_IOD` to :data:`RAISE_FULL_IOD`). Against ``rest``, a move counts only as
        far as it goes past the rest face's brows (a worried brow brought down to rest gets no furrow, a frown
        relaxed to rest no lines), and the furrow fades with the source's own frown (its inner brow below the
        rest's, :data:`OWN_FROWN_START` to :data:`OWN_FROWN_FULL`: a face that already frowns has its furrow).
        The nose wrinkle: per side, the larger rise of that wing or of the lower dorsum against the source
        (:data:`NOSE_START_IOD` to :data:`NOSE_FULL_IOD`).
    """
    face_s, face_d = _eye_frame(src), _eye_frame(dst)
    (in_s, out_s, gap_s), (in_d, out_d, gap_d) = _heights(face_s), _heights(face_d)
    together = max(0.0, 0.5 * (gap_s - gap_d))
    lowered, raised, raised_out = in_s - in_d, in_d - in_s, out_d - out_s
    own = np.zeros(2)
    if rest is not None:
        in_r, out_r, _ = _heights(_eye_frame(rest))
        lowered, raised, raised_out = np.minimum(lowered, in_r - in_d), np.minimum(raised, in_d - in_r), \
            np.minimum(raised_out, out_d - out_r)
        own = in_r - in_s
    furrow = smoothstep(START_IOD, FULL_IOD, np.maximum(lowered, 0.0) + together) * (
        1.0 - smoothstep(OWN_FROWN_START, OWN_FROWN_FULL, own))
    central = smoothstep(RAISE_START_IOD, RAISE_FULL_IOD, raised)
    lateral = smoothstep(RAISE_START_IOD, RAISE_FULL_IOD, raised_out)
    nose = smoothstep(NOSE_START_IOD, NOSE_FULL_IOD, (_nose_heights(face_d) - _nose_heights(face_s)).max(axis=0))
    return CreaseWeights(*(tuple(float(v) for v in w) for w in (furrow, central, lateral, nose)))


def furrows(dst: np.ndarray, weights: CreaseWeights) -> list[Crease]:
    """The glabellar lines, one per side with a furrow weight, on ``dst (>= 468, 2)`` frame pixels."""
    across, up, iod = axes(dst)
    heads = dst[list(BROW_HEADS)]
    middle = heads.mean(axis=0)
    out = []
    for side, weight in enumerate(weights.furrow):
        if weight <= 0.0:
            continue
        outward = across * (1.0 if side else -1.0)
        base = middle + FURROW_AT * (heads[side] - middle)
        t = np.linspace(0.0, 1.0, 9)[:, None]
        height = -FURROW_BELOW_IOD + t * (FURROW_BELOW_IOD + FURROW_ABOVE_IOD)
        points = base + iod * (height * up + FURROW_TURN_IOD * t**2 * outward)
        out.append(Crease(points, FURROW_DEPTH * weight * taper(len(t), 0.35), -outward))
    return out


def _forehead_points(dst: np.ndarray, at: float) -> np.ndarray:
    """``(11, 2)`` frame pixels ``at`` (0..1) of the way up each forehead column, from the brows' upper edge to
    the forehead's top row."""
    out = []
    for column in FOREHEAD_COLUMNS:
        start = 0.5 * (dst[107] + dst[336]) if column[0] is None else dst[column[0]]
        path = np.array([start, dst[column[1]], dst[column[2]]])
        steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
        above = at * steps.sum()
        if above <= steps[0]:
            out.append(path[0] + (path[1] - path[0]) * above / max(steps[0], 1e-6))
        else:
            out.append(path[1] + (path[2] - path[1]) * (above - steps[0]) / max(steps[1], 1e-6))
    return np.array(out)


def forehead_lines(dst: np.ndarray, weights: CreaseWeights, rest: np.ndarray) -> list[Crease]:
    """The frontal lines on ``dst (>= 468, 2)`` frame pixels: AU1's over the middle, AU2's over each side.

    ``rest``: ``(>= 468, 2)`` the mean face (IOD units, centred between the eyes): the columns' places across the
    forehead, which weight each column (the middle one by both sides' central weights)."""
    _, up, _ = axes(dst)
    x = np.array([0.0 if c[0] is None else rest[c[0], 0] for c in FOREHEAD_COLUMNS])
    side = (x > 0).astype(int)  # subject's left (image right) columns: 1
    central = np.where(x == 0, 0.5 * sum(weights.central), np.take(weights.central, side))
    lateral = np.where(x == 0, 0.0, np.take(weights.lateral, side))
    spread = np.maximum(central * np.exp(-0.5 * (x / CENTRE_HALF_IOD) ** 2), lateral * _lateral_reach(x))
    ends = np.ones_like(x)
    ends[[0, -1]] = 0.0  # the lines fade out before the temples
    out = []
    for at, depth in zip(FOREHEAD_LINES_AT, LINE_DEPTHS):
        if spread.max() <= 0.0:
            break
        points = _forehead_points(dst, at)
        out.append(Crease(points, LINE_DEPTH * depth * spread * ends, up))
    return out


def _lateral_reach(x: np.ndarray) -> np.ndarray:
    """AU2's lines across the forehead: full beyond 0.4 IOD from the midline, half at it (AU1+2 join up across it)."""
    t = np.clip(np.abs(x) / 0.4, 0.0, 1.0)
    return 0.5 + 0.5 * t * t * (3.0 - 2.0 * t)


def nose_lines(dst: np.ndarray, weights: CreaseWeights) -> list[Crease]:
    """AU9's creases on ``dst (>= 468, 2)`` frame pixels: the chevrons across the bridge (each side's half weighted
    by its side, blended over the dorsum) and, per side with a weight, the upper nasolabial fold."""
    if max(weights.nose) <= 0.0:
        return []
    across, up, iod = axes(dst)
    root, middle = dst[DORSUM[0]], dst[DORSUM[1]]
    span = 0.5 * abs(float((dst[NOSE_WINGS[1][0]] - dst[NOSE_WINGS[0][0]]) @ across))
    u = np.linspace(-1.0, 1.0, 13)[:, None]
    share = smoothstep(-0.3, 0.3, u[:, 0])
    side = (1.0 - share) * weights.nose[0] + share * weights.nose[1]
    out = []
    for at, depth, half in CHEVRONS:
        drop = np.abs(u) ** 1.5 * CHEVRON_DROP_IOD * iod
        points = root + at * (middle - root) + u * half * span * across - drop * up
        out.append(Crease(points, NOSE_LINE_DEPTH * depth * side * taper(len(u)), up))
    for s, weight in enumerate(weights.nose):
        if weight <= 0.0:
            continue
        outward = across * (1.0 if s else -1.0)
        wing = dst[NOSE_WINGS[s][0]]
        start = wing + FOLD_START_IOD * iod * outward
        t = np.linspace(0.0, 1.0, 7)[:, None]
        points = start + t * FOLD_LENGTH * (dst[MOUTH_CORNERS[s]] - wing)
        out.append(Crease(points, NOSE_FOLD_DEPTH * weight * taper(len(t), 0.3), outward))
    return out


def _gain(rgb: np.ndarray, dst: np.ndarray, weights: CreaseWeights, rest: np.ndarray, iod: float,
          rims: np.ndarray | None) -> np.ndarray:
    """``(h, w) float32`` the creases' log-gain over the window ``rgb (h, w, 3)`` (``dst`` in its pixels, ``iod``
    its IOD), zero off the skin (:func:`~ned_core.render.shading.skin`, off the brows and eyes)."""
    creases = furrows(dst, weights) + forehead_lines(dst, weights, rest) + nose_lines(dst, weights)
    return creases_gain(rgb.shape[:2], creases, iod, PROFILE) * skin(rgb, dst, iod, HOLES, rims)


def add_creases(rgb: np.ndarray, box: tuple[int, int, int, int], dst: np.ndarray, weights: CreaseWeights,
                rest: np.ndarray, rims: Rims | None = None) -> np.ndarray:
    """Shade the creases ``weights`` asks for into ``rgb (h, w, 3) float32`` (scene-linear) over ``box``
    (worked out at a bounded resolution: :func:`~ned_core.render.shading.shade`).

    Args:
        rgb: the warped face over ``box (x0, y0, x1, y1)`` frame pixels.
        dst: ``(>= 468, 2)`` target landmarks, frame pixels (where the creases sit).
        weights: :func:`crease_weights`.
        rest: ``(>= 468, 2)`` the mean face (see :func:`forehead_lines`).
        rims: spectacle rims in frame pixels (:func:`~ned_core.render.glasses.rim_mask`'s form), or None.

    Returns:
        A new array, or ``rgb`` itself when no crease is asked for. Nothing outside the face oval changes.
    """
    if not weights.any:
        return rgb
    dst = np.asarray(dst, np.float64)[:, :2]
    iod = float(interocular_distance(dst))
    pts = dst[list(FACE_OVAL + RIGHT_BROW + LEFT_BROW)]
    low = max([dst[list(BROW_HEADS), 1].max() + FURROW_BELOW_IOD * iod]
              + [c.points[:, 1].max() for c in nose_lines(dst, weights)])  # below the brow heads, or the nose's
    window = (int(pts[:, 0].min()) - 1, int(pts[:, 1].min()) - 1, int(pts[:, 0].max()) + 2,
              int(low + groove_reach(PROFILE, iod)) + 2)
    return shade(rgb, box, window, dst, lambda sub, lm, scale_iod, mask: _gain(sub, lm, weights, rest, scale_iod, mask),
                 rims)
