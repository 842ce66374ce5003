"""close_unexplained_opening: lips meet where the edit takes the opening (and the smile) away, nowhere else;
keep_lips_apart: pressed lips meet but never cross."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.face3d.lips import (
    CLOSED_GAP,
    CORNERS,
    INNER_PAIRS,
    close_unexplained_opening,
    keep_lips_apart,
    sealed,
)


def _faces(gap: float, corner_drop: float) -> np.ndarray:
    """``(1, 468, 3)`` the mean face with its inner lips opened by ``gap`` IOD and the corners lowered."""
    face = load_mean_face().astype(np.float64).copy()
    face[INNER_PAIRS[:, 1], 1] += gap
    face[list(CORNERS), 1] += corner_drop
    return face[None]


def _observed_gap(model: np.ndarray, unexplained: np.ndarray) -> np.ndarray:
    faces = model + unexplained
    return faces[0, INNER_PAIRS[:, 1], 1] - faces[0, INNER_PAIRS[:, 0], 1]


def test_an_unedited_expression_keeps_the_detail_exactly():
    rest = load_mean_face().astype(np.float64)
    source = _faces(0.07, 0.0)
    unexplained = np.random.default_rng(0).normal(0, 0.01, source.shape).astype(np.float32)
    np.testing.assert_array_equal(close_unexplained_opening(rest, source, source, unexplained), unexplained)


def test_a_smile_with_teeth_made_sad_closes_a_wider_one_opens_nothing():
    rest = load_mean_face().astype(np.float64)
    source = _faces(0.07, 0.0)  # the units open the lips 0.07 IOD above the rest ...
    unexplained = np.zeros_like(source, dtype=np.float32)
    unexplained[0, INNER_PAIRS[:, 1], 1] = 0.02  # ... and the unexplained detail another 0.02
    before = _observed_gap(source, unexplained)
    sad = _faces(0.0, 0.1)  # the edit takes the units' opening away and lowers the corners
    after = _observed_gap(sad, close_unexplained_opening(rest, source, sad, unexplained))
    assert np.all(after < 0.3 * before) and np.all(after >= CLOSED_GAP - 1e-6)
    wider = _faces(0.12, 0.1)  # surprise: more opening, nothing to close
    np.testing.assert_array_equal(close_unexplained_opening(rest, source, wider, unexplained), unexplained)
    kept_smile = _faces(0.0, 0.0)  # happy: the corners stay up, the teeth stay
    np.testing.assert_array_equal(close_unexplained_opening(rest, source, kept_smile, unexplained), unexplained)


def test_a_smile_s_opening_read_as_rest_shape_closes_when_the_smile_goes():
    """The fit of a broad smile reads most of its parted lips as rest shape (the speaking astronaut: the rest face's
    inner lips 0.117 IOD apart, the units' 0.018 above it): the smile made sad closes the whole held opening, not
    the units' share of it (which left her lips 0.07 IOD apart over a row of teeth); surprise, whose units open the
    lips further, closes nothing."""
    rest = _faces(0.04, 0.0)[0]  # the rest face holds the smile's opening ...
    source = _faces(0.055, 0.0)  # ... the units add a little to it
    unexplained = np.zeros_like(source, dtype=np.float32)
    sad = _faces(0.04, 0.1)  # the units' opening taken away, the corners down
    after = _observed_gap(sad, close_unexplained_opening(rest, source, sad, unexplained))
    assert np.all(after < CLOSED_GAP + 0.01), f"lips {after.max():.3f} IOD apart"  # main: 0.072
    wider = _faces(0.2, 0.1)
    np.testing.assert_array_equal(close_unexplained_opening(rest, source, wider, unexplained), unexplained)


def test_while_the_actor_talks_the_held_opening_closes_and_the_syllables_stay():
    rest = load_mean_face().astype(np.float64)
    frames = 48
    syllables = 0.06 * (1.0 + np.sin(np.arange(frames) * 2 * np.pi / 6.0))  # opening 0..0.12 IOD, 4 Hz at 24 fps
    source = np.concatenate([_faces(g, 0.0) for g in 0.07 + syllables])  # a smile's teeth, talking
    target = np.concatenate([_faces(g, 0.1) for g in syllables])  # the smile's held opening removed, speech kept
    unexplained = np.zeros_like(source, dtype=np.float32)
    unexplained[:, INNER_PAIRS[:, 1], 1] = 0.02
    trough = syllables < syllables.min() + 1e-9  # the frames between syllables
    before = np.stack([_observed_gap(target[t : t + 1], unexplained[t : t + 1]) for t in range(frames)])
    closed = close_unexplained_opening(rest, source, target, unexplained)
    after = np.stack([_observed_gap(target[t : t + 1], closed[t : t + 1]) for t in range(frames)])
    # between syllables the lips come together over the teeth (the director's model alone left them 0.085-0.122 IOD
    # apart, closed: 0.048-0.055) ...
    assert np.all(after[trough] < before[trough] - 0.03) and np.all(after >= CLOSED_GAP - 1e-6)
    # ... and every syllable opens them by as much as before: the opening's time course is the source's
    rise = (after - after[trough].mean(axis=0)) - (before - before[trough].mean(axis=0))
    assert np.abs(rise).max() < 0.002


def test_pressed_closed_lips_meet_but_never_cross():
    # closed lips (Grace Hopper's still): the mean face's 0.093 IOD parting cancelled by unexplained detail
    source = _faces(0.0, 0.0)
    unexplained = np.zeros_like(source, dtype=np.float32)
    unexplained[0, INNER_PAIRS[:, 1], 1] = CLOSED_GAP - _observed_gap(source, unexplained)
    pressed = source.copy()  # lip tighten/press: each lip moves 0.03 IOD towards the mean face's slit
    pressed[0, INNER_PAIRS[:, 0], 1] += 0.03
    pressed[0, INNER_PAIRS[:, 1], 1] -= 0.03
    assert np.all(_observed_gap(pressed, unexplained) < 0.0)  # as re-posed: the upper lip through the lower
    kept = keep_lips_apart(source, pressed, unexplained)
    np.testing.assert_allclose(_observed_gap(pressed, kept), _observed_gap(source, unexplained), atol=1e-6)
    np.testing.assert_array_equal(keep_lips_apart(source, source, unexplained), unexplained)


def test_sealed_is_one_for_closed_lips_and_zero_for_the_mean_face_s_parted_ones():
    rest = load_mean_face().astype(np.float64)[None]
    assert sealed(rest)[0] == 0.0  # the mean face's lips are parted (0.079 IOD on average)
    closed = rest.copy()
    gap = closed[:, INNER_PAIRS[:, 1], 1] - closed[:, INNER_PAIRS[:, 0], 1]
    closed[:, INNER_PAIRS[:, 0], 1] += 0.5 * (gap - 0.04)  # lips 0.04 IOD apart, as a smile made sad
    closed[:, INNER_PAIRS[:, 1], 1] -= 0.5 * (gap - 0.04)
    half = (closed + rest) / 2
    values = [sealed(face[None])[0] for face in (closed[0], half[0], rest[0])]
    assert values[0] == 1.0 and 0.0 < values[1] < 1.0 and values[2] == 0.0


def test_talking_lips_that_meet_between_syllables_count_as_sealed_throughout():
    rest = load_mean_face().astype(np.float64)[None]
    gap = rest[:, INNER_PAIRS[:, 1], 1] - rest[:, INNER_PAIRS[:, 0], 1]
    faces = np.repeat(rest, 48, axis=0)
    opening = 0.04 + 0.08 * np.sin(np.arange(48) * np.pi / 6.0) ** 2  # closed 0.04 IOD, syllables to 0.12
    faces[:, INNER_PAIRS[:, 0], 1] += 0.5 * (gap - opening[:, None])
    faces[:, INNER_PAIRS[:, 1], 1] -= 0.5 * (gap - opening[:, None])
    values = sealed(faces)
    assert values[12:-12].min() > 0.9  # the syllables do not unseal them: the corners do not bob with the words
