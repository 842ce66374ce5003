"""Stage 2, face analysis (embedded tier): detect faces, 478 landmarks, tracks, masks, alignment, cache.

Typical use::

    from ned_core.analysis import AnalysisConfig, FaceMeshModels, analyze_image, analyze_shot
    config = AnalysisConfig()
    models = FaceMeshModels.load(config=config)       # once; reuse for every frame
    faces = analyze_image(rgb_uint8, config, models)  # list[FaceObservation], landmarks (478, 3) image px
    shot = analyze_shot(((n, rgb) for n, rgb in frames), config, models)  # tracks, smoothing, alignment
"""

from ned_core.analysis.align import Alignment, align_landmarks, aligned_crop
from ned_core.analysis.cache import AnalysisCache, cache_key
from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.frame import analyze_image, follow_faces
from ned_core.analysis.mask import MaskWindow, face_mask, feature_masks, pupils
from ned_core.analysis.mean_face import load_mean_face, mirror_indices
from ned_core.analysis.model_set import FaceMeshModels
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.shot import ShotAnalysis, TrackAnalysis, analyze_frames, analyze_shot
from ned_core.analysis.signature import describe_frame
from ned_core.analysis.smooth import landmark_jitter, smooth_landmarks, smooth_track
from ned_core.analysis.track import default_track, track_faces
from ned_core.analysis.types import (
    NUM_LANDMARKS,
    NUM_MESH,
    Detection,
    FaceObservation,
    FaceRegion,
    FaceTrack,
    FrameFaces,
)

__all__ = [
    "NUM_LANDMARKS",
    "NUM_MESH",
    "Alignment",
    "AnalysisCache",
    "AnalysisConfig",
    "Detection",
    "FaceMeshModels",
    "FaceObservation",
    "FaceRegion",
    "FaceTrack",
    "FrameFaces",
    "MaskWindow",
    "ShotAnalysis",
    "TrackAnalysis",
    "align_landmarks",
    "aligned_crop",
    "analyze_frames",
    "analyze_image",
    "analyze_shot",
    "cache_key",
    "default_track",
    "describe_frame",
    "face_mask",
    "feature_masks",
    "follow_faces",
    "landmark_jitter",
    "load_mean_face",
    "mirror_indices",
    "pupils",
    "similarity_transform",
    "smooth_landmarks",
    "smooth_track",
    "track_faces",
]
