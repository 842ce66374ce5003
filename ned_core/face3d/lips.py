"""Closing the lips over an opening the edit takes away (the teeth of a broad smile made sad).

A smile that bares the teeth parts the lips by much more than the fitted units explain (the upper lip is
retracted over the teeth); the model and its unexplained detail together reproduce that opening. Re-posing the
face with another expression changes only the model's part, so a smiling still made sad keeps a slot of teeth
between lips that should meet. Here each inner-lip pair's observed opening above a closed mouth
(``CLOSED_GAP``, what the face mesh reports on closed lips) shrinks in proportion to the expression's own
share of the opening (the model's gap above its rest shape, ``(target + eps) / (source + eps)``, at most 1):
where the edit removes the opening the units explain (jaw, parted lips, raised upper lip) the observed opening
closes with it; where the edit keeps or widens it (speech, surprise), or keeps the smile (the mouth corners
stay up: a happy target on a smile with teeth), nothing changes. The inner lips meet halfway; the outer lip
line follows with ``OUTER_SHARE`` of that motion, so the red of the lips stretches over the old opening rather
than swelling. What closes is the opening the mouth holds: in a still or a silent stretch all of it, while the
actor talks its low envelope (the teeth a smile shows between syllables); what each syllable opens above it stays
(the words' time course, as the director keeps it). Left open in speech (the closing faded out while talking),
the speaking astronaut made sad kept a slot of teeth 0.08-0.13 IOD high between syllables and read happy (fer
p(happy) 0.72); closed over it (and its corners brought to the lip line, see ``sealed``) 0.63, neutral 0.86 ->
0.80, mouth-opening PCC 0.93 -> 0.94.

The units' share undercounts a broad smile's opening: the fit reads most of the parted lips as rest shape and
unexplained detail (the speaking astronaut's rest face holds her inner lips 0.117 IOD apart, the units 0.018 above
it), so a share of 0.4 closed only 60 % of the held opening and her lips stayed 0.07 IOD apart between syllables
over a row of teeth (fer p(happy) sad 0.51, neutral 0.68, angry 0.47, disgusted 0.76). Where the target's units open
the lips less than the source's and the smile goes (the corners come down), the whole held opening counts as the
smile's: sad, neutral, angry and disgusted close it (lips 0.035 IOD apart between syllables, teeth kept there 30 %
of the source's, was 75 % on sad; p(happy) 0.32, 0.41, 0.35, 0.24, all read neutral; held-out warm grade 0.48 /
0.66 / 0.43 / 0.81 -> 0.19 / 0.28 / 0.23 / 0.21; mouth PCC 0.92 / 0.96 / 0.94 / 0.90, with ``render/lip_seal.py``
no longer painting the syllables' small openings half shut); a target whose units open the lips as far or further
(surprise's jaw, fear) keeps it.

Units that press or thin the lips (AU23/AU24 of anger) move each lip towards the mean face's mouth slit; on an
actor whose lips already meet (the mean face's are parted ~0.09 IOD, closed lips are negative unexplained
detail) that would push the upper lip through the lower one and the warp would fold the lip texture into a
jagged line. The lips therefore meet and press but never cross: an inner-lip pair the edit brings closer than
``min(observed gap, CLOSED_GAP)`` is opened back to it, each lip taking half (:func:`keep_lips_apart`).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d, minimum_filter1d

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER

# LIPS_INNER / LIPS_OUTER run corner, lower lip (9 points), corner, upper lip (9 points, back towards
# the first corner): lower point 1 + j faces upper point 19 - j.
INNER_PAIRS = np.array([(LIPS_INNER[19 - j], LIPS_INNER[1 + j]) for j in range(9)], np.int64)  # (upper, lower)
OUTER_PAIRS = np.array([(LIPS_OUTER[19 - j], LIPS_OUTER[1 + j]) for j in range(9)], np.int64)
OUTER_SHARE = 0.5  # how much of the inner lips' closing motion the outer lip line follows
CLOSED_GAP = 0.02  # IOD: inner-lip gap of closed lips as the face mesh reads them (Grace Hopper's still: 0.018-0.021)
GAP_EPS = 0.01  # IOD: expression gaps are compared as (target + eps) / (source + eps)
CORNERS = (61, 291)
SLOW_FRAMES = 12.0  # sigma (frames) of the slow component the closing follows: speech keeps its time course
SPEECH_GAP = 0.015  # IOD: mean deviation of the inner-lip gap from its slow part at which a mouth counts as talking
SMILE_KEPT, SMILE_GONE = 0.01, 0.035  # IOD the mouth corners come down: lips close not at all / fully
SEALED_GAP, PARTED_GAP = 0.05, 0.075  # IOD mean inner-lip gap of model faces: lips closed / parted (mean face: 0.079)


def _gap(faces: np.ndarray) -> np.ndarray:
    """``(T, 9)`` vertical inner-lip gap (lower minus upper, template y points down), IOD."""
    return faces[:, INNER_PAIRS[:, 1], 1] - faces[:, INNER_PAIRS[:, 0], 1]


def _silence(gap: np.ndarray) -> np.ndarray:
    """``(T, P)`` in 0..1 of ``(T, P)`` inner-lip gaps (IOD): 1 in a still or a silent stretch, fading to 0 where
    the gap moves by ``SPEECH_GAP`` about its slow part (the actor talks)."""
    fast = np.abs(gap - gaussian_filter1d(gap, SLOW_FRAMES, axis=0, mode="nearest"))
    return 1.0 - np.clip(gaussian_filter1d(fast, 0.5 * SLOW_FRAMES, axis=0, mode="nearest") / SPEECH_GAP, 0.0, 1.0)


def silence(faces: np.ndarray) -> np.ndarray:
    """``(T,)`` in 0..1: how silent the mouth of ``(T, 468, 3)`` template-space faces is per frame (1 in a still
    or a silent stretch, 0 while the actor talks; the least silent of the inner-lip pairs)."""
    return _silence(_gap(np.asarray(faces, np.float64))).min(axis=1)


def sealed(faces: np.ndarray) -> np.ndarray:
    """``(T,)`` in 0..1: how closed the lips of ``(T, 468, 3)`` template-space faces (model + unexplained detail)
    are between syllables (the mean inner-lip gap's low envelope: while the actor talks the words part the lips,
    the mouth stays sealed): 1 at a mean inner-lip gap of ``SEALED_GAP`` or less (the lips of a smile made sad,
    angry or neutral meet at 0.037-0.041 IOD), 0 at ``PARTED_GAP`` or more (the mean face's lips are parted by
    0.079 IOD on average, 0.093 in the middle; surprise, fear and disgust on the astronaut's smile keep 0.11-0.27)."""
    gap = _low_envelope(_gap(np.asarray(faces, np.float64)).mean(axis=1, keepdims=True))[:, 0]
    return np.clip((PARTED_GAP - gap) / (PARTED_GAP - SEALED_GAP), 0.0, 1.0)


def _low_envelope(gap: np.ndarray) -> np.ndarray:
    """``(T, P)`` the low envelope of ``(T, P)`` gaps: their minimum over ``2 * SLOW_FRAMES`` frames, smoothed over
    ``SLOW_FRAMES``, at most the gap itself (a still's or a silent stretch's own gap; while the actor talks, the
    gap between syllables)."""
    low = minimum_filter1d(gap, 2 * int(SLOW_FRAMES) + 1, axis=0, mode="nearest")
    return np.minimum(gaussian_filter1d(low, SLOW_FRAMES, axis=0, mode="nearest"), gap)


def _held_opening(gap: np.ndarray) -> np.ndarray:
    """``(T, P)`` the part of ``(T, P)`` inner-lip gaps (IOD) above ``CLOSED_GAP`` that the mouth holds (its low
    envelope): in a still or a silent stretch all of it; while the actor talks, the opening between syllables (a
    smile's teeth), not the syllables' own."""
    return _low_envelope(np.maximum(np.asarray(gap, np.float64) - CLOSED_GAP, 0.0))


def keep_lips_apart(source: np.ndarray, target: np.ndarray, unexplained: np.ndarray) -> np.ndarray:
    """``unexplained`` ``(T, 468, 3) float32`` moved so that no inner-lip pair of ``target + unexplained`` is
    closer than ``min(observed, CLOSED_GAP)``, the observed gap being ``source + unexplained``'s (lips meet,
    never cross). ``source``/``target``: ``(T, 468, 3)`` model faces; unchanged where nothing is pushed through."""
    out = np.asarray(unexplained, np.float32)
    observed = _gap(source) + _gap(out)
    crossing = np.maximum(np.minimum(observed, CLOSED_GAP) - (_gap(target) + _gap(out)), 0.0)
    if not crossing.any():
        return out
    out = out.copy()
    out[:, INNER_PAIRS[:, 0], 1] -= 0.5 * crossing  # upper lip up
    out[:, INNER_PAIRS[:, 1], 1] += 0.5 * crossing  # lower lip down
    return out


def close_unexplained_opening(rest: np.ndarray, source: np.ndarray, target: np.ndarray,
                              unexplained: np.ndarray) -> np.ndarray:
    """The unexplained detail moved so that the lips close as far as the edit closes the expression's opening.

    Args:
        rest: ``(468, 3)`` the model's rest face (every channel 0), template space (IOD, y down).
        source: ``(T, 468, 3)`` model faces of the fitted expression.
        target: ``(T, 468, 3)`` model faces of the edited expression.
        unexplained: ``(T, 468, 3)`` the fit's unexplained detail.

    Returns:
        ``(T, 468, 3) float32``: ``unexplained`` where the target opens the lips at least as far as the
        source or keeps the mouth corners up (exactly equal for an unedited expression); elsewhere the held
        part of each inner-lip pair's observed gap above ``CLOSED_GAP`` (all of it in a still, the opening between
        syllables while the actor talks) scaled by the expression's share (in full once the corners come down
        ``SMILE_GONE``), the syllables' opening above it kept, the pair meeting halfway, the outer lip line
        following with ``OUTER_SHARE``.
    """
    # a smile that bares the teeth keeps them while the target keeps the smile (the corners stay up)
    drop = gaussian_filter1d(np.mean(target[:, list(CORNERS), 1] - source[:, list(CORNERS), 1], axis=1),
                             SLOW_FRAMES, mode="nearest")
    t = np.clip((drop - SMILE_KEPT) / (SMILE_GONE - SMILE_KEPT), 0.0, 1.0)
    if not t.any():
        return np.asarray(unexplained, np.float32)
    gone = t * t * (3.0 - 2.0 * t)
    rest_gap = _gap(np.asarray(rest, np.float64)[None])
    observed = _gap(source) + _gap(unexplained)
    held = _held_opening(observed)
    # the expression's share of the held opening (its low envelope: in a still or a held expression the whole
    # opening, while the actor talks the opening between syllables): where the target's units open the lips less
    # than the source's and the smile goes, all of the held opening is the smile's (the fit reads most of a broad
    # smile's parted lips as rest shape and unexplained detail), where they open them as far or further, none
    src_expr = _low_envelope(np.maximum(_gap(source) - rest_gap, 0.0))
    dst_expr = _low_envelope(np.maximum(_gap(target) - rest_gap, 0.0))
    smile_share = src_expr + gone[:, None] * np.maximum(held - src_expr, 0.0)
    keep = np.where(dst_expr < src_expr, np.minimum((dst_expr + GAP_EPS) / (smile_share + GAP_EPS), 1.0), 1.0)
    edited = _gap(target) + _gap(unexplained)
    # the held part of the opening (its low slow envelope; in a still or a silent stretch all of it) closes to
    # ``keep`` of itself; what the syllables open above it is kept as it is (their time course, closures closed)
    wanted = observed - (1.0 - keep) * held
    close = np.where(keep < 1.0, np.maximum(edited - np.maximum(wanted, np.minimum(observed, CLOSED_GAP)), 0.0), 0.0)
    if not close.any():
        return np.asarray(unexplained, np.float32)
    # (T, 9) how far each lip of a pair moves towards the other
    half = 0.5 * close * gone[:, None]
    out = np.array(unexplained, np.float32, copy=True)
    for pairs, share in ((INNER_PAIRS, 1.0), (OUTER_PAIRS, OUTER_SHARE)):
        out[:, pairs[:, 0], 1] += share * half  # upper lip down
        out[:, pairs[:, 1], 1] -= share * half  # lower lip up
    return out
