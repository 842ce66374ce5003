"""Happy on an actor who does not smile: the smile lifts the upper lip off the shot's own upper teeth.

Grace Hopper's closed lips raised at the corners alone read as neutral to fer (speaking warm-dark: happy recognised
8 %); a smile the edit adds lifts the upper lip (``render/smile_part.py``) where the shot shows its mouth's interior,
and the gap shows the shot's upper teeth at their own size (``render/smile_teeth.py``). Judged on the target
landmarks (where the render is asked to put the lips) and on the rendered frames read back from their plates.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis.regions import LIPS_INNER
from ned_core.evaluate.mouth import mouth_opening
from ned_core.pipeline.directing import build_schedule, direct_track, make_director
from ned_core.pipeline.request import RenderRequest
from ned_core.pipeline.targets import target_landmarks
from ned_core.render.mouth_index import template_from_image

CORNERS, UPPER_INNER, SUBNASALE = (61, 291), 13, 2
CLOSED = 0.02  # inner-lip gap (IOD) of a closed frame of the speaking actor (closed 0.012-0.013, syllables to 0.1)


def _template(landmarks: np.ndarray) -> np.ndarray:
    """``(468, 2)`` landmarks in template space (pose-normalised, IOD units)."""
    pts = np.asarray(landmarks, np.float64)[:468, :2]
    return cv2.transform(pts[None], template_from_image(pts))[0]


def _lip_lift(source: np.ndarray, target: np.ndarray) -> float:
    """How far (IOD) the target raises the upper lip's inner middle toward the nose against the source."""
    s, t = _template(source), _template(target)
    return float((s[UPPER_INNER, 1] - s[SUBNASALE, 1]) - (t[UPPER_INNER, 1] - t[SUBNASALE, 1]))


def _corner_lift(source: np.ndarray, target: np.ndarray) -> float:
    """How far (IOD) the target raises the mouth corners against the source (mean of both, up > 0)."""
    s, t = _template(source), _template(target)
    return float((s[list(CORNERS), 1] - t[list(CORNERS), 1]).mean())


@pytest.fixture(scope="module")
def happy_targets(analyse, ned_config, mesh_models, face_model, tmp_path_factory):
    """``happy_targets(source)`` -> ``(source landmarks (T, 478, 3), happy target landmarks (T, 478, 3))``."""

    def run(source) -> tuple[np.ndarray, np.ndarray]:
        shot = analyse(source)
        track, fit = shot.track, shot.fit
        frames = track.track.frames
        job = RenderRequest(source=str(source), out_dir=str(tmp_path_factory.mktemp("o")), emotion="happy")
        schedule = build_schedule(job, int(frames[0]), int(frames[-1]), ned_config)
        directed = direct_track(make_director(job, ned_config, mesh_models), schedule, frames, fit, job.seed)
        return track.landmarks, target_landmarks(face_model, fit, directed, track.landmarks,
                                                 ned_config.render.mouth_open)

    return run


def test_happy_lifts_closed_lips_off_the_teeth_in_a_shot_that_shows_them(happy_targets, actor_pattern):
    """The speaking actor's closed frames: the upper lip's inner middle rises 0.065-0.067 IOD toward the nose (the
    unit's 0.12 at its outer edge at happy:1, the skin above rising too; main: 0.000, the lips stay closed over a
    closed-lip smile), the corners 0.083-0.086 IOD."""
    source, target = happy_targets(actor_pattern)
    closed = np.flatnonzero(mouth_opening(source) < CLOSED)
    assert len(closed) >= 3
    lifts = [_lip_lift(source[t], target[t]) for t in closed]
    corners = [_corner_lift(source[t], target[t]) for t in closed]
    assert min(lifts) > 0.05, f"upper lip lifted by {np.round(lifts, 3)} IOD on the closed frames"
    assert min(corners) > 0.06, f"corners raised by {np.round(corners, 3)} IOD"


def test_a_closed_lip_still_keeps_a_closed_lip_smile(happy_targets, stills):
    """Grace Hopper's still shows no teeth to retrieve: no lift (measured 0.004 IOD; a synthesised dark slit is no
    smile's teeth), the corners still rise (measured 0.11 IOD)."""
    source, target = happy_targets(stills["grace_hopper"])
    assert abs(_lip_lift(source[0], target[0])) < 0.01
    assert _corner_lift(source[0], target[0]) > 0.06


def test_the_lifted_lip_shows_the_shots_own_upper_teeth(tmp_path, actor_pattern, happy_targets, render, read_back):
    """On the closed frames the gap between the target's inner lips shows upper teeth, not a grey blur: its luma
    relative to the cheeks beside the mouth measured 0.72-0.79 (the stored mouth at its own size); main's fill,
    which squeezes a wide-open mouth's two rows of teeth and its cavity into the gap, 0.43-0.46 (0.60-0.63 under
    a lift of 1.0 x the smile)."""
    source_lm, target_lm = happy_targets(actor_pattern)
    frames = read_back(actor_pattern, render(actor_pattern, tmp_path / "plates", emotion="happy"))
    closed = np.flatnonzero(mouth_opening(source_lm) < CLOSED)
    assert len(closed) >= 3
    shown = [_gap_luma(frames[t].result_srgb, target_lm[t]) for t in closed]
    assert min(shown) > 0.68, f"gap luma / cheek luma {np.round(shown, 3)} on the closed frames"


def _gap_luma(image: np.ndarray, landmarks: np.ndarray) -> float:
    """Mean luma inside the inner lips (shrunk to 0.7 about their centre, off the lips' edges) over the mean luma of
    the cheeks beside the mouth (205, 425: the light the mouth is seen in) of an ``(H, W, 3) uint8`` image."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float64)
    outline = np.asarray(landmarks, np.float64)[list(LIPS_INNER), :2]
    centre = outline.mean(axis=0)
    mask = np.zeros(grey.shape, np.uint8)
    cv2.fillPoly(mask, [np.round(centre + 0.7 * (outline - centre)).astype(np.int32)], 1)
    spots = np.round(np.asarray(landmarks)[[205, 425], :2]).astype(int)
    cheeks = np.mean([grey[y - 2 : y + 3, x - 2 : x + 3].mean() for x, y in spots])
    return float(grey[mask > 0].mean() / cheeks)
