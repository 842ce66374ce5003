"""Synthetic actors: a real face photo warped through known expressions and head motion (with ground truth)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.frame import analyze_image
from ned_core.analysis.model_set import FaceMeshModels
from ned_core.analysis.regions import LIPS_INNER
from ned_core.exceptions import SyntheticActorError
from ned_core.face3d.channels import CHANNEL_INDEX, NUM_CHANNELS
from ned_core.face3d.embedded import EmbeddedFaceModel
from ned_core.face3d.falloff import smoothstep
from ned_core.face3d.types import Pose
from ned_core.render.warp import add_fade_ring, triangulate, warp_image
from ned_core.synthetic.mouth import mouth_height, mouth_look, paint_mouth
from ned_core.synthetic.signals import blinks, episodes, speech_jaw, wander
from ned_core.synthetic.turn_render import FaceSurface, faceless_backdrop

HEAD_CENTRE = np.array([0.0, 0.4, 1.0])  # template space: the head turns about a point behind the nose
MOUTH_FILL_HEIGHT = 0.04  # IOD of mouth opening beyond the photo's at which the interior is fully painted


@dataclass(frozen=True)
class SyntheticActorConfig:
    """What the synthetic actor does.

    Attributes:
        num_frames: clip length ``T``. fps: frame rate.
        seed: all randomness (syllable timing, smile episodes, head motion, blinks).
        speech_gain: peak jaw opening while talking (activation).
        smile_episodes: how many times the smile (lip_corner_pull 1:1, cheek_raise 0.6:1) comes and goes.
        smile_peak: range of each episode's peak activation.
        blinks_per_minute: blink rate (0 for none).
        yaw_deg, pitch_deg, roll_deg: head-turn amplitudes (slow sinusoids, degrees).
        shift_iod: head translation amplitude on screen, in inter-ocular distances.
        fade_margin: width of the band around the face over which the warp fades out, as a
            multiple of the face mesh's width.
    """

    num_frames: int = 75
    fps: float = 25.0
    seed: int = 0
    speech_gain: float = 0.8
    smile_episodes: int = 2
    smile_peak: tuple[float, float] = (0.6, 1.0)
    blinks_per_minute: float = 12.0
    yaw_deg: float = 6.0
    pitch_deg: float = 3.0
    roll_deg: float = 4.0
    shift_iod: float = 0.08
    fade_margin: float = 0.5

    def __post_init__(self) -> None:
        if self.num_frames < 2 or self.fps <= 0 or self.smile_episodes < 0 or self.fade_margin <= 0:
            raise SyntheticActorError(
                "SyntheticActorConfig: expected num_frames >= 2, fps > 0, smile_episodes >= 0, fade_margin > 0; "
                f"got {self.num_frames}, {self.fps}, {self.smile_episodes}, {self.fade_margin}"
            )


@dataclass(frozen=True)
class SyntheticClip:
    """A generated clip and its ground truth.

    Attributes:
        frames: ``(T, H, W, 3) uint8`` sRGB.
        expression: ``(T, K) float32`` true activations, relative to the photo's own face.
        pose: true head pose per frame (template space -> image pixels).
        landmarks: ``(T, 468, 3) float32`` where the warp moved the photo's mesh points.
        identity: ``(468, 3) float32`` the photo's face as a rest shape (template space).
        fps: frame rate.
    """

    frames: np.ndarray
    expression: np.ndarray
    pose: Pose
    landmarks: np.ndarray
    identity: np.ndarray
    fps: float


def actor_expressions(config: SyntheticActorConfig) -> np.ndarray:
    """The truth expression of :func:`make_synthetic_actor`: talking, a smile coming and going, blinks.

    Returns:
        ``(T, K) float32``.
    """
    rng = np.random.default_rng([config.seed, 1])
    t, fps = config.num_frames, config.fps
    out = np.zeros((t, NUM_CHANNELS))
    out[:, CHANNEL_INDEX["jaw_open"]] = config.speech_gain * speech_jaw(t, fps, rng)
    smile = episodes(t, fps, rng, config.smile_episodes, config.smile_peak) if config.smile_episodes else 0.0
    for side in "LR":
        out[:, CHANNEL_INDEX[f"lip_corner_pull_{side}"]] = smile
        out[:, CHANNEL_INDEX[f"cheek_raise_{side}"]] = 0.6 * smile
    if config.blinks_per_minute > 0:
        closure = blinks(t, fps, rng, config.blinks_per_minute)
        out[:, CHANNEL_INDEX["blink_L"]] = closure
        out[:, CHANNEL_INDEX["blink_R"]] = closure
    return out.astype(np.float32)


def head_motion(base: Pose, config: SyntheticActorConfig, angles_deg: np.ndarray | None = None) -> Pose:
    """Poses that turn the photo's head (``base``, one frame) about :data:`HEAD_CENTRE` and shift it.

    Args:
        angles_deg: ``(T, 3)`` yaw, pitch, roll in degrees to play instead of the seeded slow angles of
            ``config`` (a scripted head turn); the seeded shift still applies.

    Returns:
        ``T`` poses; rotations ``base.rotation @ Rz(roll) Ry(yaw) Rx(pitch)``.
    """
    rng = np.random.default_rng([config.seed, 2])
    t, fps = config.num_frames, config.fps
    amplitudes = (config.yaw_deg, config.pitch_deg, config.roll_deg)
    wandering = np.stack([wander(t, fps, rng, a) for a in amplitudes], axis=1)
    if angles_deg is not None:
        if np.shape(angles_deg) != (t, 3):
            raise SyntheticActorError(f"head_motion: expected angles_deg ({t}, 3), got {np.shape(angles_deg)}")
        wandering = np.asarray(angles_deg, np.float64)
    angles = np.radians(wandering)
    turn = Pose.from_euler(angles, np.ones(t), np.zeros((t, 3))).rotation
    rotation = base.rotation[0] @ turn
    scale = np.full(t, base.scale[0])
    shift = np.stack([wander(t, fps, rng, config.shift_iod) for _ in range(2)] + [np.zeros(t)], 1) * scale[:, None]
    pivot = base.scale[0] * base.rotation[0] @ HEAD_CENTRE
    translation = base.translation[0] + pivot - scale[:, None] * (rotation @ HEAD_CENTRE) + shift
    return Pose(rotation, scale, translation)


def animate_photo(
    photo: np.ndarray,
    landmarks: np.ndarray,
    expression: np.ndarray,
    motion: SyntheticActorConfig,
    model: EmbeddedFaceModel,
    angles_deg: np.ndarray | None = None,
    surface: bool = False,
) -> SyntheticClip:
    """Warp ``photo`` so that its face plays ``expression`` with the head motion of ``motion``.

    The photo's mesh is fitted as a one-frame shot: its own shape becomes the rest, so activations
    are relative to the face in the photo. Per frame, the mesh is reconstructed from the expression
    and the moved pose (plus the photo's unexplained detail, so that activation 0 and the photo's
    pose reproduce the photo's mesh exactly), the photo is warped piecewise-affinely from its mesh
    onto that (fading out over ``motion.fade_margin`` face widths), and the inner-lip polygon is
    painted as a mouth interior (teeth, cavity and tongue lit by the photo's light, ``mouth.py``; the teeth
    vary with ``motion.seed``), fading in as the mouth opens further than in the photo (fully painted once
    its mean height has grown by :data:`MOUTH_FILL_HEIGHT`; a smile that only widens the mouth paints
    nothing).

    Args:
        photo: ``(H, W, 3) uint8`` with one face.
        landmarks: ``(N >= 468, 3)`` the photo's face landmarks (image pixels).
        expression: ``(T, K)`` activations to play.
        motion: head-motion settings (``num_frames`` must equal ``T``).
        model: the face model used to fit and reconstruct.
        angles_deg: ``(T, 3)`` scripted yaw, pitch, roll (degrees) instead of the seeded head motion
            (:func:`head_motion`).
        surface: draw the face as a surface over the photo with its face filled in (``turn_render.py``: hides
            what turns away, for turns past about 50 degrees of yaw) instead of warping the photo.

    Returns:
        The :class:`SyntheticClip`.
    """
    expr = np.asarray(expression, np.float32)
    if expr.shape != (motion.num_frames, NUM_CHANNELS):
        raise SyntheticActorError(
            f"animate_photo: expected expression ({motion.num_frames}, {NUM_CHANNELS}), got {expr.shape}"
        )
    still = model.fit(np.asarray(landmarks)[None])
    # the photo's own face as the rest (a held expression the fit reads stays part of it: the truth is
    # relative to the photo)
    photo_rest = model.shapes(still.identity, still.expression)[0].astype(np.float32)
    poses = head_motion(still.pose, motion, angles_deg)
    fit = replace(still, identity=photo_rest, pose=poses, unexplained=np.repeat(still.unexplained, len(expr), axis=0))
    target = model.reconstruct(fit, expr, include_unexplained=True)
    src = np.asarray(landmarks, np.float64)[: model.num_vertices, :2]
    margin = motion.fade_margin * float(np.ptp(src[:, 0]))
    frames = np.empty((len(expr), *photo.shape), np.uint8)
    look = mouth_look(photo, landmarks, motion.seed)
    mouth = list(LIPS_INNER)
    upper, lower = list(LIPS_INNER[10:]) + [LIPS_INNER[0]], list(LIPS_INNER[:11])  # 308 -> 78, 78 -> 308
    if surface:
        face = FaceSurface.of(np.asarray(landmarks)[: model.num_vertices])
        backdrop = faceless_backdrop(photo, src)
    for i, dst in enumerate(target[:, :, :2].astype(np.float64)):
        if surface:
            frames[i] = face.render(photo, backdrop, target[i])
        else:
            src_ext, dst_ext = add_fade_ring(src, dst, margin)
            frames[i] = warp_image(photo, src_ext, dst_ext, triangulate(dst_ext))
        opened = (mouth_height(dst[mouth]) - mouth_height(src[mouth])) / poses.scale[i]
        opacity = float(smoothstep(0.0, MOUTH_FILL_HEIGHT, opened))
        paint_mouth(frames[i], dst[upper], dst[lower], float(poses.scale[i]), opacity, look)
    return SyntheticClip(frames, expr, poses, target, photo_rest, motion.fps)


def make_synthetic_actor(
    photo: np.ndarray,
    config: SyntheticActorConfig,
    models: FaceMeshModels,
    model: EmbeddedFaceModel,
    analysis: AnalysisConfig | None = None,
) -> SyntheticClip:
    """A talking, smiling, head-turning actor made from a photo (see :func:`actor_expressions`).

    Args:
        photo: ``(H, W, 3) uint8`` with a frontal face (the largest face is used).
        config: what the actor does.
        models: MediaPipe models for finding the photo's face.
        model: the face model.
        analysis: analysis settings (defaults).

    Raises:
        SyntheticActorError: no face found in the photo.
    """
    faces = analyze_image(photo, analysis or AnalysisConfig(), models)
    if not faces:
        raise SyntheticActorError("make_synthetic_actor: no face found in the photo")
    return animate_photo(photo, faces[0].landmarks, actor_expressions(config), config, model)
