"""Synthetic actors for tests and benchmarks: a real photo animated with known expressions, and expression sequences.

Typical use::

    from ned_core.synthetic import SyntheticActorConfig, emotion_sequence, make_synthetic_actor, sample_photo
    model = EmbeddedFaceModel.from_mean_face()
    clip = make_synthetic_actor(sample_photo("grace_hopper"), SyntheticActorConfig(seed=0), models, model)
    clip.frames, clip.expression, clip.pose    # (T, H, W, 3) uint8, (T, 27) truth, true head pose
    happy = emotion_sequence("happy", 100, seed=1, actor_seed=3)   # (100, 27), no images

Test footage with ground truth (cuts, dissolves, fades, edge crops, a hand, crossing heads):
``build_footage(dev_clips()[0], photo_faces(models))`` (see ``footage.py``).

Names are imported on first use, so ``emotion_sequence`` does not pull in the image stack.
"""

from __future__ import annotations

from ned_core.lazy_exports import lazy_getattr

_EXPORTS = {
    "SAMPLE_PHOTOS": "photos",
    "ActorStyle": "emotions",
    "ClipSpec": "footage",
    "Footage": "footage",
    "ShotSpec": "footage",
    "build_footage": "footage",
    "dev_clips": "footage",
    "held_out_clips": "footage",
    "photo_faces": "footage",
    "SyntheticActorConfig": "actor",
    "SyntheticClip": "actor",
    "actor_expressions": "actor",
    "actor_style": "emotions",
    "animate_photo": "actor",
    "emotion_sequence": "emotions",
    "head_motion": "actor",
    "make_synthetic_actor": "actor",
    "sample_photo": "photos",
    "write_mp4": "video",
    "write_png_sequence": "video",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_getattr("ned_core.synthetic", _EXPORTS)
