"""Stage 3, face model: head pose | actor identity | named expression vector per frame.

Typical use (embedded tier)::

    from ned_core.face3d import CHANNEL_INDEX, EmbeddedFaceModel
    model = EmbeddedFaceModel.from_mean_face()
    fit = model.fit(landmarks)                      # (T, 478, 3) image px -> FitResult
    fit.expression[:, model.speech_channel]         # jaw opening per frame
    edited = fit.expression.copy()
    edited[:, CHANNEL_INDEX["lip_corner_pull_L"]] += 0.5            # more smile on the left
    mesh = model.reconstruct(fit, edited, include_unexplained=True)  # (T, 468, 3) image px

Names are imported on first use, so ``ned_core.face3d.channels`` stays cheap to import.
"""

from __future__ import annotations

from ned_core.lazy_exports import lazy_getattr

_EXPORTS = {
    "CHANNELS": "channels",
    "CHANNEL_INDEX": "channels",
    "CHANNEL_NAMES": "channels",
    "NUM_CHANNELS": "channels",
    "SPEECH_CHANNEL": "channels",
    "EmbeddedFaceModel": "embedded",
    "ExpressionBasis": "basis",
    "FaceModel": "interface",
    "FitConfig": "config",
    "FitResult": "types",
    "Pose": "types",
    "build_expression_basis": "basis",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_getattr("ned_core.face3d", _EXPORTS)
