"""Keep a face's track on its face while another face passes in front of it.

A followed face's mesh is fitted each frame in a crop cut around its last landmarks. When another face (a head
crossing in front) covers most of it, the mesh slides onto that face, still scoring full presence (it is a face), and
the track would follow the face in front. Three signs that it slid, checked on each followed face:

- its mesh changed shape since the last frame (3D similarity residual of its 468 points at least
  :data:`SHAPE_CHANGE`; a move, a turn or a zoom keeps it small), fewer than :data:`SEEN` of the face's cells (its
  aligned crop in the last frame, and in its anchor frame (its last observation whose mesh kept its shape), cut
  into cells of mean colour) look as they did under the new mesh, and the held pose (the last landmarks moved on at
  the face's last speed) sees :data:`HOLD_MARGIN` more of them;
- it ran into another followed face (centred on it) and sees less of its own face than that one does;
- the mesh lost it right after it changed shape and saw less of the face than the held pose did.

Such a face is held instead of observed: its held pose is kept in the frame's faces flagged
``FaceObservation.held`` (so the face in front cannot take its track over), tracks leave held frames out and
bridge the gap (``FaceTrack.interpolated``). It is re-found when a mesh fitted from the held pose, or a detection,
sees at least :data:`SEEN` of its cells again (a face in front whose mesh slid onto it meanwhile is dropped);
detections on a held face that do not see it are dropped; after ``AnalysisConfig.bridge_frames`` frames it is let
go. The thresholds were set on the test footage's head-crossing clips (``ShotSpec.occluder`` "head") and checked on
its clean, turning and hand clips; the README (known limits) gives the measured figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import cv2
import numpy as np

from ned_core.analysis import crop
from ned_core.analysis.align import alignment_points, template_in_crop
from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.frame import centred_in_any, distinct_faces, follow_each, observe
from ned_core.analysis.mesh import landmarks_region
from ned_core.analysis.model_set import FaceMeshModels
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import FACE_OVAL
from ned_core.analysis.ssd import iou
from ned_core.analysis.types import NUM_MESH, FaceObservation

SHAPE_CHANGE = 0.03  # residual (fraction of the face's RMS radius) from which a mesh's change of shape is checked
SEEN = 0.5  # a mesh on the face sees at least this share of its cells as they looked (turns without occluder: >= 0.54)
HOLD_MARGIN = 0.15  # the held pose must match this share more of the face's cells than a mesh that slid off
SURE = 0.75  # a mesh that changed shape but sees this share of the face's cells as they were becomes its anchor
_CROP, _IOD, _CELL = 64, 0.3, 8  # look compared on a small aligned crop (face ~ 55 px wide) in 8 px cells
MOVED_IOU = 0.3  # a face's box in the frame before overlaps its box now at least this much (its speed is read)
OTHER_EYES = 0.55  # a detection on a held face whose eyes are this far (IOD) from the held pose's is a face in front
_CELL_MATCH = 0.12  # a cell matches where its mean colour differs by less than this (relative)


@dataclass
class HeldFace:
    """A face whose mesh slid off it.

    Attributes:
        face: its last good observation. image: the frame it was seen in.
        velocity: ``(2,)`` its motion then, pixels per frame (the held pose moves on with it).
        frames: frames held so far, the current one included.
        sliding: (as a followed face's anchor) its mesh changed shape in the last frame and saw less of it than the
            held pose: lost next, it is held rather than let go.
        in_front: another face was found in front of it while held (see ``FaceObservation.in_front``).
    """

    face: FaceObservation
    image: np.ndarray
    velocity: np.ndarray
    frames: int = 1
    sliding: bool = False
    in_front: bool = False

    def pose(self) -> FaceObservation:
        """Where the face is held in the current frame (its last observation moved on at its last speed), flagged
        ``held`` with score 0."""
        shift = self.velocity * self.frames
        landmarks = self.face.landmarks.copy()
        landmarks[:, :2] += shift.astype(np.float32)
        return replace(self.face, box=self.face.box + np.tile(shift, 2).astype(np.float32), landmarks=landmarks,
                       score=0.0, held=True, in_front=self.in_front)


def shape_change(before: np.ndarray, after: np.ndarray) -> float:
    """RMS residual of the best 3D similarity from ``before`` to ``after`` (``(>= 468, 3)`` landmarks), as a fraction
    of ``after``'s RMS radius: 0 for a face that only moved, turned or changed size."""
    a, b = before[:NUM_MESH, :3].astype(np.float64), after[:NUM_MESH, :3].astype(np.float64)
    m = similarity_transform(a, b)
    residual = b - (a @ m[:, :3].T + m[:, 3])
    radius = float(np.sqrt(((b - b.mean(axis=0)) ** 2).sum(axis=1).mean()))
    return float(np.sqrt((residual ** 2).sum(axis=1).mean())) / max(radius, 1e-9)


@lru_cache(maxsize=1)
def _cells() -> np.ndarray:
    """``(K, 2) int`` top-left corners of the crop cells lying mostly inside the mean face's oval."""
    oval = np.zeros((_CROP, _CROP), np.uint8)
    cv2.fillPoly(oval, [np.round(template_in_crop(_CROP, _IOD)[list(FACE_OVAL)]).astype(np.int32)], 1)
    corners = [(y, x) for y in range(0, _CROP, _CELL) for x in range(0, _CROP, _CELL)
               if oval[y:y + _CELL, x:x + _CELL].mean() >= 0.5]
    return np.array(corners, np.int64)


def _cell_colours(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """``(K, 3) float32`` mean colour of each face cell of ``image`` seen through the face pose ``landmarks``."""
    idx = alignment_points()
    m = similarity_transform(landmarks[idx, :2].astype(np.float64), template_in_crop(_CROP, _IOD)[idx])
    face = crop.warp(image, m, (_CROP, _CROP)).astype(np.float32)
    blocks = face.reshape(_CROP // _CELL, _CELL, _CROP // _CELL, _CELL, -1).mean(axis=(1, 3))
    corners = _cells() // _CELL
    return blocks[corners[:, 0], corners[:, 1]]


def _matching(a: np.ndarray, b: np.ndarray) -> float:
    """Share of cells whose colours agree (relative difference of the channel sums below :data:`_CELL_MATCH`)."""
    diff = np.abs(a - b).sum(axis=1) / np.maximum((a + b).sum(axis=1) / 2, 30.0)
    return float((diff < _CELL_MATCH).mean())


def _looks(reference: np.ndarray, image: np.ndarray, face: FaceObservation,
           held: FaceObservation) -> tuple[float, float]:
    """(share of the face's cells ``reference`` (:func:`_cell_colours` of its last good frame) seen again in
    ``image`` under ``face``'s mesh, the same under the held pose ``held``)."""
    return (_matching(reference, _cell_colours(image, face.landmarks)),
            _matching(reference, _cell_colours(image, held.landmarks)))


def slid_off(change: float, looks: Callable[[], tuple[float, float]]) -> bool:
    """Whether a face's new mesh has slid off it: its shape changed (``change``: :func:`shape_change` from its last
    observation), it sees less than :data:`SEEN` of the face's cells as they were, and the held pose sees clearly
    more (``looks()``: those two shares, :func:`_looks`)."""
    if change < SHAPE_CHANGE:
        return False
    new, held = looks()
    return new < SEEN and held >= new + HOLD_MARGIN


def stays_on(last_image: np.ndarray, last: FaceObservation, image: np.ndarray, face: FaceObservation) -> bool:
    """Whether ``face``, the mesh fitted in ``image`` from ``last`` (seen in ``last_image``; a frame before or after),
    is still on that face (not :func:`slid_off`, the held pose being ``last`` where it was)."""
    return not slid_off(shape_change(last.landmarks, face.landmarks),
                        lambda: _looks(_cell_colours(last_image, last.landmarks), image, face, last))


def _back(held: HeldFace, image: np.ndarray, face: FaceObservation) -> bool:
    """Whether ``face`` is the held face seen again: at least :data:`SEEN` of its cells look as they did."""
    return _matching(_cell_colours(held.image, held.face.landmarks), _cell_colours(image, face.landmarks)) >= SEEN


def _velocity(face: FaceObservation, before: Sequence[FaceObservation]) -> np.ndarray:
    """``(2,)`` pixels per frame ``face`` moved since the frame before: from its best-overlapping face in ``before``
    when that step kept the mesh's shape (a mesh stretching towards a face in front moves its box too); else 0."""
    match = _match(face, before)
    if match is None or shape_change(match.landmarks, face.landmarks) >= SHAPE_CHANGE:
        return np.zeros(2)
    return ((face.box[:2] + face.box[2:]) - (match.box[:2] + match.box[2:])).astype(np.float64) / 2


def _match(face: FaceObservation, before: Sequence[FaceObservation]) -> FaceObservation | None:
    """``face`` in the frame before (``before``: its faces): the one overlapping it most, at least :data:`MOVED_IOU`."""
    if not before:
        return None
    overlaps = iou(face.box, np.stack([f.box for f in before]))
    return before[int(overlaps.argmax())] if overlaps.max() >= MOVED_IOU else None


def follow_holding(image: np.ndarray, last_image: np.ndarray | None, previous: list[FaceObservation],
                   before: Sequence[FaceObservation], held: list[HeldFace], anchors: dict[int, HeldFace],
                   config: AnalysisConfig,
                   models: FaceMeshModels) -> tuple[list[FaceObservation], list[HeldFace], dict[int, HeldFace]]:
    """The faces of the previous frame (seen in ``last_image``; ``before``: the faces of the frame before that) and
    the held faces, followed into ``image``.

    Each followed face is checked against its anchor (``anchors[id(face)]``: its last observation whose mesh kept
    its shape from the frame before, or that clearly still saw the face; by default the face itself in
    ``last_image``), so a mesh sliding off a little in each frame is still caught. A followed face whose mesh slid
    off it (:func:`slid_off`), or ran into another followed face and sees less of its own face than that one
    (:func:`_pulled_onto_other`), or that the mesh lost right after it saw less of the face than the held pose did
    (``HeldFace.sliding``), is held at its anchor instead of observed; a held face whose mesh, fitted from its held
    pose, sees it again (:func:`_back`) is observed again, where no other face is or only one whose mesh changed
    shape in this frame (it slid onto the held face: it is dropped); one held for ``config.bridge_frames`` frames is
    let go (a detection may find it later). ``HeldFace.pose`` gives where each held face is held in this frame.

    Returns:
        (the observed faces, duplicates merged; the faces held after this frame; the observed faces' anchors).
    """
    followed = follow_each(image, previous, config, models)
    looks: dict[int, tuple[float, float]] = {}

    def anchor(j: int) -> HeldFace:
        """Face ``j``'s anchor moved on to this frame."""
        a = anchors.get(id(previous[j]))
        if a is None:
            return HeldFace(previous[j], last_image, _velocity(previous[j], before))
        return replace(a, frames=a.frames + 1)

    def look(j: int) -> tuple[float, float]:
        if j not in looks:
            a = anchor(j)
            looks[j] = _looks(_cell_colours(a.image, a.face.landmarks), image, followed[j], a.pose())
        return looks[j]

    def last(j: int) -> HeldFace:
        """Face ``j`` as it was in the last frame, moved on to this one."""
        return HeldFace(previous[j], last_image, _velocity(previous[j], before))

    def look_last(j: int) -> tuple[float, float]:
        return _looks(_cell_colours(last_image, previous[j].landmarks), image, followed[j], last(j).pose())

    faces, still, changed, kept = [], [], [], {}
    for k, (prev, face) in enumerate(zip(previous, followed)):
        if last_image is None:
            if face is not None:
                faces.append(face)
            continue
        if face is None:  # lost: held if its mesh was already sliding off it in the last frame
            if id(prev) in anchors and anchors[id(prev)].sliding:
                still.append(replace(anchor(k), sliding=False))
            continue
        change = shape_change(prev.landmarks, face.landmarks)
        if _pulled_onto_other(k, previous, followed, lambda j: look(j)[0]):
            still.append(replace(anchor(k), in_front=True))
            continue
        if slid_off(change, lambda: look(k)):
            still.append(anchor(k))
            continue
        if id(prev) in anchors and slid_off(change, lambda: look_last(k)):  # a sudden slide from the last frame
            still.append(last(k))
            continue
        faces.append(face)
        if change < SHAPE_CHANGE or look(k)[0] >= SURE:
            kept[id(face)] = HeldFace(face, image, _velocity(face, previous), frames=0)
        else:  # changed shape, not clearly on the face: sliding if the held pose sees more of it
            changed.append(face)
            kept[id(face)] = replace(anchor(k), sliding=look(k)[0] < look(k)[1])
    for h in held:
        h = replace(h, frames=h.frames + 1)
        face = observe(image, landmarks_region(h.pose().landmarks, config.roi_scale), models, config)
        on = [f for f in faces if centred_in_any(face.box, [f]) or centred_in_any(f.box, [face])]
        # back where no other face is, or where only a face whose mesh changed shape is (it slid onto this one)
        if face.score >= config.mesh_presence and all(any(f is c for c in changed) for f in on) \
                and _back(h, image, face):
            faces = [f for f in faces if not any(f is o for o in on)] + [face]
        elif h.frames <= config.bridge_frames:
            still.append(h)
    faces = distinct_faces(faces, config)
    return faces, still, {id(f): kept[id(f)] for f in faces if id(f) in kept}


def _pulled_onto_other(k: int, previous: list[FaceObservation], followed: list[FaceObservation | None],
                       seen: Callable[[int], float]) -> bool:
    """Whether face ``k``'s new mesh ran into another face of the previous frame (two distinct faces then, now
    one centred on the other) and sees less of its own face than that one does (``seen(j)``: share of face ``j``'s
    cells its new mesh sees as they were): it is the face behind."""
    face = followed[k]
    for j, other in enumerate(followed):
        if j == k or other is None or centred_in_any(previous[k].box, [previous[j]]):
            continue
        if (centred_in_any(face.box, [other]) or centred_in_any(other.box, [face])) and seen(k) < seen(j):
            return True
    return False


def not_on_held(found: list[FaceObservation], held: list[HeldFace],
                image: np.ndarray) -> tuple[list[FaceObservation], list[HeldFace]]:
    """Newly detected faces without those centred where a held face is held (whatever their size) that do not see
    it again (a mesh fitted to a held face's visible part slides onto the face in front just as the followed one
    did, or fits a part of it); and the held faces, those with such a detection on them marked ``in_front`` (the
    detection is the face in front)."""
    def inside(box: np.ndarray, h: HeldFace) -> bool:
        centre, pose = (box[:2] + box[2:]) / 2, h.pose().box
        return bool(np.all(centre >= pose[:2]) and np.all(centre <= pose[2:]))

    dropped = [[f for f in found if inside(f.box, h) and not _back(h, image, f)] for h in held]
    kept = [f for f in found if not any(any(f is d for d in gone) for gone in dropped)]
    return kept, [replace(h, in_front=True) if any(_elsewhere(f, h) for f in gone) else h
                  for h, gone in zip(held, dropped)]


def _elsewhere(face: FaceObservation, held: HeldFace) -> bool:
    """Whether a detection on a held face is another face: its eyes lie at least :data:`OTHER_EYES` inter-ocular
    distances from the held pose's (the held face itself seen through a glass or past a cup sits within about 0.45)."""
    pose = held.pose().landmarks
    iod = max(float(np.linalg.norm(pose[468, :2] - pose[473, :2])), 1e-6)
    return float(np.linalg.norm(face.landmarks[[468, 473], :2] - pose[[468, 473], :2], axis=1).mean()) >= OTHER_EYES * iod
