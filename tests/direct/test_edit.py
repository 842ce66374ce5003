"""Speech channels under a change of mouth opening: offsets and gains only, never a reshape."""

import numpy as np
import pytest

from ned_core.direct.baseline import tonic_level
from ned_core.direct.config import DirectConfig
from ned_core.direct.edit import JAW_FULL, SPEECH_OFFSET_CAP, redirect
from ned_core.direct.prototypes import prototype
from ned_core.face3d.channels import CHANNEL_INDEX, NUM_CHANNELS

JAW = CHANNEL_INDEX["jaw_open"]


def _speaker(frames=200, rest=0.0):
    t = np.arange(frames) / 24.0
    x = np.zeros((frames, NUM_CHANNELS))
    x[:, JAW] = rest + 0.4 * np.abs(np.sin(2 * np.pi * 2.0 * t))
    return x


def _jaw_target(frames, value):
    target = np.zeros((frames, NUM_CHANNELS))
    target[:, JAW] = value
    return target


def test_more_opening_while_talking_is_a_slow_gain_closures_stay_closed():
    x = _speaker()
    y = redirect(x, _jaw_target(200, 0.1), np.zeros(200), DirectConfig())
    closed = x[:, JAW] < 1e-3
    np.testing.assert_allclose(y[closed, JAW], x[closed, JAW], atol=1e-9)  # b/p/m stay closed
    assert np.corrcoef(x[:, JAW], y[:, JAW])[0, 1] > 0.999  # the words' time course is kept
    assert y[:, JAW].mean() - x[:, JAW].mean() == pytest.approx(0.1, abs=0.01)  # as much more opening


def test_more_opening_in_silence_is_an_offset():
    x = np.zeros((50, NUM_CHANNELS))
    y = redirect(x, _jaw_target(50, 0.3), np.zeros(50), DirectConfig())
    np.testing.assert_allclose(y[:, JAW], 0.3, atol=1e-12)


def test_more_opening_than_the_gain_can_carry_becomes_an_offset_capped_while_talking():
    x = _speaker()  # mean opening 0.255: a gain of 1.5 carries 0.127 of extra opening
    config = DirectConfig(max_speech_gain=1.5)
    y = redirect(x, _jaw_target(200, 0.45), np.zeros(200), config)
    assert np.corrcoef(x[:, JAW], y[:, JAW])[0, 1] > 0.999
    assert y[:, JAW].mean() - x[:, JAW].mean() == pytest.approx(0.45, abs=0.01)  # offset 0.32: under the cap
    y = redirect(x, _jaw_target(200, 0.6), np.zeros(200), config)
    assert np.corrcoef(x[:, JAW], y[:, JAW])[0, 1] > 0.999
    closed = x[:, JAW] < 1e-3
    assert np.all(y[closed, JAW] - x[closed, JAW] <= SPEECH_OFFSET_CAP + 0.01)  # closures held apart no further
    assert y[:, JAW].mean() - x[:, JAW].mean() == pytest.approx(0.5 * x[:, JAW].mean() + SPEECH_OFFSET_CAP, abs=0.01)


def test_less_opening_lowers_the_held_level_first():
    x = _speaker(rest=0.25)  # mouth held open 0.25 under the speech
    y = redirect(x, _jaw_target(200, -0.2), np.zeros(200), DirectConfig())
    np.testing.assert_allclose(y[:, JAW] - x[:, JAW], -0.2, atol=1e-12)


@pytest.mark.parametrize("min_gain", [0.5, 0.8])
def test_what_the_held_level_cannot_absorb_becomes_a_bounded_gain(min_gain):
    x = _speaker(rest=0.0)
    y = redirect(x, _jaw_target(200, -0.5), np.zeros(200), DirectConfig(min_speech_gain=min_gain))
    ratio = y[:, JAW][x[:, JAW] > 0.05] / x[:, JAW][x[:, JAW] > 0.05]
    np.testing.assert_allclose(ratio, min_gain, rtol=0.05)
    assert np.corrcoef(x[:, JAW], y[:, JAW])[0, 1] > 0.99


def test_emotion_channels_never_go_below_rest_or_the_source():
    x = _speaker()
    target = np.zeros((200, NUM_CHANNELS))
    target[:, CHANNEL_INDEX["nose_wrinkle"]] = -2.0
    y = redirect(x, target, np.zeros(200), DirectConfig())
    assert y[:, CHANNEL_INDEX["nose_wrinkle"]].min() == 0.0


def test_a_held_smile_is_undone_for_another_emotion():
    """A smiling, talking actor made sad stops smiling; the speech keeps its time course."""
    smile = [CHANNEL_INDEX["lip_corner_pull_L"], CHANNEL_INDEX["lip_corner_pull_R"], CHANNEL_INDEX["upper_lip_raise"]]
    x = _speaker(rest=0.1)
    x[:, smile] = 0.7
    target = np.zeros((200, NUM_CHANNELS))
    target[:, CHANNEL_INDEX["lip_corner_depress_L"]] = 0.8
    y = redirect(x, target, np.ones(200), DirectConfig())
    # the whole held smile is gone down to the noise floor, not only a prototype's share
    assert np.abs(y[:, smile]).max() <= DirectConfig().held_floor + 1e-9
    assert y[:, JAW].min() == pytest.approx(0.0, abs=1e-9)  # the held-open mouth closes between syllables
    assert np.corrcoef(x[:, JAW], y[:, JAW])[0, 1] > 0.999


def test_a_dropped_jaw_undoes_the_held_smile_in_full():
    """Surprise's dropped jaw shows what a smile left at the floor keeps (its width, the teeth its lifted lip shows):
    there the smile and its lift are undone in full, where a closed-mouth target leaves them at the floor."""
    smile = [CHANNEL_INDEX[c] for c in ("lip_corner_pull_L", "lip_corner_pull_R", "upper_lip_raise", "nose_wrinkle")]
    x = _speaker(rest=0.1)
    x[:, smile] = 0.6
    sad, surprised = prototype("sad")[None].repeat(200, 0), prototype("surprised")[None].repeat(200, 0)
    kept = redirect(x, sad, np.ones(200), DirectConfig())[:, smile]
    gone = redirect(x, surprised, np.ones(200), DirectConfig())[:, smile]
    np.testing.assert_allclose(kept, DirectConfig().held_floor, atol=1e-9)
    assert np.abs(gone).max() < 1e-9
    half = redirect(x, 0.5 * surprised, np.ones(200), DirectConfig())[:, smile]  # jaw 0.3 of JAW_FULL 0.5
    np.testing.assert_allclose(half, DirectConfig().held_floor * (1 - 0.3 / JAW_FULL), atol=1e-9)


def test_a_target_the_source_already_holds_moves_the_face_further_saturating():
    """An actor whose rest face reads as a held unit (Grace Hopper's down-turned corners: lip_corner_depress 0.4)
    asked for that unit gets the target stacked on the held level, up to the target's size, scaled by what range is
    left (1 - kept / unit_range): put in its place, sad's 0.8 moved her corners by 0.4 only. The level never passes
    unit_range, and a target easing out hands the held level back to the undo without a jump."""
    corner, brow = CHANNEL_INDEX["lip_corner_depress_L"], CHANNEL_INDEX["brow_inner_up_L"]
    x = _speaker()
    x[:, corner], x[:, brow] = 0.4, 1.2
    target = np.zeros((200, NUM_CHANNELS))
    target[:, [corner, brow]] = 0.8
    y = redirect(x, target, np.ones(200), DirectConfig())
    np.testing.assert_allclose(y[:, corner] - x[:, corner], 0.8 * (1.0 - 0.4 / 1.5))  # 0.59, not 0.4
    # held beyond the target: the target's share kept and stacked on, the excess undone (replaced: 0.8)
    np.testing.assert_allclose(y[:, brow], 0.8 + 0.8 * (1.0 - 0.8 / 1.5))
    half = redirect(x, 0.5 * target, np.full(200, 0.5), DirectConfig())  # intensity 0.5: half the stacked move
    np.testing.assert_allclose(half[:, corner] - x[:, corner], 0.4 * (1.0 - 0.4 / 1.5))
    full = x.copy()
    full[:, corner] = 1.5  # at the end of its range: nothing left to add
    np.testing.assert_allclose(redirect(full, 1.5 / 0.8 * target, np.ones(200), DirectConfig())[:, corner], 1.5)
    strongest = redirect(x, 1.5 / 0.8 * target, np.ones(200), DirectConfig())
    assert strongest[:, [corner, brow]].max() <= DirectConfig().unit_range + 1e-12
    fixed = np.zeros((200, NUM_CHANNELS))
    fixed[:, corner] = 1.0  # an override sets its level: the held level is replaced
    set_level = redirect(x, target, np.ones(200), DirectConfig(), fixed)
    np.testing.assert_allclose(set_level[:, corner], 0.8)
    np.testing.assert_allclose(set_level[:, brow], y[:, brow])
    fading = redirect(x, 1e-3 * target, np.ones(200), DirectConfig())  # a target easing out: nearly undone
    gone = redirect(x, 0.0 * target, np.ones(200), DirectConfig())
    assert np.abs(fading[:, [corner, brow]] - gone[:, [corner, brow]]).max() <= DirectConfig().held_floor + 0.01


def test_width_motion_on_a_raised_smile_is_compressed_not_stacked():
    """Speech widens and narrows the mouth (read on the smile units); on a happy target that motion rides on
    compressed (half at intensity 1), so the corners are not pulled past any posed smile; a channel the target
    leaves alone, and the brows, keep their motion whole."""
    pull, brow = CHANNEL_INDEX["lip_corner_pull_L"], CHANNEL_INDEX["brow_inner_up_L"]
    x = _speaker()
    wide = 0.7 * np.maximum(np.sin(np.linspace(0.0, 80.0, 200)), 0.0)  # width changes with the syllables, tonic 0
    x[:, pull], x[:, brow] = wide, wide
    target = np.zeros((200, NUM_CHANNELS))
    target[:, [pull, brow]] = 1.0
    y = redirect(x, target, np.ones(200), DirectConfig())
    motion = y[:, brow] - 1.0  # the brow keeps the motion above its held level whole
    assert motion.max() > 0.5
    up = np.maximum(motion, 0.0)  # what rises above the held level is compressed
    np.testing.assert_allclose(y[:, pull] - 1.0, motion - 0.5 * up, atol=1e-6)  # stacked in full, it reached 1.7
    strong = redirect(x, 1.5 * target, np.ones(200), DirectConfig())  # intensity 1.5: a quarter rides on
    np.testing.assert_allclose(strong[:, pull] - 1.5, motion - 0.75 * up, atol=1e-6)
    sad = np.zeros((200, NUM_CHANNELS))
    sad[:, CHANNEL_INDEX["lip_corner_depress_L"]] = 0.8
    other = CHANNEL_INDEX["brow_outer_up_L"]  # neither target sets it, and it is no width channel
    x[:, other] = wide
    y_sad = redirect(x, sad, np.ones(200), DirectConfig())
    np.testing.assert_allclose(y_sad[:, pull], y_sad[:, other], atol=1e-9)  # the sad target leaves the smile alone


def test_a_smiles_own_upper_lip_lift_is_not_stacked_on_when_the_smile_is_undone():
    """A broad smile lifts the upper lip, which the fit reads as nose_wrinkle / upper_lip_raise (the astronaut: 0.53 /
    0.46 under lip_corner_pull 0.7). Made disgusted, the smile goes and with it its lift: disgust's AU9/AU10 are
    put at their target level, not stacked on the smile's lift (1.18 / 1.01: a snarl over a reduced grin). Only a
    lift beyond the undone smile (a sneer held over it) is stacked on; without a smile the held lift stacks."""
    pull = [CHANNEL_INDEX["lip_corner_pull_L"], CHANNEL_INDEX["lip_corner_pull_R"]]
    lift = [CHANNEL_INDEX["nose_wrinkle"], CHANNEL_INDEX["upper_lip_raise"]]
    x = _speaker()
    x[:, pull], x[:, lift] = 0.7, [0.53, 0.46]
    target = np.zeros((200, NUM_CHANNELS))
    target[:, lift] = [1.0, 0.8]
    y = redirect(x, target, np.ones(200), DirectConfig())
    np.testing.assert_allclose(y[:, lift], np.broadcast_to([1.0, 0.8], (200, 2)))
    assert np.abs(y[:, pull]).max() <= DirectConfig().held_floor + 1e-9  # the smile itself is undone
    sneer = x.copy()
    sneer[:, lift] = 0.9  # a lift beyond the smile's 0.7: the 0.2 beyond it is kept and stacked on
    np.testing.assert_allclose(redirect(sneer, target, np.ones(200), DirectConfig())[:, lift[0]],
                               0.2 + 1.0 * (1.0 - 0.2 / 1.5))
    no_smile = x.copy()
    no_smile[:, pull] = 0.0  # the same lift held without a smile: stacked on as before
    np.testing.assert_allclose(redirect(no_smile, target, np.ones(200), DirectConfig())[:, lift[0]],
                               0.53 + 1.0 * (1.0 - 0.53 / 1.5))
    kept_smile = target.copy()
    kept_smile[:, pull] = 0.7  # a target that keeps the smile keeps its lift too
    np.testing.assert_allclose(redirect(x, kept_smile, np.ones(200), DirectConfig())[:, lift[0]],
                               0.53 + 1.0 * (1.0 - 0.53 / 1.5))


def test_passing_smiles_go_with_a_held_smile_the_target_undoes():
    """A smiling actor whose smile comes and goes over a held one (the speaking astronaut: lip_corner_pull 0.3-0.97)
    made sad stops smiling at the broad moments too: what rises above the held level is taken away by the share of
    the held level undone, and so does the upper-lip lift they co-activate. A happy target, and a smile with no held
    level, keep it (the width rule applies)."""
    pull = [CHANNEL_INDEX["lip_corner_pull_L"], CHANNEL_INDEX["lip_corner_pull_R"]]
    x = _speaker()
    passing = 0.5 * np.maximum(np.sin(np.linspace(0.0, 40.0, 200)), 0.0) ** 2  # episodes up to 0.5 ...
    x[:, pull] = 0.5 + passing[:, None]  # ... over a held 0.5
    config = DirectConfig()
    assert np.allclose(tonic_level(x, config)[:, pull], 0.5)
    sad = np.zeros((200, NUM_CHANNELS))
    sad[:, CHANNEL_INDEX["lip_corner_depress_L"]] = 0.8
    y = redirect(x, sad, np.ones(200), config)
    gone = (0.5 - config.held_floor) / 0.5  # the held level undone down to the floor: 80 % of it
    undone = config.held_floor + (1.0 - gone) * passing[:, None]
    np.testing.assert_allclose(y[:, pull], np.broadcast_to(undone, (200, 2)), atol=1e-6)
    assert y[:, pull].max() < config.held_floor + 0.11  # kept as dynamics, the episodes reached 0.6
    lifted = x.copy()
    lifted[:, CHANNEL_INDEX["upper_lip_raise"]] = 0.4 + passing  # the lift the smiles co-activate passes with them
    y = redirect(lifted, sad, np.ones(200), config)
    np.testing.assert_allclose(y[:, CHANNEL_INDEX["upper_lip_raise"]], config.held_floor + (1.0 - gone) * passing,
                               atol=1e-6)
    half = redirect(x, sad, np.full(200, 0.5), config)  # half the held smile undone: 40 % of each episode goes
    np.testing.assert_allclose(half[:, pull], np.broadcast_to(0.3 + 0.6 * passing[:, None], (200, 2)), atol=1e-6)
    happy = np.zeros((200, NUM_CHANNELS))
    happy[:, pull] = 1.0  # keeps the held smile: its passing smiles ride on (compressed by the width rule only)
    kept = redirect(x, happy, np.ones(200), config)[:, pull] - redirect(x, happy, np.ones(200), config)[:1, pull]
    np.testing.assert_allclose(kept, np.broadcast_to(0.5 * (passing - passing[0])[:, None], (200, 2)), atol=1e-6)
    no_held = x.copy()
    no_held[:, pull] = passing[:, None]  # smiles with nothing held under them are the actor's dynamics
    np.testing.assert_allclose(redirect(no_held, sad, np.ones(200), config)[:, pull],
                               np.broadcast_to(passing[:, None], (200, 2)), atol=1e-9)
