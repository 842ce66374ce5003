"""Analyse a whole shot: faces per frame (detector only when needed), tracks, smoothing, alignment."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from ned_core.analysis.align import Alignment, align_landmarks
from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.cuts import ShotDetector, shot_thumbnail
from ned_core.analysis.detect import check_image
from ned_core.analysis.frame import centred_in_any, detect_new_faces, follow_faces
from ned_core.analysis.hold import HeldFace, follow_holding, not_on_held, stays_on
from ned_core.analysis.model_set import FaceMeshModels
from ned_core.analysis.signature import describe_frame, frame_summary, histogram_distance
from ned_core.analysis.smooth import smooth_track
from ned_core.analysis.track import default_track, track_faces
from ned_core.analysis.types import FaceObservation, FaceTrack, FrameFaces
from ned_core.exceptions import NoFaceInShotError, NoFaceTrackError, ShapeError

Progress = Callable[[int, int], None]  # (frames done, frame number just analysed)


@dataclass(frozen=True)
class FrameLook:
    """What the analysis reads from a frame's whole picture alone, before its faces: its ``signature.frame_summary``
    (``(48,) float32`` colour histogram, flat or not) and its ``cuts.shot_thumbnail``. A reader reading frames ahead
    makes it on its own thread (:func:`look_at`), off the thread the analysis runs on (~2 ms a 1080p frame)."""

    histogram: np.ndarray
    flat: bool
    thumbnail: np.ndarray


def look_at(image: np.ndarray) -> FrameLook:
    """The :class:`FrameLook` of an ``(H, W, 3) uint8`` sRGB frame."""
    histogram, flat = frame_summary(image)
    return FrameLook(histogram, flat, shot_thumbnail(image))


Frames = Iterable[tuple[int, np.ndarray] | tuple[int, np.ndarray, FrameLook]]


@dataclass(frozen=True)
class TrackAnalysis:
    """One face track with what later stages need.

    Attributes:
        track: the raw track (frames, raw landmarks, boxes, scores).
        landmarks: ``(T, 478, 3) float32`` temporally smoothed landmarks, image pixels.
        alignment: per-frame similarity maps to the aligned crop (from the smoothed landmarks).
    """

    track: FaceTrack
    landmarks: np.ndarray
    alignment: Alignment


@dataclass(frozen=True)
class ShotAnalysis:
    """The analysis of one shot (possibly holding several cuts).

    Attributes:
        frames: ``(N,) int64`` every analysed frame number, in order.
        shots: ``(N,) int64`` shot index of each frame (0-based, split at detected cuts).
        frame_size: (H, W) of the frames.
        tracks: every face track.
        transitions: how each shot after the first starts ("cut", "fade", "dissolve"): shot ``k`` starts
            with ``transitions[k - 1]``.
    """

    frames: np.ndarray
    shots: np.ndarray
    frame_size: tuple[int, int]
    tracks: tuple[TrackAnalysis, ...]
    transitions: tuple[str, ...] = ()

    def track(self, track_id: int) -> TrackAnalysis:
        """The track with ``track_id``; raises NoFaceTrackError naming the ids there are."""
        for t in self.tracks:
            if t.track.track_id == track_id:
                return t
        ids = [t.track.track_id for t in self.tracks]
        raise NoFaceTrackError(f"no face track {track_id} in this shot; tracks: {ids or 'none (no face found)'}")

    def select(self, frames: Iterable[int]) -> ShotAnalysis:
        """The analysis of only ``frames`` (e.g. a render's ``--frames``): tracks keep their ids and shots their
        indices; a track with no frame among them is left out. The smoothing and alignment stay those of
        the whole analysis."""
        wanted = np.asarray(sorted(set(int(f) for f in frames)), np.int64)
        rows = np.isin(self.frames, wanted)
        tracks = []
        for t in self.tracks:
            keep = np.isin(t.track.frames, wanted)
            if keep.any():
                track = t.track.take(keep)
                alignment = Alignment(t.alignment.crop_from_image[keep], t.alignment.image_from_crop[keep],
                                      t.alignment.crop_size)
                tracks.append(TrackAnalysis(track, t.landmarks[keep], alignment))
        return ShotAnalysis(self.frames[rows], self.shots[rows], self.frame_size, tuple(tracks), self.transitions)

    def transition(self, shot: int) -> str:
        """How shot ``shot`` starts: "cut", "fade", "dissolve", or "start" for the first shot."""
        return "start" if shot == 0 else self.transitions[shot - 1]

    def shot_ranges(self) -> list[tuple[int, int, int]]:
        """``(shot index, first frame, last frame)`` of every shot, in order."""
        if len(self.frames) == 0:
            return []
        starts = [0, *(np.flatnonzero(np.diff(self.shots)) + 1).tolist()]
        ends = [*starts[1:], len(self.frames)]
        return [(int(self.shots[a]), int(self.frames[a]), int(self.frames[b - 1])) for a, b in zip(starts, ends)]

    def faceless_shots(self) -> list[tuple[int, int, int]]:
        """``(shot index, first frame, last frame)`` of every shot in which no track has a frame."""
        with_face = {t.track.shot for t in self.tracks}
        return [r for r in self.shot_ranges() if r[0] not in with_face]

    def require_faces(self) -> None:
        """Raise NoFaceInShotError naming every shot (and its frame range) without a face (a render calls it
        when its frames hold no face at all)."""
        empty = self.faceless_shots()
        if empty:
            names = ", ".join(f"shot {s} (frames {a}-{b})" for s, a, b in empty)
            raise NoFaceInShotError(f"no face found in {names}: leave it out with --frames, or check the source")

    def default(self) -> TrackAnalysis:
        """The largest, most central track (see ``track.default_track``)."""
        return self.track(default_track([t.track for t in self.tracks], self.frame_size).track_id)


def analyze_frames(source: Frames, config: AnalysisConfig, models: FaceMeshModels,
                   progress: Progress | None = None, *, fresh_frames: bool = False
                   ) -> tuple[list[FrameFaces], tuple[int, int]]:
    """Faces in every frame, following faces from frame to frame as MediaPipe does.

    Each face is cropped from its landmarks in the previous frame. The detector runs on the first
    frame, after a cut, when a face was lost or none is followed, when a followed face's mesh
    presence falls below ``config.redetect_presence`` (a face lost at a turn is re-found at the lower
    ``config.turned_presence``: ``frame.continues_turn``), when the frame's histogram
    changes by more than ``config.redetect_change`` (something entered), and at least every
    ``config.detect_interval`` frames, and while a face is held. A face whose mesh slid onto another face passing in
    front is held rather than followed onto it, and re-found when it shows again (:mod:`hold`); detections on a
    held face that do not show it are dropped. A face found by such a later detection is followed
    backwards through the buffered earlier frames of the shot, so its track starts where it
    really entered. Flat (black) frames are skipped. The same frames feed the shot-boundary
    detector (``cuts.ShotDetector``), whose shots are set on the results at the end.

    Args:
        source: (frame number, ``(H, W, 3) uint8`` sRGB) pairs in frame order, or triples with the image's
            :class:`FrameLook` made ahead (:func:`look_at`).
        fresh_frames: ``source`` never changes an image it yielded: the last ``config.detect_interval`` images are
            then kept for following faces back as they are when they own their data (made for the analysis) or are
            read-only (kept by the source anyway); a view of someone's writable buffer (e.g. a decoder's, which
            holding would pin) is still copied. Without it every kept image is a copy (a 1080p frame costs
            ~2-5 ms, on the thread that bounds the analysis).

    Returns:
        One ``FrameFaces`` per frame (``shot`` set), and the frames' (H, W) ((0, 0) for an empty source).
    """
    out: list[FrameFaces] = []
    previous: list[FaceObservation] = []
    held: list[HeldFace] = []
    anchors: dict[int, HeldFace] = {}  # id(face in previous) -> its anchor (hold.follow_holding)
    recent: deque[tuple[int, int, np.ndarray]] = deque(maxlen=config.detect_interval)  # (row, frame, image)
    since_detect, last_hist, size = config.detect_interval, None, None
    shots = ShotDetector()
    for frame, image, *ahead in source:
        check_image(image)
        if size is None:
            size = image.shape[:2]
        elif image.shape[:2] != size:
            raise ShapeError(f"frame {frame}", f"size {size[1]}x{size[0]} like the first frame",
                             f"{image.shape[1]}x{image.shape[0]}")
        faces: list[FaceObservation] = []
        look = ahead[0] if ahead else look_at(image)
        histogram, flat = summary = look.histogram, look.flat
        shots.add_thumbnail(look.thumbnail, flat)
        if not flat:
            change = 1.0 if last_hist is None else histogram_distance(histogram, last_hist)
            last_hist = histogram
            if change > config.cut_threshold:
                recent.clear()
                held, anchors = [], {}
            elif previous or held:
                last_image = recent[-1][2] if recent and recent[-1][0] == len(out) - 1 else None
                before = [f for f in out[-2].faces if not f.held] if len(out) > 1 else []
                faces, held, anchors = follow_holding(image, last_image, previous, before, held, anchors, config,
                                                      models)
            unsure = any(f.score < config.redetect_presence for f in faces)
            if (change > config.redetect_change or len(faces) < len(previous) or not faces or unsure or held
                    or since_detect >= config.detect_interval):
                new, held = not_on_held(detect_new_faces(image, faces, config, models, previous), held, image)
                new = new[: config.max_faces - len(faces)]
                _follow_back(new, image, recent, out, config, models)
                faces += new
                since_detect = 0
            since_detect += 1
            recent.append((len(out), int(frame), kept_image(image, fresh_frames)))
        else:
            recent.clear()
            held, anchors = [], {}
        described = describe_frame(frame, image, [*faces, *(h.pose() for h in held)], summary)
        previous = faces
        out.append(described)
        if progress is not None:
            progress(len(out), int(frame))
    boundaries = shots.boundaries()
    starts = {b.index: b.kind for b in boundaries}
    mixed = {row for b in boundaries if b.span for row in range(b.span[0], b.span[1] + 1)}
    out = [replace(f, shot=int(s), shot_start=starts.get(row, ""), in_dissolve=row in mixed)
           for row, (f, s) in enumerate(zip(out, shots.shot_index()))]
    return out, (int(size[0]), int(size[1])) if size else (0, 0)


def kept_image(image: np.ndarray, fresh: bool) -> np.ndarray:
    """``image`` to hold on to while later frames are analysed: itself when the source never changes what it yielded
    (``fresh``) and the image owns its data or is read-only; otherwise a copy (a view of a writable buffer may be
    reused, and holding it would pin the whole buffer)."""
    return image if fresh and (image.flags.owndata or not image.flags.writeable) else image.copy()


def _follow_back(new: list[FaceObservation], new_image: np.ndarray, recent: deque[tuple[int, int, np.ndarray]],
                 out: list[FrameFaces], config: AnalysisConfig, models: FaceMeshModels) -> None:
    """Follow faces newly detected in ``new_image`` backwards through the buffered frames, adding them to ``out`` in
    place (until the mesh loses the face, finds a known one, or slides onto another face: ``hold.stays_on``; a held
    pose is no known face: the face it keeps may be hidden by the one followed back, e.g. the incoming face of a
    dissolve over a face held as it faded out)."""
    for face in new:
        prev, later = face, new_image
        for row, frame, image in reversed(recent):
            found = follow_faces(image, [prev], config, models)
            known = out[row].faces
            seen = [f for f in known if not f.held]  # a held pose is where a hidden face is kept, not a face seen
            if not found or centred_in_any(found[0].box, seen) or not stays_on(later, prev, image, found[0]):
                break
            prev, later = found[0], image
            out[row] = describe_frame(frame, image, [*known, prev], (out[row].histogram, out[row].flat))


def summarise(per_frame: list[FrameFaces], frame_size: tuple[int, int], config: AnalysisConfig) -> ShotAnalysis:
    """Tracks, smoothing and alignment from per-frame faces."""
    tracks = []
    for track in track_faces(per_frame, config):
        smoothed = smooth_track(track, config)
        alignment = align_landmarks(smoothed, config.crop_size, config.crop_iod_fraction)
        tracks.append(TrackAnalysis(track, smoothed, alignment))
    return ShotAnalysis(
        frames=np.array([f.frame for f in per_frame], dtype=np.int64),
        shots=np.array([f.shot for f in per_frame], dtype=np.int64),
        frame_size=frame_size,
        tracks=tuple(tracks),
        transitions=tuple(f.shot_start for f in per_frame if f.shot_start),
    )


def analyze_shot(source: Frames, config: AnalysisConfig, models: FaceMeshModels,
                 progress: Progress | None = None, *, fresh_frames: bool = False, shrink: int = 1) -> ShotAnalysis:
    """Analyse a shot end to end.

    Args:
        source: (frame number, ``(H, W, 3) uint8`` sRGB) pairs in frame order (e.g. plates converted
            with ``ColourTransforms.working_to_srgb8``), or triples with its :class:`FrameLook`.
        config: analysis settings.
        models: loaded once with ``FaceMeshModels.load``.
        progress: called after each frame with (frames done, frame number).
        fresh_frames: every image is a new array nothing else holds or changes (see :func:`analyze_frames`).
        shrink: ``source``'s images are the frames box-averaged by this whole factor (``AnalysisConfig.shrink``):
            faces are found in them (``min_face_px`` scaled, ``AnalysisConfig.shrunk``), and the result is in the
            full frames' pixels and size.

    Returns:
        Frames, shot indices, and every face track with smoothed landmarks and alignment.

    Raises:
        ShapeError: a frame is not ``(H, W, 3) uint8`` or differs in size from the first.
        NoFaceTrackError: the source holds no frames.
    """
    frames, size = analyze_frames(source, config.shrunk(shrink), models, progress, fresh_frames=fresh_frames)
    if not frames:
        raise NoFaceTrackError("the shot holds no frames to analyse")
    if shrink > 1:
        frames, size = [_enlarged(f, shrink) for f in frames], (size[0] * shrink, size[1] * shrink)
    return summarise(frames, size, config)


def _enlarged(faces: FrameFaces, factor: int) -> FrameFaces:
    """``faces`` found in a frame box-averaged by ``factor``, in the full frame's pixels: a shrunk pixel ``i`` is the
    average of full pixels ``factor * i .. factor * i + factor - 1`` (centre ``factor * (i + 0.5) - 0.5``); depth
    scales with x and y."""
    def enlarged(face: FaceObservation) -> FaceObservation:
        landmarks = face.landmarks * np.float32(factor)
        landmarks[:, :2] += np.float32((factor - 1) / 2)
        return replace(face, box=face.box * np.float32(factor) + np.float32((factor - 1) / 2), landmarks=landmarks)

    return replace(faces, faces=tuple(enlarged(f) for f in faces.faces))
