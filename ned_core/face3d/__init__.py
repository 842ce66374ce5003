"""Stage 3, face model: head pose | actor identity | named expression vector per frame.

Typical use (embedded tier)::

    from ned_core.face3d import EmbeddedFaceModel
    model = EmbeddedFaceModel.from_mean_face()
    fit = model.fit(landmarks)                      # (T, 478, 3) image px -> FitResult
    fit.expression[:, model.speech_channel]         # jaw opening per frame
    edited = fit.expression.copy()
    edited[:, CHANNEL_INDEX["lip_corner_pull_L"]] += 0.5            # more smile on the left
    mesh = model.reconstruct(fit, edited, include_unexplained=True)  # (T, 468, 3) image px
"""

from ned_core.face3d.basis import ExpressionBasis, build_expression_basis
from ned_core.face3d.channels import CHANNEL_INDEX, CHANNEL_NAMES, CHANNELS, NUM_CHANNELS, SPEECH_CHANNEL
from ned_core.face3d.config import FitConfig
from ned_core.face3d.embedded import EmbeddedFaceModel
from ned_core.face3d.interface import FaceModel
from ned_core.face3d.types import FitResult, Pose

__all__ = [
    "CHANNELS",
    "CHANNEL_INDEX",
    "CHANNEL_NAMES",
    "NUM_CHANNELS",
    "SPEECH_CHANNEL",
    "EmbeddedFaceModel",
    "ExpressionBasis",
    "FaceModel",
    "FitConfig",
    "FitResult",
    "Pose",
    "build_expression_basis",
]
