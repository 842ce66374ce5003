"""measure_shot end to end: self-translation, a damaged result, and the classifier on real frames."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.evaluate.config import EvalConfig
from ned_core.evaluate.identity import IdentityEmbedder
from ned_core.evaluate.measure import ShotInputs, landmark_boxes, measure_shot
from ned_core.exceptions import ShapeError, UnknownEmotionError



def test_identical_result_scores_perfectly(make_shot):
    results = measure_shot(make_shot(t=48), EvalConfig())
    s = results.summary
    assert (s.fapd, s.apd, s.mapd) == (0.0, 0.0, 0.0)
    assert s.mouth_pcc == pytest.approx(1.0)
    assert s.lip_error == 0.0
    assert 0 < s.speech_frames < 48
    assert s.flicker_ratio == pytest.approx(1.0)
    assert s.emotion_rate is None and s.identity_distance is None
    assert any("no identity embedder" in n for n in results.notes)
    assert results.series.frames[0] == 1001 and len(results.series.fapd) == 48


def test_a_damaged_result_is_seen_by_every_metric(make_shot):
    shot = make_shot(t=48)
    res = shot.result.astype(np.int16)
    res[..., 0] += 3 * shot.masks  # +3 red on the face
    res_lms = shot.result_landmarks.copy()
    order = np.random.default_rng(1).permutation(len(res_lms))
    res_lms[:, [13, 14]] = res_lms[order][:, [13, 14]]  # inner lips move out of step with the speech
    damaged = ShotInputs(shot.source, res.astype(np.uint8), shot.masks, shot.source_landmarks, res_lms,
                         shot.frames, shot.name)
    s = measure_shot(damaged, EvalConfig()).summary
    assert s.fapd == pytest.approx(3.0)
    assert 0 < s.apd < 3.0
    assert s.mouth_pcc < 0.3
    assert s.flicker_ratio == pytest.approx(1.0)  # a constant offset adds no flicker
    assert s.lip_error > 0


def test_still_mouth_and_single_frame_leave_notes_not_errors(make_shot):
    shot = make_shot(t=1)
    results = measure_shot(shot, EvalConfig())
    assert results.summary.mouth_pcc is None and results.summary.flicker_ratio is None
    assert any("PCC" in n for n in results.notes) and any("flicker" in n for n in results.notes)


def test_classifier_reads_the_target_emotion(classifier, astronaut, face_of):
    face = face_of(astronaut)
    t = 3
    frames = np.stack([np.roll(astronaut, i, axis=1) for i in range(t)])
    lms = np.stack([face.landmarks + [i, 0, 0] for i in range(t)])
    masks = np.zeros(frames.shape[:3], bool)
    masks[:, 80:170, 185:265] = True
    shot = ShotInputs(frames, frames.copy(), masks, lms, lms.copy(), np.arange(t), "astronaut")
    results = measure_shot(shot, EvalConfig(), classifier=classifier, target_emotion="happy")
    assert results.summary.emotion_rate == 1.0
    assert results.series.emotion.shape == (t, 7)
    assert landmark_boxes(lms)[0] == pytest.approx(face.box, abs=1e-3)


def test_bad_inputs_are_refused(make_shot):
    shot = make_shot()
    with pytest.raises(UnknownEmotionError):
        measure_shot(shot, EvalConfig(), target_emotion="joyful")
    short = ShotInputs(shot.source, shot.result, shot.masks, shot.source_landmarks[:3], shot.result_landmarks,
                       shot.frames, shot.name)
    with pytest.raises(ShapeError, match="source_landmarks"):
        measure_shot(short, EvalConfig())


class MeanColourEmbedder:
    """Not an identity model: the unit mean colour of the face box, to check the wiring."""

    name = "mean-colour (test stand-in)"

    def embed(self, image, box, landmarks=None):
        x0, y0, x1, y1 = np.asarray(box).round().astype(int)
        v = image[y0:y1, x0:x1].reshape(-1, 3).mean(axis=0) + 1.0
        return (v / np.linalg.norm(v)).astype(np.float32)


def test_identity_embedder_is_used_for_distance_and_fid(make_shot):
    embedder = MeanColourEmbedder()
    assert isinstance(embedder, IdentityEmbedder)
    shot = make_shot(t=24)
    same = measure_shot(shot, EvalConfig(), embedder=embedder)
    assert same.summary.identity_distance == pytest.approx(0.0, abs=1e-6)
    assert same.summary.fid == pytest.approx(0.0, abs=1e-6)
    assert same.identity_embedder == embedder.name
    bluer = shot.result.copy()
    bluer[..., 2] = 255
    moved = measure_shot(ShotInputs(shot.source, bluer, shot.masks, shot.source_landmarks,
                                    shot.result_landmarks, shot.frames, shot.name), EvalConfig(), embedder=embedder)
    assert moved.summary.identity_distance > 0.01
    assert moved.summary.fid > same.summary.fid
