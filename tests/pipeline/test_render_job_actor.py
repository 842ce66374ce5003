"""`render_shot` on a speaking actor: the emotion changes, the speech and the identity stay.

Grace Hopper's synthetic actor (known jaw motion, neutral face) is rendered to each emotion; the
result (plates read back and merged over the source) is analysed again with MediaPipe and fitted
against the source's own rest shape, so source and result expressions are in the same units.

MediaPipe's mesh sees the mouth well but under-reports brow and lid motion (here: brows 0-12 %,
cheek raise ~25 % of the warped amount; the same figures come from warping the photo directly with
the synthetic actor's ground-truth warp, so the loss is the analysis', not the renderer's). Units
are therefore asserted where MediaPipe can see them (mouth corners, lip raise, jaw); the others'
figures are printed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pytest

from ned_core.analysis import analyze_shot, face_mask
from ned_core.analysis.regions import interocular_distance
from ned_core.direct.prototypes import prototype
from ned_core.evaluate.pixels import fapd_per_frame
from ned_core.face3d.channels import CHANNEL_INDEX, CHANNEL_NAMES, CHANNELS, SPEECH_CHANNEL
from ned_core.face3d.types import FitResult
from ned_core.io.exr import PlateWriteConfig

SLOW = pytest.mark.slow
EMOTIONS = ("happy", "sad", "surprised", pytest.param("neutral", marks=SLOW), pytest.param("angry", marks=SLOW),
            pytest.param("fear", marks=SLOW), pytest.param("disgusted", marks=SLOW))
# Least mean rise (activation units, result - source over the clip) of the units MediaPipe sees, per
# emotion; a group name covers both sides. Measured: happy 0.86/0.93, sad 0.31/0.34, surprised jaw 0.27
# and lips part 0.26, fear stretch 0.20/0.18 and jaw 0.10 (fear's stretch re-read 0.08-0.09 a side with its jaw drop
# of 0.3, and moved by 0.01 with changes above the nose: Grace Hopper's rim fill 0.09/0.08 -> 0.08/0.09; without the
# jaw drop, EmfacsPrototypes.9, 0.067/0.067 and no jaw), disgusted upper lip 0.33. Angry's lip
# tightener/presser (0.07/0.04 of 0.8/0.5) are as weak through the ground-truth warp, so not asserted.
VISIBLE_RISE = {
    "happy": {"lip_corner_pull": 0.5},
    "sad": {"lip_corner_depress": 0.15},
    "surprised": {"jaw_open": 0.12, "lips_part": 0.1},
    "fear": {"lip_stretch": 0.05},
    "disgusted": {"upper_lip_raise": 0.15},
    "angry": {},
    "neutral": {},
}
# Regression: MediaPipe's detector once found a box around one eye and mouth corner in these edits, the
# mesh accepted it (presence 0.999) and the analysis kept it as a second face (see
# test_edited_clip_holds_one_face); ``_distinct`` now drops faces centred inside a better one.
EYE_CORNERS = (33, 133, 362, 263)
NOSE = (1, 4, 5, 6, 168, 195, 197)  # tip, ridge and bridge


@dataclass(frozen=True)
class ActorEdit:
    """One emotion rendered and analysed again: the result's smoothed landmarks ``(T, 478, 3)`` and fit
    (default track), and the boxes ``(4,)`` of any other tracks the analysis found."""

    emotion: str
    landmarks: np.ndarray
    fit: FitResult
    other_faces: tuple[np.ndarray, ...]


def _channels(unit: str) -> list[int]:
    if unit in CHANNEL_INDEX:
        return [CHANNEL_INDEX[unit]]
    return [i for i, c in enumerate(CHANNELS) if c.bilateral_group == unit]


@pytest.fixture(scope="module")
def zip_config(ned_config):
    """Lossless plates: the re-analysis sees the render, not DWA's compression."""
    return replace(ned_config, plates=PlateWriteConfig(compression="zip"))


@pytest.fixture(scope="module")
def source(actor_pattern, analyse):
    return analyse(actor_pattern)


@pytest.fixture(scope="module", params=EMOTIONS)
def edit(request, tmp_path_factory, actor_pattern, source, zip_config, render, read_back, analysis_config,
         mesh_models, face_model) -> ActorEdit:
    summary = render(actor_pattern, tmp_path_factory.mktemp(request.param), config=zip_config, emotion=request.param)
    assert summary.no_face_frames == () and len(summary.plates) == len(source.track.track.frames)
    frames = read_back(actor_pattern, summary)
    shot = analyze_shot(((f.number, f.result_srgb) for f in frames), analysis_config, mesh_models)
    track = shot.default()
    np.testing.assert_array_equal(track.track.frames, source.track.track.frames)
    others = tuple(t.track.boxes.mean(axis=0) for t in shot.tracks if t.track.track_id != track.track.track_id)
    return ActorEdit(request.param, track.landmarks, face_model.fit(track.landmarks, identity=source.fit.identity),
                     others)


def test_edited_clip_holds_one_face(edit):
    assert edit.other_faces == (), f"{edit.emotion}: extra faces at mean boxes {[b.round() for b in edit.other_faces]}"


def test_speech_is_kept(edit, source, actor_clip):
    truth = np.corrcoef(actor_clip.expression[:, SPEECH_CHANNEL], source.fit.expression[:, SPEECH_CHANNEL])[0, 1]
    assert truth > 0.7  # the analysis follows the known jaw (measured 0.86), so the check below is about speech
    pcc = np.corrcoef(source.fit.expression[:, SPEECH_CHANNEL], edit.fit.expression[:, SPEECH_CHANNEL])[0, 1]
    print(f"{edit.emotion}: jaw PCC result vs source {pcc:.3f}")
    # measured 0.950 (happy) .. 0.962 (surprised); 0.996 for neutral; sad 0.898 (0.920 before her glasses were held
    # still, render.glasses): the two renders are pixel-identical from above the nose tip down (rows 101-165 of 384
    # differ: the rims and the brows behind them), and the face mesh's re-read jaw moves with the upper face alone
    # (rims found in each frame instead of once per shot: 0.862; grown by 0.025 IOD: 0.842)
    assert pcc >= (0.85 if edit.emotion == "sad" else 0.9)


def test_target_units_are_raised(edit, source):
    rise = edit.fit.expression.mean(axis=0) - source.fit.expression.mean(axis=0)
    wanted = prototype(edit.emotion)
    print(f"{edit.emotion}: mean unit rise (prototype -> measured) "
          + ", ".join(f"{CHANNEL_NAMES[i]} {wanted[i]:.1f}->{rise[i]:+.2f}" for i in np.flatnonzero(wanted)))
    for unit, least in VISIBLE_RISE[edit.emotion].items():
        for i in _channels(unit):
            assert rise[i] > least, f"{edit.emotion}: {CHANNEL_NAMES[i]} rose {rise[i]:+.3f}, expected > {least}"
    if edit.emotion == "neutral":  # the actor is neutral already: nothing to change
        assert np.abs(rise).max() < 0.05


def test_identity_regions_stay(edit, source):
    points = list(EYE_CORNERS + NOSE)
    iod = interocular_distance(source.track.landmarks)[:, None]
    moved = np.linalg.norm(edit.landmarks[:, points, :2] - source.track.landmarks[:, points, :2], axis=2) / iod
    print(f"{edit.emotion}: eye corners + nose moved mean {moved.mean():.3f}, max {moved.max():.3f} IOD")
    assert moved.mean() < 0.03 and moved.max() < 0.08  # measured <= 0.018 and <= 0.046


def test_self_translation_reproduces_the_clip(tmp_path, actor_pattern, source, zip_config, render, read_back,
                                              analysis_config):
    # the actor is neutral: neutral at intensity 0 leaves her performance untouched
    frames = read_back(actor_pattern, render(actor_pattern, tmp_path, config=zip_config, emotion="neutral:0"))
    masks = np.stack([face_mask(lm, f.source.shape[:2], analysis_config.mask_feather).full(f.source.shape[:2])
                      for f, lm in zip(frames, source.track.landmarks)])
    fapd = fapd_per_frame(np.stack([f.source_srgb for f in frames]), np.stack([f.result_srgb for f in frames]), masks)
    print(f"actor self-translation FAPD mean {fapd.mean():.3f}, max {fapd.max():.3f} (lossless plates)")
    assert fapd.max() <= 2.0  # measured 0.000: the render reproduces the source exactly
