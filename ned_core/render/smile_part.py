"""A smile the edit adds lifts the upper lip off the upper teeth, where the shot shows its mouth's interior.

The happy prototype (AU6 + AU12) raises the corners of closed lips into a closed-lip smile, which fer does not
read (Grace Hopper speaking warm-dark: happy recognised 8 %, mean p(happy) 0.25; the frames it reads happy are
those whose lips part over teeth; putting the source's mouth back into the result takes p(happy) back to the
source's on every probe frame, the eyes and cheeks move it by <= 0.03). A broad smile is more than its corners: a
strong AU12 raises the upper lip with the infraorbital triangle (the appearance changes FACS scores AU10 by;
Ekman, Friesen & Hager, *FACS Investigator's Guide* 2002, AU12's and AU10's appearance changes), and the lips part
over the upper teeth: an average social smile shows 75-100 % of the upper front teeth's crowns, a low smile less
(Tjan, Miller & The, "Some esthetic factors in a smile", *J. Prosthet. Dent.* 51, 1984; a central incisor's crown
is ~10 mm, ~0.16 IOD). Our fit reads that lift where a real smile holds it: the astronaut's broad smile
(lip_corner_pull 0.75 / 0.65) holds upper_lip_raise 0.46 (see ``direct/edit.py``), 0.66 of the smile.

So where the edit adds smile (lip_corner_pull above the source's, both sides' mean), the upper-lip raise gets
:data:`LIFT_PER_SMILE` of it on top: the lips part from above (``pipeline/targets.py`` judges the opening
without the lift, as for a disgusted upper lip) and the renderer shows the teeth it uncovers from the shot's own
open frames (``smile_teeth.py``: the upper teeth, in every frame; ``mouth_fill.py``: a wider opening). Only in a shot
that shows its mouth's interior somewhere (an inner-lip area of at least ``RenderConfig.mouth_open`` in some
frame): a still of closed lips has no teeth to show, and a parted smile there would open on a synthesised dark
slit, so it keeps its closed-lip smile. The lift follows the directed smile, which is slow (the director's
offsets), so the teeth do not flicker in and out.

:data:`LIFT_PER_SMILE` is 1.25 since happy pulls the corners at 1.2 (``direct/prototypes.py``), so that happy:1 lifts
by 1.5 upper_lip_raise as before (with 1.5 per unit, 1.8: the gap between the lips of the speaking actor's closed
frames grew past its teeth, gap luma over cheek 0.67-0.72, ``test_render_parted_smile.py``). Tuned as 1.5 with
happy's 1.0: at happy:1 the unit lifts the lip's outer edge 0.12 IOD (~7.5 mm, three quarters
of an incisor's crown: Tjan's average smile), its inner edge 0.066 IOD off closed lips. Measured on Grace Hopper
speaking warm-dark (tuning; happy recognised, mean p(happy), mouth PCC): main 8 %, 0.25, 0.93; 0.66 (the
astronaut's ratio, before ``smile_teeth.py``) 17 %, 0.30, 0.92; 1.0: 25 %, 0.31, 0.96; 1.5: 33 %, 0.37, 0.96, by
eye a smile that shows the upper teeth; the astronaut's smiles read as before (p(happy) 0.93-1.0).
"""

from __future__ import annotations

import numpy as np

from ned_core.face3d.channels import CHANNEL_INDEX
from ned_core.render.mouth_index import mouth_shape

LIFT_PER_SMILE = 1.25  # upper_lip_raise per unit of lip_corner_pull added: 1.5 at happy:1 (module docstring)
SMILE = (CHANNEL_INDEX["lip_corner_pull_L"], CHANNEL_INDEX["lip_corner_pull_R"])
LIFT = CHANNEL_INDEX["upper_lip_raise"]


def shows_interior(landmarks: np.ndarray, mouth_open: float) -> bool:
    """Whether any frame of ``(T, >= 468, >= 2)`` landmarks (image pixels) parts the lips to an inner-lip area of
    at least ``mouth_open`` (IOD^2): the shot's mouth index then holds an interior to retrieve."""
    return any(mouth_shape(lm)[1] >= mouth_open for lm in np.asarray(landmarks, np.float64))


def smile_lift(source: np.ndarray, target: np.ndarray, interior: bool) -> np.ndarray:
    """``(T,)`` the upper-lip raise (activation) a smile the edit adds brings: :data:`LIFT_PER_SMILE` of the
    lip_corner_pull the target adds over the source (mean of both sides, 0 where it adds none); 0 without an
    ``interior`` to show.

    Args:
        source, target: ``(T, K)`` the fit's and the directed expression.
        interior: :func:`shows_interior` of the track.
    """
    source, target = np.asarray(source, np.float64), np.asarray(target, np.float64)
    if not interior:
        return np.zeros(len(target))
    added = target[:, list(SMILE)].mean(axis=1) - source[:, list(SMILE)].mean(axis=1)
    return LIFT_PER_SMILE * np.maximum(added, 0.0)


def part_smile(source: np.ndarray, target: np.ndarray, interior: bool) -> np.ndarray:
    """``target`` ``(T, K)`` with :func:`smile_lift` added to its upper-lip raise (a new array)."""
    out = np.array(target, np.float64)
    out[:, LIFT] += smile_lift(source, out, interior)
    return out
