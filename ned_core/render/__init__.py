"""Stage 5: manipulated face geometry -> face pixels (mesh-warp renderer, renderer interface).

Typical use::

    from ned_core.render import MeshWarpRenderer, RenderConfig, ShotContext
    renderer = MeshWarpRenderer(RenderConfig())
    renderer.prepare(ShotContext(frames, landmarks, (H, W), frame_reader))  # once per shot
    face = renderer.render(n, frame, src_landmarks, dst_landmarks)          # RenderedFace
"""

from ned_core.render.base import (
    MOUTH_RETRIEVED,
    MOUTH_SPLIT,
    MOUTH_SYNTHESISED,
    FaceRenderer,
    FrameReader,
    RenderedFace,
    ShotContext,
)
from ned_core.render.config import RenderConfig
from ned_core.render.mesh_warp import MeshWarpRenderer, render_mesh_warp
from ned_core.render.mouth_index import MouthIndex, build_mouth_index

__all__ = [
    "MOUTH_RETRIEVED",
    "MOUTH_SPLIT",
    "MOUTH_SYNTHESISED",
    "FaceRenderer",
    "FrameReader",
    "MeshWarpRenderer",
    "MouthIndex",
    "RenderConfig",
    "RenderedFace",
    "ShotContext",
    "build_mouth_index",
    "render_mesh_warp",
]
