"""Configuration of the direction stage (stage 4): one frozen dataclass, validated on creation."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ned_core.exceptions import DirectConfigError

EASES: tuple[str, ...] = ("smoothstep", "cosine")

# Default overlap sigma: OpenCV's rule for a Gaussian kernel of N taps with sigma <= 0,
# 0.3 * ((N - 1) / 2 - 1) + 0.8, which is 1.85 for N = 10. The NED authors' inference script
# weights its N = 10 windows with that kernel (a fact noted from manipulator/test.py of
# github.com/anonymousNED/NED; no licence file found there, nothing copied).
DEFAULT_WINDOW_SIGMA = 1.85

_INT = (int,)
_REAL = (float, int)
_FIELD_TYPES = {
    "window": _INT,
    "window_sigma": _REAL,
    "transition_frames": _INT,
    "ease": (str,),
    "baseline_percentile": _REAL,
    "baseline_window": _INT,
    "held_floor": _REAL,
    "unit_range": _REAL,
    "min_speech_gain": _REAL,
    "max_speech_gain": _REAL,
    "geomedian_tol": _REAL,
    "geomedian_max_iter": _INT,
}


@dataclass(frozen=True)
class DirectConfig:
    """Settings of emotion direction.

    Attributes:
        window: N, frames per sliding window (paper: 10).
        window_sigma: standard deviation, in frames, of the Gaussian that weights each window's
            frames around its centre when overlapping outputs are averaged.
        transition_frames: default length, in frames, of the eased change into a key (a key file
            may override it per key). A change ends exactly on its key frame.
        ease: easing curve of transitions: ``"smoothstep"`` (3s^2 - 2s^3) or ``"cosine"``.
        baseline_percentile: per-channel percentile (0-100) taken as the actor's tonic level;
            low, so that brief activations (blinks, speech, brow emphasis) sit above it.
        baseline_window: frames of the sliding window the tonic level is taken over, so that a
            performance whose emotion changes inside the shot is followed; 0 = the whole shot.
            The tonic track is then smoothed with a Gaussian of sigma ``baseline_window / 4``.
        held_floor: a held (tonic) level of an emotion channel up to this (activation units) is kept:
            tracking noise or the actor's own face, not expression; above it, the excess is undone.
        unit_range: activation (units) at which a channel has no range left. A target on a channel the
            source already holds in the same direction is added on top of the held level, scaled by
            ``1 - held / unit_range`` (see :mod:`ned_core.direct.edit`). 1.5: the strongest target the
            prior asks for (``MAX_INTENSITY`` x a full unit; happy's AU12 at 1.2 asks 1.8 at 1.5) and the fit's
            largest activation, so a stacked level never exceeds what the strongest request makes of a rest face.
        min_speech_gain: lowest gain applied to the speech channels' motion when an emotion
            needs the mouth less open than the source's tonic level allows (keeps speech visible).
        max_speech_gain: highest gain applied to the speech channels' motion while the actor talks
            when an emotion needs the mouth more open (surprise, fear); what it cannot carry is added
            as an offset.
        geomedian_tol: Weiszfeld stops when an iteration moves the estimate less than this
            (Euclidean norm, activation units).
        geomedian_max_iter: Weiszfeld iterations before giving up with an error.
    """

    window: int = 10
    window_sigma: float = DEFAULT_WINDOW_SIGMA
    transition_frames: int = 12
    ease: str = "smoothstep"
    baseline_percentile: float = 10.0
    baseline_window: int = 48
    held_floor: float = 0.1
    unit_range: float = 1.5
    min_speech_gain: float = 0.5
    max_speech_gain: float = 1.6
    geomedian_tol: float = 1e-6
    geomedian_max_iter: int = 1000

    def __post_init__(self) -> None:
        for field, kinds in _FIELD_TYPES.items():
            value = getattr(self, field)
            if not isinstance(value, kinds) or isinstance(value, bool):
                raise DirectConfigError(f"DirectConfig.{field} must be {kinds[0].__name__}, got {value!r}")
        checks = (
            ("window", self.window >= 1, ">= 1"),
            ("window_sigma", self.window_sigma > 0, "> 0"),
            ("transition_frames", self.transition_frames >= 1, ">= 1 (a change is never a step)"),
            ("ease", self.ease in EASES, f"one of {', '.join(EASES)}"),
            ("baseline_percentile", 0 <= self.baseline_percentile <= 100, "in 0..100"),
            ("baseline_window", self.baseline_window >= 0, ">= 0 (0 = whole shot)"),
            ("held_floor", 0 <= self.held_floor <= 1, "in 0..1"),
            ("unit_range", self.unit_range > 0, "> 0"),
            ("min_speech_gain", 0 < self.min_speech_gain <= 1, "in (0, 1]"),
            ("max_speech_gain", 1 <= self.max_speech_gain <= 3, "in [1, 3]"),
            ("geomedian_tol", self.geomedian_tol > 0, "> 0"),
            ("geomedian_max_iter", self.geomedian_max_iter >= 1, ">= 1"),
        )
        for field, ok, expected in checks:
            if not ok:
                raise DirectConfigError(f"DirectConfig.{field} must be {expected}, got {getattr(self, field)!r}")

    def as_dict(self) -> dict[str, int | float | str]:
        """All settings as a plain dict (for metadata and job documents)."""
        return asdict(self)
