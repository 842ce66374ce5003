"""How far the lip corners, brows and lips moved from a source frame to its result, on the pixels, in IOD.

MediaPipe's mesh re-reads brow edits at a few percent of their size (a sad brow raised 0.11 IOD re-reads 0.005) and
loses a wide-open mouth cut by the frame's edge, so an edit is also measured on the image: a patch around each feature
of the source frame is found again in the result (:func:`ned_core.evaluate.patch_motion.patch_motion`), and its motion
is projected on the face's up and outward axes. A match is kept only when it is consistent: the result's patch there,
looked for back in the source, lands within :data:`BACK_TOLERANCE_IOD` of where it started, and the match scores at
least :data:`MIN_SCORE` (a patch whose content left the search window, or that a held spectacle rim split, finds some
look-alike: on the astronaut shifted past the window, 5 of 6 such look-alikes fail the backward check).

The same features are read from landmark sets too (:func:`landmark_feature_motion`: the re-analysed result's mesh,
or the direction's requested mesh), so one table says what was asked, what the mesh re-reads, and what the pixels did
(:class:`FeatureReport`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.analysis.regions import eye_centres, interocular_distance
from ned_core.evaluate.mouth import INNER_LIP_LOWER, INNER_LIP_UPPER, inter_ocular, mouth_opening
from ned_core.evaluate.patch_motion import patch_motion
from ned_core.exceptions import ShapeError

# MediaPipe indices whose mean is each feature's centre: (subject's right side, left side)
CORNERS = ((61,), (291,))
BROW_INNER = ((55, 107), (285, 336))
BROW_MID = ((52, 105), (282, 334))
UPPER_LIP_BODY = (0, INNER_LIP_UPPER)  # outer and inner upper-lip middle: the upper lip's body lies between
LOWER_LIP_BODY = (INNER_LIP_LOWER, 17)
SEARCH_IOD = 0.3  # how far a patch is looked for, IOD (brows raised 0.15 IOD by AU1+2 at 1.5 stay well inside)
BACK_TOLERANCE_IOD = 0.03  # forward-backward disagreement above which a match is left out
# the least normalised cross-correlation of a kept match: a lower lip opened out of a close-up's bottom edge matched
# a look-alike 15 px up at 0.65 that the backward check let through; the lips' true matches there scored 0.83-1.0
MIN_SCORE = 0.7
LIP_HALF_SIZE_IOD = (0.15, 0.05)  # a lip's patch: wide along the lip, at most the lip's own height (thin lips: less)
# name -> (right and left landmark sets, patch half size (w, h) in IOD)
FEATURES: dict[str, tuple[tuple[tuple[int, ...], tuple[int, ...]], tuple[float, float]]] = {
    "corner": (CORNERS, (0.08, 0.08)),
    "brow_in": (BROW_INNER, (0.12, 0.06)),
    "brow_mid": (BROW_MID, (0.12, 0.06)),
}
LOST = "lost"  # a patch not found again: no peak scoring MIN_SCORE within reach (or it reaches past the frame)
INCONSISTENT = "inconsistent"  # found, but the result's patch there, looked for back, lands elsewhere
#: the rows of a :class:`FeatureReport`: (feature, axis); axis "open" is the inner-lip gap's change
ROWS = (("corner", "up"), ("corner", "out"), ("brow_in", "up"), ("brow_in", "out"), ("brow_mid", "up"),
        ("mouth", "open"))


def face_axes(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Unit vectors (image x right, y down) of the face's up and its subject-left direction, and the IOD (px).

    ``landmarks``: ``(N >= 468, >= 2)`` pixels of one frame; the IOD is the eye-centre distance.
    """
    eyes = eye_centres(landmarks[:, :2])
    across = eyes[1] - eyes[0]  # subject's right eye (image left) -> left eye
    across = across / np.linalg.norm(across)
    up = np.array([across[1], -across[0]])  # across rotated by -90 degrees on screen: up on an upright face
    return up, across, float(interocular_distance(landmarks[:, :2]))


def matched_motion(source: np.ndarray, result: np.ndarray, points: np.ndarray, half_size: tuple[int, int],
                   search: int, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """``(N, 2)`` motion (pixels) of the patches at ``points`` from ``source`` to ``result`` (``(H, W, 3) uint8``),
    ``nan`` where it was not matched, and ``(N,)`` why not: "" (matched), :data:`LOST` (:func:`patch_motion` finds
    no peak scoring :data:`MIN_SCORE`) or :data:`INCONSISTENT` (the backward match misses by over ``tolerance``
    px)."""
    points = np.round(np.asarray(points, np.float64).reshape(-1, 2))
    ahead = patch_motion(source, result, points, half_size, search, MIN_SCORE)
    back = patch_motion(result, source, points + np.nan_to_num(ahead), half_size, search)
    lost = np.isnan(ahead[:, 0])
    missed = ~(np.linalg.norm(back + ahead, axis=1) <= tolerance)
    ahead[missed] = np.nan
    return ahead, np.where(lost, LOST, np.where(missed, INCONSISTENT, ""))


def consistent_motion(source: np.ndarray, result: np.ndarray, points: np.ndarray, half_size: tuple[int, int],
                      search: int, tolerance: float) -> np.ndarray:
    """:func:`matched_motion`'s motion alone: ``(N, 2)`` pixels, ``nan`` where not matched."""
    return matched_motion(source, result, points, half_size, search, tolerance)[0]


def _moved(source: np.ndarray, result: np.ndarray, centres: np.ndarray, half_iod: tuple[float, float],
           iod: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`matched_motion` of patches ``half_iod`` (IOD) at ``centres`` of a face of ``iod`` px (pixels)."""
    half = max(2, round(half_iod[0] * iod)), max(2, round(half_iod[1] * iod))
    return matched_motion(source, result, centres, half, max(3, round(SEARCH_IOD * iod)), BACK_TOLERANCE_IOD * iod)


def _frames(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    source, result, lms = np.asarray(source), np.asarray(result), np.asarray(landmarks)
    if source.shape != result.shape or source.ndim != 4 or lms.ndim != 3 or len(lms) != len(source) \
            or lms.shape[1] < 468:
        raise ShapeError("feature motion", "(T, H, W, 3) source and result and (T, N >= 468, >= 2) landmarks",
                         f"{source.shape}, {result.shape}, {lms.shape}")
    return lms


@dataclass(frozen=True)
class FeatureMatch:
    """One feature's motion on the pixels over a shot: the median ``up`` and ``out`` (IOD; ``nan`` when no patch
    was matched), how many patches (frames x both sides) were ``tried`` and how many of them were not matched,
    ``lost`` or ``inconsistent`` (see :func:`matched_motion`)."""

    up: float
    out: float
    tried: int
    lost: int
    inconsistent: int

    @property
    def reason(self) -> str | None:
        """Why there is no figure (None when there is one), in words."""
        if self.tried > self.lost + self.inconsistent:
            return None
        return (f"none of {self.tried} patches matched: {self.lost} not found again within reach, "
                f"{self.inconsistent} found but matched back elsewhere (the edit changed how the feature looks, "
                f"e.g. teeth covered, a brow creased; not only moved it)")


def feature_matches(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> dict[str, FeatureMatch]:
    """Median motion (up, out) in IOD of each feature of :data:`FEATURES` over frames and both sides, on the pixels,
    and how many of its patches were not matched and why.

    Args:
        source, result: ``(T, H, W, 3) uint8`` sRGB frames.
        landmarks: ``(T, N >= 468, >= 2)`` the source's landmarks (pixels).

    Returns:
        Feature name -> its :class:`FeatureMatch`: up positive = raised on the face, out positive = away from the
        midline; ``nan`` (with its :attr:`FeatureMatch.reason`) where no patch was matched consistently.
    """
    lms = _frames(source, result, landmarks)
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in FEATURES}
    why: dict[str, list[str]] = {name: [] for name in FEATURES}
    for src, res, lm in zip(source, result, lms):
        up, across, iod = face_axes(lm)
        for name, ((right, left), half) in FEATURES.items():
            centres = np.array([lm[list(right), :2].mean(axis=0), lm[list(left), :2].mean(axis=0)])
            moved, reasons = _moved(src, res, centres, half, iod)
            why[name] += list(reasons)
            for sign, m in zip((-1.0, 1.0), moved / iod):
                if np.all(np.isfinite(m)):
                    found[name].append((float(m @ up), float(sign * (m @ across))))
    out = {}
    for name, v in found.items():
        up_out = np.median(np.array(v), axis=0) if v else (float("nan"), float("nan"))
        out[name] = FeatureMatch(float(up_out[0]), float(up_out[1]), len(why[name]), why[name].count(LOST),
                                 why[name].count(INCONSISTENT))
    return out


def feature_motion(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> dict[str, tuple[float, float]]:
    """:func:`feature_matches`' (up, out) per feature, IOD (``nan`` where no patch was matched)."""
    return {name: (m.up, m.out) for name, m in feature_matches(source, result, landmarks).items()}


def lip_gap_change(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """How much wider the inner-lip gap is in the result than in the source, per frame, on the pixels.

    The upper and the lower lip's bodies (between the middle points of their outer and inner contours) are found
    in the result; the gap changes by the lower lip's motion down the face minus the upper lip's. Add it to the
    source's :func:`~ned_core.evaluate.mouth.mouth_opening` for the result's opening without re-analysing it.

    Args:
        source, result: ``(T, H, W, 3) uint8`` sRGB frames.
        landmarks: ``(T, N >= 468, >= 2)`` the source's landmarks (pixels).

    Returns:
        ``(T,) float64`` in inter-ocular units of :mod:`ned_core.evaluate.mouth` (outer eye corners); ``nan`` in
        frames where either lip was not matched consistently.
    """
    lms = _frames(source, result, landmarks)
    corner_iod = inter_ocular(lms)
    out = np.full(len(lms), np.nan)
    for t, (src, res, lm) in enumerate(zip(source, result, lms)):
        up, _, iod = face_axes(lm)
        lips = [lm[list(UPPER_LIP_BODY), :2], lm[list(LOWER_LIP_BODY), :2]]
        centres = np.array([lip.mean(axis=0) for lip in lips])
        thin = 0.5 * min(np.linalg.norm(lip[0] - lip[1]) for lip in lips)  # a patch within the thinner lip
        moved, _ = _moved(src, res, centres, (LIP_HALF_SIZE_IOD[0], min(LIP_HALF_SIZE_IOD[1], thin / iod)), iod)
        out[t] = float((moved[0] - moved[1]) @ up) / corner_iod[t]
    return out


def pixel_mouth_opening(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The result's inner-lip gap without re-analysing it: the source's
    :func:`~ned_core.evaluate.mouth.mouth_opening` plus :func:`lip_gap_change` (``(T,)``, ``nan`` where the lips
    were not matched). A mouth cut by the frame's edge, which the mesh loses, is still measured here."""
    return mouth_opening(_frames(source, result, landmarks)) + lip_gap_change(source, result, landmarks)


def landmark_feature_motion(before: np.ndarray, after: np.ndarray) -> dict[str, np.ndarray]:
    """Per frame, how far each feature moved from one landmark set to another (e.g. source -> re-analysed result).

    Args:
        before, after: ``(T, N >= 468, >= 2)`` pixels; the face's axes and IOD are ``before``'s.

    Returns:
        Feature name of :data:`FEATURES` -> ``(T, 2)`` (up, out) in IOD, the mean of both sides; ``"mouth"`` ->
        ``(T, 1)`` the inner-lip gap's change in the units of :func:`~ned_core.evaluate.mouth.mouth_opening`.
    """
    before, after = np.asarray(before, np.float64), np.asarray(after, np.float64)
    if before.shape[:2] != after.shape[:2] or before.ndim != 3:
        raise ShapeError("landmark feature motion", "two (T, N >= 468, >= 2) landmark sets of one shape",
                         f"{before.shape}, {after.shape}")
    out = {name: np.zeros((len(before), 2)) for name in FEATURES}
    for t, (b, a) in enumerate(zip(before, after)):
        up, across, iod = face_axes(b)
        for name, ((right, left), _) in FEATURES.items():
            for sign, side in ((-1.0, right), (1.0, left)):
                m = (a[list(side), :2] - b[list(side), :2]).mean(axis=0) / iod
                out[name][t] += 0.5 * np.array([m @ up, sign * (m @ across)])
    out["mouth"] = (mouth_opening(after) - mouth_opening(before))[:, None]
    return out


@dataclass(frozen=True)
class FeatureReport:
    """What the edit asked of each feature, what the re-analysed mesh shows and what the pixels did.

    Every figure is the median over the shot's frames, in IOD (``mouth open``: inner-lip gap, outer-eye-corner
    IOD), along the face's axes (up = raised on the face, out = away from the midline).

    Attributes:
        rows: ``F`` (feature, axis) pairs, :data:`ROWS`.
        requested: ``(F,)`` the direction's change (the face model's mesh, directed minus fitted); ``nan`` when the
            result was not rendered here.
        mesh: ``(F,)`` the re-analysed result's landmarks minus the source's.
        image: ``(F,)`` the source's patches found in the result (:func:`feature_motion`, :func:`lip_gap_change`).
    """

    rows: tuple[tuple[str, str], ...]
    requested: np.ndarray
    mesh: np.ndarray
    image: np.ndarray

    FIELDS = ("requested", "mesh", "image")

    def as_dict(self) -> dict[str, dict[str, float | None]]:
        """``{"corner up": {"requested", "mesh", "image"}, ...}`` (JSON; ``None`` where not measured)."""
        return {f"{f} {a}": {k: (float(v[i]) if np.isfinite(v[i]) else None)
                             for k, v in zip(self.FIELDS, (self.requested, self.mesh, self.image))}
                for i, (f, a) in enumerate(self.rows)}


def _medians(motion: dict[str, np.ndarray]) -> np.ndarray:
    """``(F,)`` medians over frames of :func:`landmark_feature_motion`'s result, :data:`ROWS` order."""
    axis = {"up": 0, "out": 1, "open": 0}
    return np.array([float(np.median(motion[f][:, axis[a]])) for f, a in ROWS])


def feature_report(source: np.ndarray, result: np.ndarray, source_landmarks: np.ndarray,
                   result_landmarks: np.ndarray, requested: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> FeatureReport:
    """Requested vs achieved on the mesh vs achieved on the image, per feature (see :class:`FeatureReport`).

    Args:
        source, result: ``(T, H, W, 3) uint8`` frames.
        source_landmarks, result_landmarks: ``(T, N >= 468, >= 2)`` both analysed, pixels.
        requested: the face model's ``(T, 468, >= 2)`` meshes of the source's fit and of the directed fit (pixels),
            or None (the result was not rendered here: the requested column is ``nan``).
    """
    lms = _frames(source, result, source_landmarks)
    image = feature_motion(source, result, lms)
    gap = lip_gap_change(source, result, lms)
    on_image = np.array([image[f][0 if a == "up" else 1] for f, a in ROWS[:-1]]
                        + [float(np.nanmedian(gap)) if np.isfinite(gap).any() else float("nan")])
    asked = np.full(len(ROWS), np.nan) if requested is None else _medians(landmark_feature_motion(*requested))
    return FeatureReport(ROWS, asked, _medians(landmark_feature_motion(lms, result_landmarks)), on_image)


def format_features(report: FeatureReport) -> str:
    """A plain-text table of the report (``-`` where not measured)."""
    def cell(v: float, width: int) -> str:
        return f"{v:+{width}.3f}" if np.isfinite(v) else "-".rjust(width)

    lines = [f"{'feature (IOD)':16s} {'requested':>9s} {'mesh':>7s} {'image':>7s}"]
    lines += [f"{f + ' ' + a:16s} {cell(r, 9)} {cell(m, 7)} {cell(i, 7)}"
              for (f, a), r, m, i in zip(report.rows, report.requested, report.mesh, report.image)]
    return "\n".join(lines)
