"""Stages 5-6 for one track of a shot: the renderer prepared once, then frame -> face plate."""

from __future__ import annotations

import numpy as np

from ned_core.analysis import TrackAnalysis
from ned_core.composite import composite_face, merge_over
from ned_core.io.exr import FacePlate
from ned_core.io.plate_source import Frame, PlateSource
from ned_core.pipeline.config import NedConfig
from ned_core.render import MOUTH_SYNTHESISED, MeshWarpRenderer, ShotContext


class FrameRenderer:
    """Renders and composites one track's frames (embedded mesh-warp renderer).

    Args:
        config: the pipeline configuration (``render`` and ``composite`` slices).
        source: the open shot; read at random for mouth-interior retrieval while preparing.
        track: the track being edited.
    """

    def __init__(self, config: NedConfig, source: PlateSource, track: TrackAnalysis):
        self.config = config
        self.colour = source.colour
        self.renderer = MeshWarpRenderer(config.render)
        info = source.info
        self.renderer.prepare(ShotContext(frames=track.track.frames, landmarks=track.landmarks,
                                          frame_size=(info.height, info.width),
                                          frame_reader=lambda n: source.read(int(n)).rgb))
        self.synthesised_mouth_frames: list[int] = []

    def render(self, frame: Frame, src: np.ndarray, dst: np.ndarray) -> FacePlate:
        """The face plate of one frame: ``src``/``dst`` are its ``(478, 3)`` source and target landmarks."""
        rendered = self.renderer.render(frame.number, frame.rgb, src, dst)
        if rendered.flags.get("mouth_fill") == MOUTH_SYNTHESISED:
            self.synthesised_mouth_frames.append(frame.number)
        return composite_face(frame.rgb, rendered, src, dst, self.config.composite)

    def preview_frame(self, frame: Frame, plate: FacePlate) -> np.ndarray:
        """``(H, W, 3) uint8`` sRGB of the plate merged over the frame."""
        return self.colour.working_to_srgb8(merge_over(frame.rgb, plate))
