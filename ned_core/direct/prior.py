"""The embedded director: EMFACS emotion prototypes applied relative to the actor's own performance."""

from __future__ import annotations

import json

import numpy as np

from ned_core.direct.config import DirectConfig
from ned_core.direct.director import check_expression
from ned_core.direct.edit import redirect
from ned_core.direct.prototypes import PROTOTYPES_VERSION, prototype_matrix
from ned_core.direct.schedule import EmotionSchedule
from ned_core.direct.units import apply_overrides
from ned_core.exceptions import ScheduleTargetError


class EmotionPriorDirector:
    """Directs to labelled emotions with the prototype prior (a :class:`Director`).

    Per frame: the source's emotional offset (prototype fit of its tonic level) is removed with
    weight ``min(intensity, 1)`` and ``sum_e amount_e * prototype_e`` is added, where the amounts
    are the schedule's weights x intensity (per-unit overrides replace the target on their channels,
    see :mod:`ned_core.direct.units`); dynamics and speech are kept (see
    :mod:`ned_core.direct.edit`). Intensity 0 returns the source exactly. The prior has no
    randomness: ``seed`` is accepted for the interface and does not change the result.
    """

    name = "emfacs_prior"

    def __init__(self, config: DirectConfig = DirectConfig()) -> None:
        self.config = config

    def direct(self, expr: np.ndarray, schedule: EmotionSchedule, seed: int) -> np.ndarray:
        """``(T, K)`` expression (T = ``schedule.n_frames``) -> directed ``(T, K)`` of the same dtype.

        Raises:
            ShapeError, ExpressionValueError: bad ``expr``.
            ScheduleTargetError: the schedule names no emotion (intensity-only).
        """
        if not schedule.labelled:
            raise ScheduleTargetError(
                "the emotion prior needs a schedule that names emotions; an intensity-only schedule "
                "goes with a reference clip"
            )
        values = check_expression(expr, schedule.n_frames, schedule.first_frame)
        sample = schedule.sample()
        target, strength = apply_overrides(sample.amounts @ prototype_matrix(), np.minimum(sample.intensity, 1.0),
                                           sample.unit_values, sample.unit_mask)
        out = redirect(values, target, strength, self.config, sample.unit_mask)
        return out.astype(np.asarray(expr).dtype, copy=False)

    def metadata(self) -> dict[str, str]:
        """``ned/direct/*`` keys: director name, prototype table version, config as JSON."""
        return {
            "ned/direct/director": self.name,
            "ned/direct/prototypes": PROTOTYPES_VERSION,
            "ned/direct/config": json.dumps(self.config.as_dict(), sort_keys=True),
        }
