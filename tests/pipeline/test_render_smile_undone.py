"""The astronaut's broad smile (teeth, folds) made sad, angry or neutral stops looking like a smile.

Judged on the composited result as a viewer sees it (display sRGB), re-analysed with the face mesh: the
teeth the source shows become lip-coloured, the lips meet, the mouth corners come down and the
nasolabial folds soften; a happy edit keeps the teeth and the folds.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.evaluate.channels import flowed_landmarks
from ned_core.evaluate.emotion import EmotionClassifier
from ned_core.evaluate.patch_motion import patch_motion
from ned_core.face3d.channels import EMOTIONS
from ned_core.render.brow_guard import GUARD_PAIRS
from ned_core.render.mouth_index import mouth_shape, template_from_image
from ned_core.render.mouth_level import UPPER_LIP_TOP, resting_drop

CORNERS = (61, 291)
FOLD_PATH = ((129, 61), (358, 291))  # nose wing -> mouth corner, each side


@pytest.fixture(scope="module")
def astronaut(stills, analyse):
    """``(source landmarks (478, 3), source sRGB (H, W, 3) uint8)`` of the astronaut still."""
    landmarks = analyse(stills["astronaut"]).track.landmarks[0]
    source = cv2.cvtColor(cv2.imread(str(stills["astronaut"])), cv2.COLOR_BGR2RGB)
    return landmarks, source


@pytest.fixture(scope="module")
def edit_of(tmp_path_factory, stills, analyse, render, read_back):
    """``edit_of(emotion)`` -> ``(emotion, result sRGB (H, W, 3) uint8, result re-analysed landmarks (478, 3))``,
    each emotion rendered once per module."""
    done: dict[str, tuple[str, np.ndarray, np.ndarray]] = {}

    def edit(emotion: str) -> tuple[str, np.ndarray, np.ndarray]:
        if emotion not in done:
            folder = tmp_path_factory.mktemp(f"smile_{emotion}")
            summary = render(stills["astronaut"], folder / "plates", emotion=emotion)
            result = read_back(stills["astronaut"], summary)[0].result_srgb
            path = folder / "result.png"
            assert cv2.imwrite(str(path), cv2.cvtColor(result, cv2.COLOR_RGB2BGR))
            done[emotion] = emotion, result, analyse(path).track.landmarks[0]
        return done[emotion]

    return edit


@pytest.fixture(scope="module", params=["sad", "angry", "neutral", "happy"])
def edited(request, edit_of):
    """``(emotion, result sRGB (H, W, 3) uint8, result re-analysed landmarks (478, 3))``."""
    return edit_of(request.param)


def _teeth(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """``(N,) bool`` per pixel of the source's mouth opening: teeth-like (light and not red; on this photo the
    teeth measure L* 200-240, a* 129-136 in OpenCV's 8-bit Lab, her lips L* 155-210, a* 137-150; the pale half of
    her upper lip, which closed lips bring into the old opening, L* 207-211, a* 135-136: the bounds L* > 215,
    a* < 135 leave it out and keep 37 % of the source's opening, 23 % of the happy result's)."""
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(landmarks[list(LIPS_INNER), :2]).astype(np.int32)], 1)
    mask = cv2.erode(mask, np.ones((3, 3), np.uint8))
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[mask > 0].astype(np.int32)
    return (lab[:, 0] > 215) & (lab[:, 1] < 135)


def _corner_height(landmarks: np.ndarray) -> float:
    """Mean mouth-corner height below the eyes, IOD (pose-normalised)."""
    pts = landmarks[:, :2].astype(np.float64)
    return float(np.mean(cv2.transform(pts[None, list(CORNERS)], template_from_image(pts))[0, :, 1]))


def _below_lip(landmarks: np.ndarray) -> float:
    """Mean mouth-corner height below the upper lip's middle, IOD (pose-normalised)."""
    pts = cv2.transform(landmarks[None, :, :2].astype(np.float64), template_from_image(landmarks[:, :2]))[0]
    return float(pts[list(CORNERS), 1].mean() - pts[UPPER_LIP_TOP, 1])


def _fold_contrast(image: np.ndarray, landmarks: np.ndarray) -> float:
    """Fine shading (std of luminance minus its blur) along both nose-wing -> mouth-corner folds."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    iod = float(interocular_distance(landmarks))
    detail = grey - cv2.GaussianBlur(grey, (0, 0), 0.06 * iod)
    mask = np.zeros(grey.shape, np.uint8)
    for wing, corner in FOLD_PATH:
        a, b = landmarks[wing, :2], landmarks[corner, :2]
        cv2.line(mask, tuple(np.round(a).astype(int)), tuple(np.round(b + 0.3 * (b - a)).astype(int)), 1,
                 max(1, round(0.1 * iod)))
    return float(detail[mask > 0].std())


def test_teeth_the_target_does_not_show_become_lips(astronaut, edited):
    source_lms, source = astronaut
    emotion, result, result_lms = edited
    teeth_before = _teeth(source, source_lms).mean()
    assert teeth_before > 0.3  # she smiles with her teeth
    teeth_after = _teeth(result, source_lms).mean()
    opening = mouth_shape(result_lms)[1] / mouth_shape(source_lms)[1]
    if emotion == "happy":
        assert teeth_after > 0.5 * teeth_before and opening > 0.6
    else:
        # measured (sad/angry/neutral): teeth 0.00-0.05 of the old opening, inner-lip area 0.2-0.35 of the source's.
        # With the looser bounds (L* > 195, a* < 138) angry counted 0.62-0.92 and neutral 0.38 once the corners came
        # down to the lip line: the pale half of her upper lip (L* 207-211, a* 136; her teeth measure 228, 131), moved
        # into the old opening (overlays: notes/sheets-h32/astronaut_angry_teeth_measure.png, sheets-h46/teeth_*.png).
        # The lips meeting is asserted by the opening below.
        assert teeth_after < 0.2 * teeth_before, f"{emotion}: teeth {teeth_before:.0%} -> {teeth_after:.0%}"
        assert opening < 0.5, f"{emotion}: the lips stay {opening:.0%} as open as the source's"


def test_mouth_corners_come_down_and_folds_soften(astronaut, edited):
    source_lms, source = astronaut
    emotion, result, result_lms = edited
    drop = _corner_height(result_lms) - _corner_height(source_lms)  # > 0: corners lower
    fold = _fold_contrast(result, source_lms) / _fold_contrast(source, source_lms)
    if emotion == "happy":
        assert drop < 0.03 and fold > 0.7, f"happy: corners {drop:.3f} IOD lower, folds {fold:.0%}"  # warp: ~0.8
    elif emotion == "sad":
        assert drop > 0.06, f"sad: the corners came down only {drop:.3f} IOD"
        # below the resting mouth line (AU15), not just levelled: measured 0.065 IOD under the upper lip's middle,
        # 0.042 while levelling to rest absorbed the target's own depression (rest: 0.024)
        below = _below_lip(result_lms)
        assert below > resting_drop() + 0.03, f"sad: corners {below:.3f} IOD below the upper lip's middle"
        assert fold < 0.8, f"sad: the folds keep {fold:.0%} of their shading"
    else:
        assert drop > 0.03 and fold < 0.9, f"{emotion}: corners {drop:.3f} IOD lower, folds {fold:.0%}"


@pytest.mark.parametrize("emotion", ["sad", "angry"])
def test_the_brows_take_the_target_s_shape(astronaut, edit_of, emotion):
    """What the pixels do at the brows (dense optical flow of the source's brow landmarks; MediaPipe's mesh follows
    brows only ~5 %): sad raises the inner brows and leaves the outer part lower (oblique brow, AU1+4), angry lowers
    them and knits them (AU4: the inner heads come down and toward each other). Measured (IOD): sad inner
    -0.083..-0.096 with the outer third 0.02 lower; angry inner third +0.06..+0.07, inner heads +0.05 down and
    0.06-0.075 closer (before the knit: +0.03 down, 0.02-0.04 closer)."""
    source_lms, source = astronaut
    _, result, _ = edit_of(emotion)
    flowed = flowed_landmarks(source[None], result[None], source_lms[None])[0]
    iod = float(interocular_distance(source_lms))
    dy = (flowed[:, 1] - source_lms[:, 1]) / iod
    inner, inner_third, outer = dy[[107, 55, 336, 285]].mean(), dy[[66, 65, 296, 295]].mean(), dy[[52, 282]].mean()
    if emotion == "sad":
        assert inner < -0.06 and outer > inner + 0.08, f"sad brows: inner {inner:+.3f}, outer {outer:+.3f} IOD"
    else:
        closer = np.mean([(source_lms[b, 0] - source_lms[a, 0]) - (flowed[b, 0] - flowed[a, 0])
                          for a, b in ((55, 285), (107, 336))]) / iod
        assert inner_third > 0.04, f"angry brows: inner third {inner_third:+.3f} IOD"
        assert inner > 0.04 and closer > 0.05, f"angry knit: inner heads {inner:+.3f} down, {closer:+.3f} closer (IOD)"


def test_the_fringe_over_the_forehead_stays_where_the_brows_lower(astronaut, edit_of):
    """The astronaut's fringe lies over her forehead just above the brows; lowered brows must not drag it down
    (the forehead and hairline stay; see render.brow_guard). Optical flow three quarters of the way from each
    brow-top vertex to the forehead vertex above it (in the fringe): angry +0.004 IOD down on average, 0.011 at
    most (before the guard: +0.009..+0.011 and 0.021: the mesh spread the brow's drop linearly over the band)."""
    source_lms, source = astronaut
    _, result, _ = edit_of("angry")
    top, above = (list(k) for k in zip(*GUARD_PAIRS))
    fringe = source_lms[top] + 0.75 * (source_lms[above] - source_lms[top])
    flowed = flowed_landmarks(source[None], result[None], fringe[None])[0]
    moved = (flowed[:, :2] - fringe[:, :2]) / float(interocular_distance(source_lms))
    assert moved[:, 1].mean() < 0.007 and np.abs(moved).max() < 0.016, \
        f"the fringe moves with the brows: down {moved[:, 1].mean():+.3f} IOD mean, {np.abs(moved).max():.3f} max"


def _upper_lid_margins(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """``(2,)`` height (px) of each upper lid's margin over its iris: per column within 0.07 IOD of the iris centre,
    where the luminance going down from 0.12 IOD above the margin landmark (below the lid crease) first falls under 100
    (skin ~200, lashes and iris ~35), interpolated between rows; the median over the columns."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    iod = float(interocular_distance(landmarks))
    margins = []
    for margin, iris in ((159, 468), (386, 473)):
        centre, top = landmarks[iris, 0], landmarks[margin, 1]
        y0 = int(round(top - 0.12 * iod))
        rows = []
        for x in range(int(round(centre - 0.07 * iod)), int(round(centre + 0.07 * iod)) + 1):
            column = gray[y0:int(round(top + 0.1 * iod)), x]
            dark = np.nonzero(column < 100.0)[0]
            assert dark.size and dark[0] > 0, f"no lid margin found in column {x}"
            above, at = column[dark[0] - 1], column[dark[0]]
            rows.append(y0 + dark[0] - 1 + (above - 100.0) / (above - at))
        margins.append(float(np.median(rows)))
    return np.array(margins)


@pytest.mark.parametrize("emotion", ["sad", "angry"])
def test_sad_upper_lids_droop_and_angry_eyes_narrow_from_below(astronaut, edit_of, emotion):
    """Sad lowers the upper lids a little (face3d.lid_droop, AU41-like; no channel lowers them below rest) and leaves
    the lower lids; angry narrows the eye from below (AU7 raises the lower lid) more than from above. The lash line
    over each iris, result vs source (IOD, + = down): sad +0.025 / +0.024, angry +0.019 / +0.020, neutral -0.000 /
    +0.004; the lower lids (a patch on each margin, :func:`_lower_lid_rises`) rise sad -0.001 / +0.001, angry
    0.027 / 0.023. Angry's upper lids come down without any droop (its amount is 0: no AU1), as FACS has AU4 and AU7
    do: without its brow lowering (``--unit brow_lower=0``) the lash line comes down +0.006 / +0.015, the target's
    margin +0.008 / +0.015 (AU7's 0.012 a unit, and on the left the source's own AU5 0.21 taken to 0.10); with the
    brows lowered but no AU7 +0.017 / +0.016 (the lowered brows push the lid skin and lashes down: AU4 narrows the eye
    from above). With AU5 (before EmfacsPrototypes.8) angry's came up: -0.018 / -0.004. A droop given to angry too
    (min(AU1, AU4) -> AU4 in ``droop_amount``) brings them down +0.064. Optical flow at the margin landmarks, used
    before, read the lid crease the lowered brows push down rather than the margin."""
    source_lms, source = astronaut
    _, result, _ = edit_of(emotion)
    iod = float(interocular_distance(source_lms))
    down = (_upper_lid_margins(result, source_lms) - _upper_lid_margins(source, source_lms)).mean() / iod
    rise = _lower_lid_rises(source, result, source_lms).mean()
    if emotion == "sad":
        assert down > 0.012 and abs(rise) < 0.005, f"sad: upper lids {down:+.3f} IOD down, lower {rise:+.3f} up"
    else:
        assert rise > 0.015 and down < min(0.03, rise), f"angry: upper lids {down:+.3f} IOD down, lower {rise:+.3f} up"


def _lower_lid_rises(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """``(2,)`` how far (IOD) a patch on the middle of each lower-lid margin (landmarks 145, 374; 0.08 x 0.025 IOD
    half-sizes) rose from ``source`` to ``result``, looked for straight up or down (the lids move vertically)."""
    iod = float(interocular_distance(landmarks))
    size = (round(0.08 * iod), round(0.025 * iod))
    return -patch_motion(source, result, landmarks[[145, 374], :2], size, (0, round(0.08 * iod)))[:, 1] / iod


@pytest.mark.parametrize("emotion", ["surprised", "sad", "angry", "fear"])
def test_an_independent_classifier_reads_the_smile_gone(astronaut, tmp_path, stills, render, read_back, analyse,
                                                         emotion):
    """fer's classifier (nothing from the project) on the still: surprised reads surprised (measured p 0.68;
    0.07 with the old 0.4 jaw / 0.8 lids); sad and angry lose part of the smile's reading (p(happy) measured
    0.45 / 0.35 with the fold creases flattened too, 0.71 / 0.59 when the softening first kept the cheeks' colour,
    0.67 / 0.42 while it greyed them; 0.93 / 0.96 with
    only the fine fold shading flattened; angry 0.80 before its mouth corners were levelled, mouth_level.py; the bench
    measures 0.24 / 0.20 since the lip seal paints over the teeth edge's dark flecks, 0.43 / 0.27 before). Fear's
    stretched, opened mouth: bench p(happy) 0.56 (0.85 with lip_stretch 0.8, jaw_open 0.25: a tense grin); 0.77 with
    the brow creases (render/creases.py, 0.61 alone) and the relaxed cheeks' texture given back (render/smile_relax.py,
    0.66 alone) and the mouth unchanged: fer reads the teeth row, and texture as such, as happy; 0.62 since the sides
    of a mouth the target opens in the centre are sealed (render/lip_seal.py ``side_weights``); bench 0.23 -> 0.15 since
    fear parts the stretched lips at AU25 0.25, not 0.5 (EmfacsPrototypes.11: less of the teeth row); here 0.12 ->
    0.20 since the relaxed fold's band follows the face mesh's fold landmarks (render/smile_relax.py FOLD_CHAINS):
    the two results differ by a few codes at two spots on the cheeks' folds (fer is that near its edge). Those figures come
    from the mesh's box grown 20 % a side, 1.3x wider than the crop fer's own pipeline classifies; cropped as fer
    crops (``classify_faces``) sad reads sad (p 0.48; neutral 0.51 in the wider crop) and angry angry (0.38;
    neutral 0.53), p(happy) 0.04 / 0.04."""
    summary = render(stills["astronaut"], tmp_path / "plates", emotion=emotion)
    result = read_back(stills["astronaut"], summary)[0].result_srgb
    path = tmp_path / "result.png"
    assert cv2.imwrite(str(path), cv2.cvtColor(result, cv2.COLOR_RGB2BGR))
    landmarks = analyse(path).track.landmarks[:1]
    p = dict(zip(EMOTIONS, EmotionClassifier.load().classify_faces(result[None], landmarks)[0]))
    if emotion in ("surprised", "sad", "angry"):  # cropped as fer's own pipeline crops (evaluate/fer_box.py)
        assert max(p, key=p.get) == emotion, f"{emotion} reads {p}"
    if emotion != "surprised":
        # sad: between what is measured now and the flecked seal (0.43); angry: what an un-levelled smile gives (0.80);
        # fear: between the lips parted at AU25 0.25 and at 0.5 (measured here 0.20 / 0.27)
        assert p["happy"] < {"sad": 0.35, "angry": 0.5, "fear": 0.23}[emotion], f"{emotion} still reads happy: {p}"


def test_surprise_opens_a_cavity_and_moves_the_teeth_with_the_jaw(astronaut, tmp_path, stills, render, read_back):
    """The still shows no wider mouth to retrieve: the opening gets a dark cavity between the upper teeth
    (kept with the upper lip, not stretched) and the lower ones (dropped with the jaw)."""
    source_lms, source = astronaut
    summary = render(stills["astronaut"], tmp_path / "plates", emotion="surprised")
    result = read_back(stills["astronaut"], summary)[0].result_srgb
    lab_src = cv2.cvtColor(source, cv2.COLOR_RGB2LAB)[:, :, 0].astype(np.int32)
    lab_res = cv2.cvtColor(result, cv2.COLOR_RGB2LAB)[:, :, 0].astype(np.int32)
    # the centre column of the mouth, from the upper lip's inner edge down to below the source's lower lip
    top, bottom = source_lms[13, :2], source_lms[17, :2]
    x = round(0.5 * (top[0] + bottom[0]))
    rows = slice(round(top[1]) - 3, round(bottom[1]) + round(0.5 * (bottom[1] - top[1])))
    column_src = lab_src[rows, x - 1 : x + 2].mean(axis=1)
    column_res = lab_res[rows, x - 1 : x + 2].mean(axis=1)
    # measured: source column lips 161-208, teeth 215-235 over 4 rows; result: upper teeth, 51-55 over 2 rows,
    # lower teeth
    assert (column_src < 70).sum() == 0  # the source: teeth and lips, no cavity
    assert (column_res < 70).sum() >= 2, f"no dark cavity opens between the teeth: {column_res.round()}"

    def longest_light_run(column: np.ndarray) -> int:
        light = np.flatnonzero(column > 200)
        return max((len(r) for r in np.split(light, np.flatnonzero(np.diff(light) > 1) + 1)), default=0)

    assert longest_light_run(column_res) <= longest_light_run(column_src), "the teeth are stretched"


def test_disgust_brings_the_corners_down_under_a_raised_upper_lip(astronaut, edit_of):
    """Disgust (AU9 + AU10 + AU15/17) on the smile: the upper lip's centre rises, the corners do not (FACS: AU10
    raises the centre most, the lip takes an angular shape), so the corners come down with the smile removed
    although the lips stay parted over the upper teeth. Measured (re-analysed, IOD): corners 0.082 lower than the
    source's; 0.053 while they were brought only to the middle of the opening, which the lift carries up."""
    source_lms, _ = astronaut
    _, _, result_lms = edit_of("disgusted")
    drop = _corner_height(result_lms) - _corner_height(source_lms)
    assert drop > 0.07, f"disgusted: the corners came down only {drop:.3f} IOD"
