"""Plain data passed between analysis steps: detections, rotated face regions, per-frame observations."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

NUM_MESH = 468  # MediaPipe Face Mesh points
NUM_LANDMARKS = 478  # mesh + 5 iris points per eye (468-472 subject's right eye, 473-477 left eye)


@dataclass(frozen=True)
class Detection:
    """One face found by the BlazeFace detector, in image pixels.

    Attributes:
        box: ``(4,) float32`` x0, y0, x1, y1.
        keypoints: ``(6, 2) float32`` subject's right eye, left eye, nose tip, mouth centre, right ear
            tragion, left ear tragion (MediaPipe's order; "right" is the subject's right, image left
            in an unmirrored upright photo).
        score: detector confidence in 0..1.
    """

    box: np.ndarray
    keypoints: np.ndarray
    score: float


@dataclass(frozen=True)
class FaceRegion:
    """A square, rotated region of the image around one face (what the mesh model is run on).

    Attributes:
        center: ``(2,) float64`` x, y in image pixels.
        size: side length in image pixels.
        angle: rotation in radians; the face is upright after rotating the image by ``-angle``
            about ``center`` (positive = face rolled clockwise on screen, since y points down).
    """

    center: np.ndarray
    size: float
    angle: float


@dataclass
class FaceObservation:
    """One face in one frame.

    Attributes:
        box: ``(4,) float32`` x0, y0, x1, y1 in image pixels (bounds of the 468 mesh points).
        landmarks: ``(478, 3) float32`` x, y in image pixels; z relative depth in the same pixel
            scale (smaller = nearer the camera). 0-467 mesh, 468-472 iris of the subject's right eye
            (centre 468), 473-477 iris of the subject's left eye (centre 473).
        score: face-presence probability from the mesh model (0..1).
        roll: in-plane head rotation in radians (0 = upright, pi = upside down), from the eye line.
        held: not observed: where a face hidden by another face passing in front is held (its last good
            observation moved on at its last speed; ``hold.HeldFace``). It keeps the face's track from being taken
            by the face in front; tracks leave such frames out (their gaps are bridged, ``FaceTrack.interpolated``).
        in_front: (held faces) another face was found in front of it while it was held: a detection on it that
            does not show it, or another followed face its mesh ran into (``hold.HeldFace.in_front``); a face held
            for another reason (a glass or a cup bending its mesh out of shape) has none.
    """

    box: np.ndarray
    landmarks: np.ndarray
    score: float
    roll: float
    held: bool = False
    in_front: bool = False


@dataclass(frozen=True)
class FrameFaces:
    """One frame's faces plus the descriptors tracking needs (cuts, re-attachment).

    Build with :func:`ned_core.analysis.signature.describe_frame`.

    Attributes:
        frame: frame number.
        faces: the observations in this frame.
        histogram: ``(48,) float32`` colour histogram of the whole frame (shot-cut detection).
        flat: the frame has no content (black / single colour); it never marks a cut.
        appearance: ``(F, 72) float32`` colour descriptor of each face (see ``signature.face_colour``).
        shot: shot index of the frame (0-based; set by ``shot.analyze_frames`` once the cuts are known).
        shot_start: how a shot starts at this frame ("cut", "fade", "dissolve"; see ``cuts.Boundary``), or
            "" when the frame does not start a shot (the first frame included).
        in_dissolve: the frame is a mix of two shots (inside a found dissolve, ``cuts.Boundary.span``).
    """

    frame: int
    faces: tuple[FaceObservation, ...]
    histogram: np.ndarray
    flat: bool
    appearance: np.ndarray
    shot: int = 0
    shot_start: str = ""
    in_dissolve: bool = False


@dataclass(frozen=True)
class FaceTrack:
    """One actor's face through one shot; frames may have gaps where the face was out of frame.

    Attributes:
        track_id: stable id, unique within the clip (0, 1, ... in order of first appearance).
        shot: index of the shot (0-based, split at detected cuts) the track belongs to. Across a dissolve its frames
            may run into the mix past the shot's end (the outgoing face) or start in it before the shot's start
            (the incoming one): both shots' faces are on screen there (``track.track_faces``).
        frames: ``(T,) int64`` frame numbers, increasing.
        landmarks: ``(T, 478, 3) float32`` raw (unsmoothed) landmarks in image pixels.
        boxes: ``(T, 4) float32`` x0, y0, x1, y1.
        scores: ``(T,) float32`` face-presence probabilities (0 on interpolated frames).
        interpolated: ``(T,) bool`` frames bridged by interpolating the landmarks either side of a short
            gap (the face was briefly hidden or missed), or carried over a dissolve's mix from the nearest observed
            frame (a face fading out lost early, one fading in found late: ``track.track_faces``), not observed; all
            False when not given.
        held: ``(T,) bool`` the bridged frames on which the face was held behind another face passing in front
            (``FaceObservation.held``), a subset of ``interpolated``: why those frames were bridged. The rest of
            the bridged frames lost the face for another reason (a hand, a glass, the frame edge, blur, a missed
            detection). All False when not given.
        mix_share: ``(T,) float32`` the share of the picture the face belongs to in each frame: 1, but inside a found
            dissolve's mix (``FrameFaces.in_dissolve``, ``cuts.Boundary.span``) the mix weight of the track's shot,
            linear over the mix (the outgoing shot's falls from 1 on the mix's first frame to 0 on its last, the
            incoming one's rises): the face is seen through the other picture (no occluder) at that opacity, and its
            bridged frames there were carried over the mix (``track.track_faces``), not lost behind something. All 1
            when not given.
    """

    track_id: int
    shot: int
    frames: np.ndarray
    landmarks: np.ndarray
    boxes: np.ndarray
    scores: np.ndarray
    interpolated: np.ndarray = field(default=None)  # type: ignore[assignment]
    held: np.ndarray = field(default=None)  # type: ignore[assignment]
    mix_share: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        for name in ("interpolated", "held"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.zeros(len(self.frames), bool))
        if self.mix_share is None:
            object.__setattr__(self, "mix_share", np.ones(len(self.frames), np.float32))

    def take(self, rows: np.ndarray) -> FaceTrack:
        """The track restricted to ``rows`` (a boolean mask or row indices), same id and shot."""
        return FaceTrack(self.track_id, self.shot, self.frames[rows], self.landmarks[rows], self.boxes[rows],
                         self.scores[rows], self.interpolated[rows], self.held[rows],
                         self.mix_share[rows])

    def segments(self) -> list[slice]:
        """Row slices of the runs of consecutive frames (a face leaving the frame ends a run)."""
        breaks = np.flatnonzero(np.diff(self.frames) != 1) + 1
        edges = [0, *breaks.tolist(), len(self.frames)]
        return [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]
