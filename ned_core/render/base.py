"""The renderer interface shared by both tiers: a shot context in, one RenderedFace per frame out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ned_core.exceptions import RenderInputError

FrameReader = Callable[[int], np.ndarray]
"""``frame_reader(frame_number) -> (H, W, 3) float32`` scene-linear frame (random access to the source)."""

MOUTH_RETRIEVED = "retrieved"
MOUTH_SYNTHESISED = "synthesised"
MOUTH_SPLIT = "split"  # own teeth moved with their lips, over a stored mouth's cavity where the shot has one


@dataclass(frozen=True)
class ShotContext:
    """What a renderer may precompute from, once per shot and face track.

    Attributes:
        frames: ``(T,) int64`` frame numbers of the track, increasing.
        landmarks: ``(T, 478, 3) float32`` observed (smoothed) source landmarks, image pixels.
        frame_size: ``(H, W)`` of the frames.
        frame_reader: random access to the source frames (see :data:`FrameReader`); ``None`` when
            the pipeline cannot provide it (then no mouth retrieval: interiors are synthesised).
    """

    frames: np.ndarray
    landmarks: np.ndarray
    frame_size: tuple[int, int]
    frame_reader: FrameReader | None = None

    def __post_init__(self) -> None:
        frames, lms = np.asarray(self.frames), np.asarray(self.landmarks)
        if frames.ndim != 1 or lms.ndim != 3 or lms.shape[0] != len(frames) or lms.shape[1] < 468:
            raise RenderInputError(f"ShotContext: expected frames (T,) and landmarks (T, 478, 3), "
                                   f"got {frames.shape} and {lms.shape}")


@dataclass(frozen=True)
class RenderedFace:
    """One frame's rendered face, over the box of the frame it changed.

    Attributes:
        frame: frame number.
        box: ``(x0, y0, x1, y1)`` ints in frame pixels, x1/y1 exclusive; outside it the render
            equals the source frame.
        rgb: ``(y1 - y0, x1 - x0, 3) float32`` scene-linear rendered pixels over ``box``.
        coverage: ``(y1 - y0, x1 - x0) float32`` in 0..1, where the renderer produced face pixels.
        flags: notes for the caller, e.g. ``{"mouth_fill": "retrieved" | "split" | "synthesised" | None,
            "mouth_frame": source frame number of a retrieved interior}``.
        sample_map: ``(map_x, map_y)``, each ``(y1 - y0, x1 - x0) float32``: the frame position each box pixel
            sampled (the warp, before any pixel edits such as mouth fills), or None when the renderer has
            no such map.
    """

    frame: int
    box: tuple[int, int, int, int]
    rgb: np.ndarray
    coverage: np.ndarray
    flags: dict[str, object] = field(default_factory=dict)
    sample_map: tuple[np.ndarray, np.ndarray] | None = None

    def paste(self, frame: np.ndarray) -> np.ndarray:
        """The full ``(H, W, 3) float32`` frame with the rendered box pasted in (a copy)."""
        out = np.array(frame, dtype=np.float32, copy=True)
        x0, y0, x1, y1 = self.box
        out[y0:y1, x0:x1] = self.rgb
        return out


class FaceRenderer(ABC):
    """Renders the source face re-posed to target landmarks (embedded mesh warp, later a neural renderer)."""

    def prepare(self, shot: ShotContext) -> None:  # noqa: B027 - optional hook, no-op by default
        """Precompute per-shot state (e.g. the mouth-retrieval index) before the shot's frames are rendered."""

    @abstractmethod
    def render(self, frame_number: int, frame: np.ndarray, src: np.ndarray, dst: np.ndarray) -> RenderedFace:
        """Render one frame.

        Args:
            frame_number: the frame's number (for errors, flags, retrieval).
            frame: ``(H, W, 3) float32`` scene-linear source frame (values may exceed 1).
            src: ``(478, 3) float32`` observed landmarks of this frame, image pixels.
            dst: ``(478, 3) float32`` target (manipulated) landmarks, image pixels.

        Returns:
            The rendered face over the box it changed.
        """


def check_landmarks(frame_number: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Guard one frame's landmarks: ``(src (478, 2) float64, dst (478, 2) float64)``.

    Raises:
        RenderInputError: wrong shapes, non-finite landmarks; the message names the frame.
    """
    where = f"frame {frame_number}"
    pts = []
    for name, lm in (("src", src), ("dst", dst)):
        arr = np.asarray(lm, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[0] < 468 or arr.shape[1] < 2:
            raise RenderInputError(f"{where}: expected {name} landmarks (478, 3), got {arr.shape}")
        if not np.all(np.isfinite(arr[:, :2])):
            raise RenderInputError(f"{where}: {name} landmarks hold NaN or inf")
        pts.append(arr[:, :2])
    if pts[0].shape != pts[1].shape:
        raise RenderInputError(f"{where}: src {pts[0].shape} and dst {pts[1].shape} landmarks differ in shape")
    return pts[0], pts[1]


def check_frame_inputs(frame_number: int, frame: np.ndarray, src: np.ndarray, dst: np.ndarray) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """Guard one frame's inputs: ``(frame float32 (H, W, 3), src (478, 2) float64, dst (478, 2) float64)``.

    Raises:
        RenderInputError: wrong shapes, non-finite landmarks; the message names the frame.
    """
    if not isinstance(frame, np.ndarray) or frame.ndim != 3 or frame.shape[2] != 3 or 0 in frame.shape:
        got = getattr(frame, "shape", type(frame).__name__)
        raise RenderInputError(f"frame {frame_number}: expected frame (H, W, 3) float32, got {got}")
    src_xy, dst_xy = check_landmarks(frame_number, src, dst)
    return np.asarray(frame, dtype=np.float32), src_xy, dst_xy
