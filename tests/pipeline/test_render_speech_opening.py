"""Strong angry on the speaking actor: unfolding the pressed lips and lowered brows keeps the words.

The mouth opening of the result (re-analysed with the face mesh, inner-lip area) follows the source's (for angry,
the result's lower face is re-read under the source's brows: see the test).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import analyze_shot
from ned_core.analysis.regions import LIPS_INNER
from ned_core.evaluate.mouth import mouth_opening
from ned_core.render.mouth_index import mouth_shape
from ned_core.synthetic import SyntheticActorConfig, make_synthetic_actor, sample_photo, write_png_sequence

from .conftest import lower_face


def test_angry_at_1_5_keeps_the_mouth_opening(tmp_path, actor_pattern, analyse, render, read_back, analysis_config,
                                              mesh_models):
    source = analyse(actor_pattern).track.landmarks
    summary = render(actor_pattern, tmp_path / "plates", emotion="angry:1.5")
    frames = read_back(actor_pattern, summary)
    lower = (lower_face(f.source_srgb, f.result_srgb, lm) for f, lm in zip(frames, source))
    result = analyze_shot(((f.number, face) for f, face in zip(frames, lower)), analysis_config, mesh_models).default()
    assert len(result.landmarks) == len(source)
    opening_src = np.array([mouth_shape(lm)[1] for lm in source])
    opening_res = np.array([mouth_shape(lm)[1] for lm in result.landmarks])
    pcc = np.corrcoef(opening_src, opening_res)[0, 1]
    # measured 0.888. The face mesh re-reads the whole face, so the brows alone move its lip points (up to 1.4 px
    # here): renders with pixel-identical mouths and different brows read 0.84 (her glasses held still,
    # render.glasses), 0.88, 0.90 and 0.91 on the whole result; so the result's face below the nose is re-read over
    # the source's upper face (0.888 for each of them). The bound still fails on a mouth that stops following the
    # words (the result's lower faces in reverse order: 0.10).
    assert pcc >= 0.85, f"mouth-opening PCC {pcc:.3f}"


def _talking(photo: str, folder, mesh_models, face_model, analysis_config) -> str:
    """A sample photo talking (the synthetic actor's defaults, seed 0), 24 frames written to ``folder``."""
    clip = make_synthetic_actor(sample_photo(photo), SyntheticActorConfig(num_frames=24, seed=0), mesh_models,
                                face_model, analysis_config)
    write_png_sequence(clip.frames, folder, "talk", 1)
    return str(folder / "talk.####.png")


@pytest.fixture(scope="module")
def smiling_speaker(tmp_path_factory, mesh_models, face_model, analysis_config) -> str:
    """Grace Hopper talking with two passing smiles of her own (the synthetic actor's defaults), 24 frames."""
    return _talking("grace_hopper", tmp_path_factory.mktemp("smiling_speaker"), mesh_models, face_model,
                    analysis_config)


def test_happy_on_her_own_passing_smiles_keeps_the_mouth_opening(tmp_path, smiling_speaker, analyse, render,
                                                                 read_back, analysis_config, mesh_models):
    """A happy target on an actor who already smiles now and then: stacked in full, the corners were pulled to
    lip_corner_pull 1.7, past any posed smile, and the re-analysed closed lips read as parted (PCC 0.893)."""
    source = analyse(smiling_speaker).track.landmarks
    summary = render(smiling_speaker, tmp_path / "plates", emotion="happy")
    frames = read_back(smiling_speaker, summary)
    result = analyze_shot(((f.number, f.result_srgb) for f in frames), analysis_config, mesh_models).default()
    opening_src = mouth_opening(source)
    opening_res = mouth_opening(result.landmarks)
    pcc = np.corrcoef(opening_src, opening_res)[0, 1]
    assert pcc >= 0.92, f"mouth-opening PCC {pcc:.3f}"  # goal 0.9; measured 0.942 (0.893 stacked in full)


@pytest.fixture(scope="module")
def grinning_speaker(tmp_path_factory, mesh_models, face_model, analysis_config) -> str:
    """The astronaut (a broad smile with teeth) talking, the synthetic actor's defaults, 24 frames."""
    return _talking("astronaut", tmp_path_factory.mktemp("grinning_speaker"), mesh_models, face_model, analysis_config)


def test_surprised_on_a_grin_keeps_the_words(tmp_path, grinning_speaker, analyse, render, read_back, analysis_config,
                                             mesh_models):
    """Surprised drops the jaw on every frame. Where the source's mouth is open, the tracker's inner lower lip sits on
    the teeth inside the opening, and the warp carries that band of interior down with the lip; a retrieved interior
    filled only into the target's outline left it below the fill (a mouth inside a mouth), re-read as lip in some
    frames and as opening in others. The fill now reaches the real lip edge (``render/lip_edge.py``). With the
    actors' painted teeth, cavity and tongue (lower incisors showing on a parted photo) the mesh reads the lower
    teeth's tips as the inner lower lip, and a retrieved interior set another frame's lower teeth on the lip (PCC
    0.896); the open source mouth is now split between its lips, its teeth moving with them (0.923 over a flat
    synthesised cavity, a flat slab; 0.958 over the cavity of the stored mouth: ``mouth_fill._split_retrieved``)."""
    source = analyse(grinning_speaker).track.landmarks
    summary = render(grinning_speaker, tmp_path / "plates", emotion="surprised")
    frames = read_back(grinning_speaker, summary)
    result = analyze_shot(((f.number, f.result_srgb) for f in frames), analysis_config, mesh_models).default()
    opening_src, opening_res = mouth_opening(source), mouth_opening(result.landmarks)
    pcc = np.corrcoef(opening_src, opening_res)[0, 1]
    assert pcc >= 0.94, f"mouth-opening PCC {pcc:.3f}"  # goal 0.9; measured 0.958 (0.923 over the flat slab)
    assert opening_res.mean() > opening_src.mean() + 0.05  # the jaw still drops: the offset is kept


def _teeth_pixels(image: np.ndarray, landmarks: np.ndarray) -> int:
    """Teeth-like pixels (light, not red: OpenCV 8-bit Lab L* > 170, a* < 136; her teeth L* 190-240, a* 128-134,
    her lips a* 137-150) inside the inner-lip outline of ``landmarks`` ``(478, 3)`` in ``image`` sRGB uint8."""
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(landmarks[list(LIPS_INNER), :2]).astype(np.int32)], 1)
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[mask > 0].astype(np.int32)
    return int(np.count_nonzero((lab[:, 0] > 170) & (lab[:, 1] < 136)))


@pytest.mark.parametrize("emotion, lowest_pcc", [("sad", 0.9), ("angry", 0.92)])
def test_a_grin_made_sad_or_angry_closes_the_lips_over_the_teeth_between_syllables(
        emotion, lowest_pcc, tmp_path, grinning_speaker, analyse, render, read_back, analysis_config, mesh_models):
    """The astronaut talks through a broad smile: between syllables her lips stay parted over a row of upper teeth.
    Made sad or angry, that held opening is the smile's (the slow component of the opening is expression): the lips
    close over the teeth between syllables and the syllables' opening above it stays. The fit reads most of the
    smile's opening as rest shape and unexplained detail, so closing only the units' share of it left a slot of
    teeth 0.07 IOD high (target gap) that the warp filled with a flattened tooth row: teeth pixels kept between
    syllables 75 % / 54 % of the source's (sad / angry; fer p(happy) 0.51 / 0.47); now about 30 % (``face3d/lips.py``).
    The syllables' small openings are no longer painted half shut (``render/lip_seal.py``): mouth PCC 0.92 / 0.94
    (0.90 / 0.90 with the seal fading out at twice ``seal_open``)."""
    source = analyse(grinning_speaker).track.landmarks
    summary = render(grinning_speaker, tmp_path / "plates", emotion=emotion)
    frames = read_back(grinning_speaker, summary)
    opening_src = mouth_opening(source)
    between = opening_src <= np.percentile(opening_src, 40)  # the frames between syllables (10 of 24)
    teeth_src = sum(_teeth_pixels(f.source_srgb, lm) for f, lm, b in zip(frames, source, between) if b)
    teeth_res = sum(_teeth_pixels(f.result_srgb, lm) for f, lm, b in zip(frames, source, between) if b)
    assert teeth_res < 0.4 * teeth_src, f"teeth between syllables: {teeth_res} of the source's {teeth_src} pixels"
    result = analyze_shot(((f.number, f.result_srgb) for f in frames), analysis_config, mesh_models).default()
    pcc = np.corrcoef(opening_src, mouth_opening(result.landmarks))[0, 1]
    assert pcc >= lowest_pcc, f"mouth-opening PCC {pcc:.3f}"
