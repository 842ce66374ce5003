"""Emotion schedule: keyed emotion mix and intensity over a shot, with eased (never stepped) changes.

Intensity semantics (shared by every director): 0 leaves the performance untouched, 1 replaces
the emotion the actor shows by a full, typical target, up to 1.5 exaggerates the target.
Between two keys the per-emotion amounts (weight x intensity) and the intensity are blended
with an ease over the later key's transition length; the change ends exactly on the key frame
(and starts no earlier than the previous key). Before the first key and after the last one the
nearest key holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ned_core.direct.config import EASES
from ned_core.direct.labels import check_intensity
from ned_core.direct.units import UnitOverrides, check_unit, override_arrays
from ned_core.exceptions import (
    EmotionKeysFormatError,
    EmotionWeightError,
    KeyFrameRangeError,
    ScheduleFrameError,
)
from ned_core.face3d.channels import EMOTIONS


@dataclass(frozen=True)
class EmotionKey:
    """The target at one frame.

    Attributes:
        frame: frame number (shot numbering, e.g. 1001).
        weights: 7 weights in the order of ``EMOTIONS`` summing to 1, or ``None`` for an
            intensity-only key (the target emotion comes from a reference clip).
        intensity: 0..1.5.
        transition: frames of the eased change that ends on this key (>= 1).
        units: per-unit overrides on top of the emotion (``((unit, value), ...)``, see
            :mod:`ned_core.direct.units`); they ease between keys like the emotion.
    """

    frame: int
    weights: tuple[float, ...] | None
    intensity: float
    transition: int
    units: UnitOverrides = ()

    def __post_init__(self) -> None:
        where = f"key at frame {self.frame}"
        check_intensity(self.intensity, where)
        if isinstance(self.transition, bool) or not isinstance(self.transition, int) or self.transition < 1:
            raise EmotionKeysFormatError(f"{where}: transition must be an integer >= 1 frames, got {self.transition!r}")
        for name, value in self.units:
            check_unit(name, value, where)
        if self.weights is not None:
            ok = len(self.weights) == len(EMOTIONS) and all(w >= 0 for w in self.weights)
            if not ok or not math.isclose(sum(self.weights), 1.0, abs_tol=1e-9):
                raise EmotionWeightError(
                    f"{where}: weights must be {len(EMOTIONS)} numbers >= 0 summing to 1, got {self.weights!r}"
                )


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields explicitly
class ScheduleSample:
    """A schedule evaluated at some frames.

    Attributes:
        frames: ``(T,)`` int64 frame numbers.
        weights: ``(T, 7)`` float64 emotion mix per frame (rows sum to 1; all zero for an
            intensity-only schedule).
        intensity: ``(T,)`` float64.
        unit_values: ``(T, K)`` float64 per-unit override values, weighted by ``unit_mask``.
        unit_mask: ``(T, K)`` float64 in 0..1, 1 where a channel is overridden (eased between keys).
    """

    frames: np.ndarray
    weights: np.ndarray
    intensity: np.ndarray
    unit_values: np.ndarray
    unit_mask: np.ndarray

    @property
    def amounts(self) -> np.ndarray:
        """``(T, 7)`` float64 weight x intensity: how much of each emotion to show."""
        return self.weights * self.intensity[:, None]


def ease(s: np.ndarray, kind: str) -> np.ndarray:
    """Ease ``s`` in ``[0, 1]`` -> ``[0, 1]`` with zero slope at both ends.

    Args:
        s: float64 array of progress values.
        kind: ``"smoothstep"`` (3s^2 - 2s^3) or ``"cosine"`` ((1 - cos(pi s)) / 2).
    """
    if kind == "smoothstep":
        return s * s * (3.0 - 2.0 * s)
    return 0.5 - 0.5 * np.cos(np.pi * s)


@dataclass(frozen=True)
class EmotionSchedule:
    """Keys over a shot ``first_frame..last_frame`` (inclusive); see the module docstring.

    Attributes:
        keys: at least one key, frames strictly increasing, inside the shot; either all keys
            name an emotion mix or none does.
        first_frame: first frame of the shot.
        last_frame: last frame of the shot (>= ``first_frame``).
        ease: ``"smoothstep"`` or ``"cosine"``.
    """

    keys: tuple[EmotionKey, ...]
    first_frame: int
    last_frame: int
    ease: str = "smoothstep"

    def __post_init__(self) -> None:
        if self.last_frame < self.first_frame:
            raise KeyFrameRangeError(f"shot range {self.first_frame}-{self.last_frame} is empty")
        if not self.keys:
            raise EmotionKeysFormatError("an emotion schedule needs at least one key")
        if self.ease not in EASES:
            raise EmotionKeysFormatError(f"unknown ease {self.ease!r}; expected one of {', '.join(EASES)}")
        frames = [k.frame for k in self.keys]
        for frame in frames:
            if not self.first_frame <= frame <= self.last_frame:
                raise KeyFrameRangeError(
                    f"key frame {frame} is outside the shot {self.first_frame}-{self.last_frame}"
                )
        for before, after in zip(frames, frames[1:]):
            if after <= before:
                raise EmotionKeysFormatError(f"key frames must be strictly increasing: {before} then {after}")
        if len({k.weights is None for k in self.keys}) > 1:
            raise EmotionKeysFormatError("either every key names an emotion or none does (reference clip)")

    def with_units(self, overrides: UnitOverrides) -> EmotionSchedule:
        """The schedule with ``overrides`` added to every key (a key's own override of a unit wins)."""
        if not overrides:
            return self
        keys = tuple(replace(k, units=tuple(sorted({**dict(overrides), **dict(k.units)}.items()))) for k in self.keys)
        return replace(self, keys=keys)

    @property
    def labelled(self) -> bool:
        """True when the keys name emotions; False for an intensity-only (reference) schedule."""
        return self.keys[0].weights is not None

    @property
    def n_frames(self) -> int:
        """Frames in the shot."""
        return self.last_frame - self.first_frame + 1

    def frames(self) -> np.ndarray:
        """``(n_frames,)`` int64 frame numbers of the shot."""
        return np.arange(self.first_frame, self.last_frame + 1, dtype=np.int64)

    def sample(self, frames: np.ndarray | None = None) -> ScheduleSample:
        """Evaluate the schedule.

        Args:
            frames: ``(T,)`` integer frame numbers inside the shot; ``None`` = the whole shot.

        Raises:
            ScheduleFrameError: a frame lies outside the shot.
        """
        frames = self.frames() if frames is None else np.asarray(frames, dtype=np.int64).reshape(-1)
        outside = frames[(frames < self.first_frame) | (frames > self.last_frame)]
        if outside.size:
            raise ScheduleFrameError(
                f"frame {int(outside[0])} is outside the schedule's shot {self.first_frame}-{self.last_frame}"
            )
        key_frames = np.array([k.frame for k in self.keys], dtype=np.int64)
        intensity = np.array([k.intensity for k in self.keys], dtype=np.float64)
        weights = np.array(
            [k.weights if k.weights is not None else (0.0,) * len(EMOTIONS) for k in self.keys], dtype=np.float64
        )
        amounts = weights * intensity[:, None]
        after = np.clip(np.searchsorted(key_frames, frames, side="left"), 0, len(self.keys) - 1)
        before = np.clip(after - 1, 0, None)
        lengths = np.array([k.transition for k in self.keys], dtype=np.int64)[after]
        start = np.maximum(key_frames[after] - lengths, key_frames[before])
        span = np.maximum(key_frames[after] - start, 1)
        s = np.where(after == before, 1.0, np.clip((frames - start) / span, 0.0, 1.0))
        s = np.where(frames > key_frames[-1], 1.0, s)  # after the last key: hold it
        s = ease(s, self.ease)[:, None]
        out_intensity = intensity[before] * (1.0 - s[:, 0]) + intensity[after] * s[:, 0]
        out_amounts = amounts[before] * (1.0 - s) + amounts[after] * s
        mixed = weights[before] * (1.0 - s) + weights[after] * s
        safe = np.where(out_intensity > 0, out_intensity, 1.0)[:, None]
        out_weights = np.where(out_intensity[:, None] > 0, out_amounts / safe, mixed)
        values, mask = (np.stack(a) for a in zip(*(override_arrays(k.units) for k in self.keys)))
        unit_mask = mask[before] * (1.0 - s) + mask[after] * s
        unit_values = values[before] * (1.0 - s) + values[after] * s  # values are 0 where not overridden
        return ScheduleSample(frames=frames, weights=out_weights, intensity=out_intensity,
                              unit_values=unit_values, unit_mask=unit_mask)

    def at(self, frame: int) -> tuple[np.ndarray, float]:
        """Weights ``(7,)`` float64 and intensity at one frame."""
        sample = self.sample(np.array([frame]))
        return sample.weights[0], float(sample.intensity[0])
