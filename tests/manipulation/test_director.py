"""The learned director: the Director protocol, intensity semantics, seeds, schedules, reference styles."""

import numpy as np
import pytest
import torch

from ned_core.direct.config import DirectConfig
from ned_core.direct.director import Director
from ned_core.direct.schedule import EmotionKey, EmotionSchedule
from ned_core.direct.spec import parse_emotion_spec
from ned_core.direct.windowed import apply_windowed
from ned_core.exceptions import ExpressionValueError, ReferenceTooShortError, ScheduleTargetError, ShapeError
from ned_core.face3d.channels import EMOTIONS
from ned_core.manipulation.checkpoint import save_checkpoint
from ned_core.manipulation.director import LearnedDirector, load_learned_director, translate_sequence
from ned_core.manipulation.learned_style import extract_learned_style

CONFIG = DirectConfig()


@pytest.fixture()
def clip(small_set):
    return small_set.expression[small_set.clip_rows(3)]  # 40 frames, float32


def _keys(*keys, first=1001, last=1040):
    return EmotionSchedule(tuple(EmotionKey(*k) for k in keys), first, last)


def test_is_a_director_and_keeps_shape_and_dtype(untrained, clip):
    director = LearnedDirector(untrained)
    assert isinstance(director, Director)
    out = director.direct(clip, parse_emotion_spec("happy", 1001, 1040, CONFIG), seed=1)
    assert out.shape == clip.shape and out.dtype == np.float32 and not np.allclose(out, clip)
    as64 = director.direct(clip.astype(np.float64), parse_emotion_spec("happy", 1001, 1040, CONFIG), 1)
    assert as64.dtype == np.float64


def test_intensity_zero_returns_the_performance_exactly(untrained, clip):
    director = LearnedDirector(untrained)
    out = director.direct(clip, parse_emotion_spec("angry:0", 1001, 1040, CONFIG), seed=0)
    np.testing.assert_array_equal(out, clip)
    angry = tuple(float(e == "angry") for e in EMOTIONS)
    ramp = director.direct(clip, _keys((1001, angry, 0.0, 1), (1040, angry, 1.0, 10)), seed=0)
    np.testing.assert_allclose(ramp[:20], clip[:20], rtol=0, atol=1e-6)  # windows before the ramp
    assert np.abs(ramp[-1] - clip[-1]).max() > 0.01


def test_intensity_one_is_the_paper_output_and_the_change_grows(untrained, clip):
    director = LearnedDirector(untrained)
    target = director.label_styles(seed=4)[EMOTIONS.index("sad")]

    def paper(window, context):  # G(s, M(z, sad)) for one window
        with torch.no_grad():
            return untrained.translator(torch.from_numpy(window).float()[None],
                                        torch.from_numpy(target).float()[None])[0].double().numpy()

    full = director.direct(clip, parse_emotion_spec("sad", 1001, 1040, CONFIG), seed=4)
    np.testing.assert_allclose(full, apply_windowed(clip, paper), atol=1e-5)
    change = [np.abs(director.direct(clip, parse_emotion_spec(f"sad:{i}", 1001, 1040, CONFIG), 4) - clip).mean()
              for i in (0.25, 0.5, 1.0, 1.5)]
    assert change == sorted(change) and change[0] > 0


def test_seed_picks_the_style(untrained, clip):
    director = LearnedDirector(untrained)
    schedule = parse_emotion_spec("fear", 1001, 1040, CONFIG)
    np.testing.assert_array_equal(director.direct(clip, schedule, 7), director.direct(clip, schedule, 7))
    assert not np.allclose(director.direct(clip, schedule, 7), director.direct(clip, schedule, 8))


def test_keys_change_the_target_over_time(untrained, clip):
    director = LearnedDirector(untrained)
    happy, sad = tuple(float(e == "happy") for e in EMOTIONS), tuple(float(e == "sad") for e in EMOTIONS)
    keyed = director.direct(clip, _keys((1001, happy, 1.0, 1), (1030, sad, 1.0, 10)), seed=2)
    only_happy = director.direct(clip, _keys((1001, happy, 1.0, 1)), seed=2)
    only_sad = director.direct(clip, _keys((1001, sad, 1.0, 1)), seed=2)
    np.testing.assert_allclose(keyed[:10], only_happy[:10], atol=1e-9)  # before the transition's windows
    np.testing.assert_allclose(keyed[-2:], only_sad[-2:], atol=1e-9)  # windows after the key frame
    assert np.abs(keyed[15:30] - only_happy[15:30]).max() > 0.05


def test_batched_translation_equals_one_window_at_a_time(untrained, clip):
    rng = np.random.default_rng(0)
    styles = rng.normal(size=(40, untrained.config.style_dim))
    intensity = np.linspace(0.0, 1.5, 40)
    expr = clip.astype(np.float64)
    one = translate_sequence(untrained, expr, styles, intensity, CONFIG, batch_windows=1)
    np.testing.assert_allclose(translate_sequence(untrained, expr, styles, intensity, CONFIG, batch_windows=64),
                               one, atol=1e-5)
    assert np.abs(one - expr).max() > 0.05  # it translated


def test_intensity_fades_from_the_input_to_the_target_style(untrained, clip):
    """One window (T = N): near intensity 0 the input comes back; at 1 it is the translator's output for the
    target style itself."""
    window = clip[:CONFIG.window].astype(np.float64)
    style = np.random.default_rng(1).normal(size=untrained.config.style_dim)
    styles = np.tile(style, (len(window), 1))
    faint = translate_sequence(untrained, window, styles, np.full(len(window), 1e-6), CONFIG)
    np.testing.assert_allclose(faint, window, atol=1e-4)
    full = translate_sequence(untrained, window, styles, np.ones(len(window)), CONFIG)
    with torch.no_grad():
        want = untrained.translator(torch.from_numpy(window).float()[None], torch.from_numpy(style).float()[None])
    np.testing.assert_allclose(full, want[0].double().numpy(), atol=1e-5)
    assert np.abs(full - window).max() > 0.05

def test_schedules_that_do_not_fit_are_refused(untrained, clip):
    director = LearnedDirector(untrained)
    with pytest.raises(ScheduleTargetError, match="names emotions"):
        director.direct(clip, parse_emotion_spec("0.8", 1001, 1040, CONFIG), 0)
    with pytest.raises(ShapeError, match=r"\(40, 27\)"):
        director.direct(clip[:30], parse_emotion_spec("happy", 1001, 1040, CONFIG), 0)
    bad = clip.copy()
    bad[5, 2] = np.nan
    with pytest.raises(ExpressionValueError, match="frame 1006, channel brow_inner_up_R"):
        director.direct(bad, parse_emotion_spec("happy", 1001, 1040, CONFIG), 0)


def test_reference_style_is_the_geometric_median_of_window_styles(untrained, small_set, clip):
    reference = small_set.expression[small_set.clip_rows(8)]
    has_face = np.ones(40, bool)
    has_face[20] = False  # windows through frame 20 are left out
    style = extract_learned_style(untrained, reference, CONFIG, has_face)
    assert style.windows == (20 - 10 + 1) + (40 - 21 - 10 + 1) and style.face_frames == 39
    windows = np.stack([reference[i:i + 10] for i in range(31) if not i <= 20 < i + 10])
    with torch.no_grad():
        codes = untrained.style_encoder(torch.from_numpy(windows)).double().numpy()
    assert np.sum(np.linalg.norm(codes - style.vector, axis=1)) <= np.sum(np.linalg.norm(codes - codes.mean(0), axis=1))
    director = LearnedDirector(untrained, style=style)
    out = director.direct(clip, parse_emotion_spec("1.0", 1001, 1040, CONFIG), seed=0)
    assert not np.allclose(out, clip)
    assert np.array_equal(out, director.direct(clip, parse_emotion_spec("1.0", 1001, 1040, CONFIG), seed=99))
    assert "ned/direct/style" in director.metadata()
    with pytest.raises(ScheduleTargetError, match="intensities only"):
        director.direct(clip, parse_emotion_spec("happy", 1001, 1040, CONFIG), 0)
    with pytest.raises(ReferenceTooShortError, match="N=10"):
        extract_learned_style(untrained, reference[:9], CONFIG)


def test_load_learned_director_from_a_checkpoint(tmp_path, untrained, small_set, clip):
    path = save_checkpoint(tmp_path / "m.pt", untrained, 0, {})
    director = load_learned_director(path, "cpu", CONFIG, reference=small_set.expression[:40])
    meta = director.metadata()
    assert meta["ned/direct/director"] == "learned_manipulator"
    assert meta["ned/direct/checkpoint"].startswith("m.pt sha256:")
    out = director.direct(clip, parse_emotion_spec("0.5", 1001, 1040, CONFIG), seed=0)
    assert out.shape == clip.shape
