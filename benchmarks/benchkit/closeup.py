"""Close-up test footage: a speaking actor filmed so the face fills the frame, cut by its edges, with a slow camera move.

Real close-ups (issue 12: a man speaking, face filling the frame, the top of the head out of frame, dim warm
light) differ from the bench's medium shots in three ways this module reproduces: the face is large
(inter-ocular distance about a third of the frame width), the forehead and chin are cut by the frame's top
and bottom edges, and the camera pushes in and pans slowly while the head moves. The camera is a per-frame
similarity (scale, translation) applied to the actor's frames; the actor's own head motion plays inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.analysis.regions import eye_centres, interocular_distance

from benchkit.errors import FootageError

MOUTH_MIDDLE = (13, 14)  # inner upper and lower lip, middle (MediaPipe indices)


@dataclass(frozen=True)
class CloseUp:
    """How the camera frames the actor.

    Attributes:
        width, height: output frame size in pixels (modest, so the bench stays fast).
        iod_share: the inter-ocular distance at the first frame, as a share of ``width`` (0.28-0.35 for a close-up; at 16:9 more cuts the brows or the open mouth).
        eye_line: height of the eye line at the first frame, as a share of ``height`` from the top (about 0.28
            keeps the brows and puts the top of the forehead out of frame; with the IOD share above the chin is
            cut too, the mouth stays in).
        push_in: how much larger the face is at the last frame than at the first (0.10 = 10 % larger).
        pan: camera pan over the clip, in source IODs (x, y); the face drifts the other way on screen.
        sway: amplitude of a slow camera sway (one period per clip), in source IODs, horizontal.
    """

    width: int = 480
    height: int = 270
    iod_share: float = 0.28
    eye_line: float = 0.28
    push_in: float = 0.05
    pan: tuple[float, float] = (0.15, 0.0)
    sway: float = 0.05

    def __post_init__(self) -> None:
        if self.width < 16 or self.height < 16 or not 0 < self.iod_share < 1 or not 0 < self.eye_line < 1 \
                or self.push_in <= -1:
            raise FootageError(f"CloseUp: expected size >= 16 px, 0 < iod_share < 1, 0 < eye_line < 1, push_in > -1; "
                               f"got {self.width}x{self.height}, {self.iod_share}, {self.eye_line}, {self.push_in}")


def camera(landmarks: np.ndarray, spec: CloseUp) -> np.ndarray:
    """The camera move: one similarity per frame mapping actor pixels to close-up pixels.

    At the first frame the eye line sits at ``eye_line * height``, the face is centred horizontally and the
    clip's median IOD is scaled to ``iod_share * width``; the scale then grows linearly by ``push_in`` about
    the point half-way between the eyes and the mouth (so the brows and the mouth stay in frame) while the
    camera pans and sways (both in source IODs).

    Args:
        landmarks: ``(T, N >= 468, >= 2)`` the actor's landmarks in its own frames (pixels).
        spec: the framing.

    Returns:
        ``(T, 2, 3) float64`` affine matrices (``cv2.warpAffine`` convention).
    """
    lms = np.asarray(landmarks, np.float64)
    if lms.ndim != 3 or lms.shape[1] < 468 or lms.shape[2] < 2 or len(lms) < 1:
        raise FootageError(f"camera: expected landmarks (T, N >= 468, >= 2), got {lms.shape}")
    iod = float(np.median(interocular_distance(lms[:, :468, :2])))
    eyes = eye_centres(lms[0, :468, :2]).mean(axis=0)
    anchor = (eyes + lms[0, list(MOUTH_MIDDLE), :2].mean(axis=0)) / 2
    t = np.linspace(0.0, 1.0, len(lms)) if len(lms) > 1 else np.zeros(1)
    scale = spec.iod_share * spec.width / iod * (1.0 + spec.push_in * t)
    look = anchor[None] + iod * (np.outer(t, spec.pan) + np.outer(spec.sway * np.sin(2 * np.pi * t), (1.0, 0.0)))
    target = np.array([spec.width / 2, spec.eye_line * spec.height + scale[0] * (anchor[1] - eyes[1])])
    out = np.zeros((len(lms), 2, 3))
    out[:, 0, 0] = out[:, 1, 1] = scale
    out[:, :, 2] = target[None] - scale[:, None] * look
    return out


def film(frames: np.ndarray, landmarks: np.ndarray, spec: CloseUp) -> tuple[np.ndarray, np.ndarray]:
    """The actor's frames as a close-up, and where its landmarks land.

    Args:
        frames: ``(T, H, W, 3) uint8`` actor frames.
        landmarks: ``(T, N >= 468, >= 2)`` the actor's landmarks (pixels), e.g. ``SyntheticClip.landmarks``.
        spec: the framing.

    Returns:
        ``(T, height, width, 3) uint8`` close-up frames and ``(T, N, 2) float32`` landmarks in them (points
        outside the frame keep their outside coordinates).
    """
    if frames.ndim != 4 or frames.shape[-1] != 3 or len(frames) != len(landmarks):
        raise FootageError(f"film: expected frames (T, H, W, 3) and T landmark sets, got {frames.shape} and "
                           f"{np.shape(landmarks)}")
    mats = camera(landmarks, spec)
    out = np.stack([cv2.warpAffine(f, m, (spec.width, spec.height), flags=cv2.INTER_CUBIC,
                                   borderMode=cv2.BORDER_REFLECT101) for f, m in zip(frames, mats)])
    pts = np.asarray(landmarks, np.float64)[..., :2]
    moved = np.einsum("tij,tnj->tni", mats[:, :, :2], pts) + mats[:, None, :, 2]
    return out, moved.astype(np.float32)
