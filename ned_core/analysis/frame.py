"""Faces in one frame: detect (or follow from the previous frame), dense mesh, irises -> FaceObservation."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ned_core.analysis import ssd
from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.detect import check_image, detect_faces, detection_region
from ned_core.analysis.iris import add_iris
from ned_core.analysis.mesh import TURNED_YAW, landmarks_region, mesh_box, roll_angle, run_mesh, yaw_angle
from ned_core.analysis.model_set import FaceMeshModels
from ned_core.analysis.types import FaceObservation, FaceRegion

MAX_REFINE_PASSES = 3
REFINE_ROLL_TOLERANCE = math.radians(4.0)
SAME_FACE_SCALE = 2.0  # two boxes of one face (detector, mesh, last frame) differ in size by less than this
TURN_IOU = 0.5  # a turned face continues the last frame's face when their boxes overlap this much


def observe(image: np.ndarray, region: FaceRegion, models: FaceMeshModels, config: AnalysisConfig,
            passes: int = 1) -> FaceObservation:
    """Run the mesh (and iris) on ``region``; with ``passes`` > 1, re-centre the crop on the landmarks.

    Each extra pass re-crops from the previous pass's landmarks (the crop the mesh model was trained
    on) and stops early once the roll changes by less than a few degrees.

    Returns:
        The observation; its ``score`` is the mesh model's face-presence probability (the caller
        decides whether it is a face).
    """
    for k in range(passes):
        mesh, presence = run_mesh(image, region, models.mesh)
        new_region = landmarks_region(mesh, config.roi_scale)
        if k > 0 and abs(_wrap(new_region.angle - region.angle)) < REFINE_ROLL_TOLERANCE:
            break
        region = new_region
    landmarks = add_iris(image, mesh, models.iris if config.use_iris else None)
    return FaceObservation(box=mesh_box(mesh), landmarks=landmarks, score=presence, roll=roll_angle(mesh))


def _wrap(angle: float) -> float:
    return (angle + math.pi) % (2 * math.pi) - math.pi


def _distinct(faces: list[FaceObservation], iou: float) -> list[FaceObservation]:
    """Drop faces whose mesh box overlaps a higher-scoring one, or is centred inside it (two crops of the
    same face, e.g. a detection around one eye and mouth corner that the mesh still accepts)."""
    kept: list[FaceObservation] = []
    for face in sorted(faces, key=lambda f: -f.score):
        if not kept or (ssd.iou(face.box, np.stack([k.box for k in kept])).max() <= iou
                        and not centred_in_any(face.box, kept)):
            kept.append(face)
    return kept


def analyze_image(image: np.ndarray, config: AnalysisConfig, models: FaceMeshModels) -> list[FaceObservation]:
    """Every face in a still image: detector, then mesh refined on its own landmarks, then irises.

    Args:
        image: ``(H, W, 3) uint8`` sRGB.
        config: analysis settings.
        models: loaded once with ``FaceMeshModels.load``.

    Returns:
        One observation per face (possibly none), largest first, landmarks ``(478, 3)`` in image pixels.
    """
    return detect_new_faces(image, [], config, models)


def detect_new_faces(image: np.ndarray, known: Sequence[FaceObservation], config: AnalysisConfig,
                     models: FaceMeshModels, last: Sequence[FaceObservation] = ()) -> list[FaceObservation]:
    """Faces found by the detector that are not among ``known`` (a detection centred in a known face is skipped).

    A found face needs ``config.mesh_presence``, or less when it continues a turning face of ``last`` (the
    previous frame's faces, :func:`continues_turn`): the re-detection of a face the mesh lost at a turn.

    Returns:
        The new faces, largest first.
    """
    dets = [d for d in detect_faces(image, models, config) if not centred_in_any(d.box, known)]
    faces = [observe(image, detection_region(det, config.roi_scale), models, config, MAX_REFINE_PASSES)
             for det in dets]
    faces = [f for f in _distinct(faces, config.nms_iou) if _accepted(f, last, config)]
    return _by_size([f for f in faces if not centred_in_any(f.box, known)])


def continues_turn(face: FaceObservation, last: FaceObservation, config: AnalysisConfig) -> bool:
    """Whether ``face``, scored below ``config.mesh_presence``, is still ``last`` (the face in the previous frame)
    turning away: presence at least ``config.turned_presence``, on ``last``'s box (IoU >= :data:`TURN_IOU`),
    and the mesh reads the head turned by at least ``mesh.TURNED_YAW`` to the same side in both frames (the mesh
    scores a head at three-quarter or towards profile low; a hand over a frontal face reads turned in one
    frame only, so it still makes a gap)."""
    if face.score < config.turned_presence or float(ssd.iou(face.box, last.box[None])[0]) < TURN_IOU:
        return False
    now, before = yaw_angle(face.landmarks), yaw_angle(last.landmarks)
    return min(abs(now), abs(before)) >= TURNED_YAW and now * before > 0


def _accepted(face: FaceObservation, last: Sequence[FaceObservation], config: AnalysisConfig) -> bool:
    return face.score >= config.mesh_presence or any(continues_turn(face, f, config) for f in last)


def centred_in_any(box: np.ndarray, faces: Sequence[FaceObservation]) -> bool:
    """Whether ``box`` (x0, y0, x1, y1) is one of ``faces`` again: its centre lies inside that face's box and the
    two are of a size (within ``SAME_FACE_SCALE``). A much smaller face centred in a big one is another face: the
    incoming actor of a dissolve over the outgoing one's close-up, a face in a picture or a mirror behind."""
    centre = (box[:2] + box[2:]) / 2
    size = _side(box)
    return any(bool(np.all(centre >= f.box[:2]) and np.all(centre <= f.box[2:]))
               and max(size, _side(f.box)) <= SAME_FACE_SCALE * min(size, _side(f.box)) for f in faces)


def _side(box: np.ndarray) -> float:
    return max(float(box[2] - box[0]), float(box[3] - box[1]), 1e-6)


def follow_faces(image: np.ndarray, previous: Sequence[FaceObservation], config: AnalysisConfig,
                 models: FaceMeshModels) -> list[FaceObservation]:
    """The faces of the previous frame in this frame, cropped from their previous landmarks (no detector).

    A face the mesh no longer finds (presence below ``config.mesh_presence``, unless it is the previous face
    turning away: :func:`continues_turn`) is left out.

    Args:
        image: ``(H, W, 3) uint8`` sRGB, the next frame.
        previous: last frame's observations.

    Returns:
        Observations in the order of ``previous`` minus the lost ones (duplicates merged).
    """
    return distinct_faces([f for f in follow_each(image, previous, config, models) if f is not None], config)


def follow_each(image: np.ndarray, previous: Sequence[FaceObservation], config: AnalysisConfig,
                models: FaceMeshModels) -> list[FaceObservation | None]:
    """Each face of ``previous`` re-fitted in ``image`` from its landmarks: one entry per face of ``previous``,
    None where the mesh lost it (see :func:`follow_faces`); duplicates are not merged."""
    check_image(image)
    faces = [observe(image, landmarks_region(prev.landmarks, config.roi_scale), models, config)
             for prev in previous]
    return [f if _accepted(f, [prev], config) else None for f, prev in zip(faces, previous)]


def distinct_faces(faces: Sequence[FaceObservation], config: AnalysisConfig) -> list[FaceObservation]:
    """``faces`` in their order without those that are another one found again (:func:`_distinct`)."""
    kept = _distinct(list(faces), config.nms_iou)
    return [f for f in faces if any(f is k for k in kept)]


def _by_size(faces: list[FaceObservation]) -> list[FaceObservation]:
    return sorted(faces, key=lambda f: -float(np.prod(f.box[2:] - f.box[:2])))
