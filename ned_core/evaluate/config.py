"""The evaluation's knobs: frozen dataclasses, passed in, never mutated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ned_core.exceptions import EvalConfigError

PAPER_CROP = 256  # side of the paper's aligned face crops (pixels)
PAPER_MOUTH_WINDOW = 72  # side of the paper's MAPD window in those crops (pixels)


@dataclass(frozen=True)
class EmotionClassifierConfig:
    """How faces are cropped for fer's classifier.

    Attributes:
        offset: extra border on each side of the squared face box, pixels: fer's ``offsets=(10, 10)``
            around the boxes of its face detector (:mod:`ned_core.evaluate.fer_box`). With them
            grace_hopper.jpg reads neutral 0.96, as in fer's own pipeline.
        num_threads: threads of the LiteRT interpreter.
    """

    offset: int = 10
    num_threads: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.offset <= 1000:
            raise EvalConfigError(f"EmotionClassifierConfig.offset must be 0..1000 pixels, got {self.offset}")
        if self.num_threads < 1:
            raise EvalConfigError(f"EmotionClassifierConfig.num_threads must be >= 1, got {self.num_threads}")


@dataclass(frozen=True)
class EvalConfig:
    """Every knob of the metrics.

    Attributes:
        crop_size: side (pixels) of the face's aligned crop in the images being measured. MAPD's
            window is the paper's 72 px at 256 px crops, scaled by ``crop_size / 256``; pass the
            face's crop side when measuring full frames (see :func:`mouth_window_side`).
        speech_open: a source frame is a speech frame when its mouth opening exceeds the shot's
            closed-mouth level (10th percentile) by this much (inter-ocular units) ...
        speech_motion: ... or when the opening changes by more than this per frame.
        identity_metric: distance between identity embeddings: ``1 - cosine`` or Euclidean.
    """

    crop_size: int = PAPER_CROP
    speech_open: float = 0.05
    speech_motion: float = 0.02
    identity_metric: Literal["cosine", "l2"] = "cosine"

    def __post_init__(self) -> None:
        if not 16 <= self.crop_size <= 8192:
            raise EvalConfigError(f"EvalConfig.crop_size must be in 16..8192, got {self.crop_size}")
        if self.speech_open <= 0 or self.speech_motion <= 0:
            raise EvalConfigError(
                f"EvalConfig.speech_open and speech_motion must be > 0, got {self.speech_open}, {self.speech_motion}"
            )
        if self.identity_metric not in ("cosine", "l2"):
            raise EvalConfigError(f"EvalConfig.identity_metric must be 'cosine' or 'l2', got {self.identity_metric!r}")

    @property
    def mouth_window(self) -> int:
        """MAPD window side in pixels for this crop size."""
        return mouth_window_side(self.crop_size)


def mouth_window_side(crop_size: int) -> int:
    """The paper's 72 px MAPD window (at 256 px aligned crops) scaled to a ``crop_size`` crop, at least 1."""
    return max(1, round(PAPER_MOUTH_WINDOW * crop_size / PAPER_CROP))
