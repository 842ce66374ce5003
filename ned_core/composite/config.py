"""The composite stage's configuration: frozen dataclasses, passed in, never mutated."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ned_core.exceptions import CompositeConfigError


@dataclass(frozen=True)
class OcclusionConfig:
    """How different from the track's own appearance a part of the face must be to count as hidden.

    Attributes:
        threshold: a cell is flagged when its colour change exceeds this many times its own robust spread.
        min_change: ... and at least this much (log colour distance; 0.12 is about a 13 % change).
        max_change: ... and a change above this always counts (a cell that varies a lot on its own, such as the
            edge of a badly tracked jaw, is still hidden by something of another colour).
        coherence: a flagged region counts only when its colours lie this close together (median log colour
            distance to their median): an occluder is one thing, while a mesh that sits off shows the face's own
            features, moved, everywhere. A region that is not one colour still counts when most of its cells
            differ from every reference cell within ``reach`` (a textured occluder: another face, a glass).
        detail_change: a cell is also flagged when its fine-structure energy (squared log-luminance gradient at
            full resolution) is lower than that of every reference cell next to it by more than this (natural log
            ratio) and ``threshold`` times its spread: a skin-coloured hand is smoother than a lined cheek. 0 turns
            it off.
        reach: cells (of the 48-cell canonical grid; the face spans about 38) a mesh that sits off may have moved
            the face's own features by.
        min_area: flagged components smaller than this fraction of the face are dropped.
        grow: cells the mask is grown by, so an occluder's edge is not painted over.
        samples: most observed frames of a track the reference is built from.
    """

    threshold: float = 4.0
    min_change: float = 0.12
    max_change: float = 0.35
    coherence: float = 0.2
    reach: int = 3
    detail_change: float = 0.7
    min_area: float = 0.02
    grow: int = 2
    samples: int = 16

    def __post_init__(self) -> None:
        for name in ("threshold", "min_change", "max_change", "coherence", "min_area", "detail_change"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise CompositeConfigError(f"OcclusionConfig.{name} must be finite and >= 0, got {value!r}")
        if self.min_change > self.max_change:
            raise CompositeConfigError(f"OcclusionConfig.min_change ({self.min_change}) must not exceed max_change "
                                       f"({self.max_change})")
        for name, low in (("grow", 0), ("samples", 3), ("reach", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise CompositeConfigError(f"OcclusionConfig.{name} must be an int >= {low}, got {value!r}")


@dataclass(frozen=True)
class CompositeConfig:
    """Blend mask and multi-band blending settings (lengths as fractions of the inter-ocular distance).

    Attributes:
        erode: how far the hard face-oval mask is eroded before feathering (fraction of the IOD),
            so the seam lies inside the face where the render is reliable.
        feather: Gaussian sigma of the feather applied after the erosion (fraction of the IOD).
        levels: most Laplacian pyramid levels; fewer are used when the data window leaves too
            little room around the mask for the coarsest band (it must fade out inside the window).
        margin: data window = face box grown by this fraction of its width/height on each side
            (the plate's data window; see ``ned_core.io.exr.face_data_window``).
        min_alpha: mask values below this are set to 0 (the plate is exactly transparent there).
        bridge_fade: observed frames on each side of a bridged gap (landmarks interpolated while the face was
            hidden) over which the plate eases out to transparent and back (``composite.bridge``); 0 = cut.
        occlusion: the occlusion mask's settings (``composite.occlusion``: the plate is made transparent where
            something in front hides part of the face); None = no occlusion mask.
        paint_bridged: with an occlusion mask, paint bridged frames too (at the interpolated pose, e.g. a face held
            behind another head passing in front: ``analysis.hold``) and let the mask hide what covers the face,
            instead of fading the plate out over them (``bridge_fade``); the visible rest of the face keeps its
            edit. Off by default (a glass in front is painted more: README known limits).
        paint_held: with an occlusion mask, paint the bridged frames on which the face was held behind another
            face passing in front (``FaceTrack.held``: the analysis knows the cause there) and let the mask hide the
            face in front; the other bridged frames (a hand, a glass, a missed detection) still fade out. On by
            default; ``paint_bridged`` paints every bridged frame.
    """

    erode: float = 0.08
    feather: float = 0.05
    levels: int = 5
    margin: float = 0.15
    min_alpha: float = 1e-3
    bridge_fade: int = 2
    occlusion: OcclusionConfig | None = OcclusionConfig()
    paint_bridged: bool = False
    paint_held: bool = True

    def faded_frames(self, interpolated: np.ndarray, held: np.ndarray) -> np.ndarray:
        """``(T,) bool`` which of a track's frames the plate fades out over (``composite.bridge``): its bridged
        frames (``interpolated``), less those this configuration paints (needs the occlusion mask to hide what
        covers the face: ``paint_bridged`` every one, ``paint_held`` the ones ``held`` behind another face)."""
        interpolated = np.asarray(interpolated, bool)
        if self.occlusion is None:
            return interpolated
        if self.paint_bridged:
            return np.zeros_like(interpolated)
        return interpolated & ~np.asarray(held, bool) if self.paint_held else interpolated

    def painted_gaps(self) -> str:
        """Which bridged frames are painted, for the plates' metadata: "all", "held" (behind another face) or
        "none"."""
        if self.occlusion is None:
            return "none"
        return "all" if self.paint_bridged else "held" if self.paint_held else "none"

    @property
    def reach(self) -> float:
        """How far beyond the face box the plate's data window (where the blend works) extends, as a fraction of the
        box's size."""
        return self.margin

    def __post_init__(self) -> None:
        for name in ("erode", "feather", "margin", "min_alpha"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise CompositeConfigError(f"CompositeConfig.{name} must be finite and >= 0, got {value!r}")
        if not isinstance(self.levels, int) or not 1 <= self.levels <= 8:
            raise CompositeConfigError(f"CompositeConfig.levels must be an int in 1..8, got {self.levels!r}")
        if isinstance(self.bridge_fade, bool) or not isinstance(self.bridge_fade, int) or not 0 <= self.bridge_fade <= 24:
            raise CompositeConfigError(f"CompositeConfig.bridge_fade must be an int in 0..24 frames, got "
                                       f"{self.bridge_fade!r}")
        if self.occlusion is not None and not isinstance(self.occlusion, OcclusionConfig):
            raise CompositeConfigError(f"CompositeConfig.occlusion must be an OcclusionConfig or None, got "
                                       f"{self.occlusion!r}")
        for name in ("paint_bridged", "paint_held"):
            if not isinstance(getattr(self, name), bool):
                raise CompositeConfigError(f"CompositeConfig.{name} must be True or False, got "
                                           f"{getattr(self, name)!r}")
        if self.min_alpha >= 0.5:
            raise CompositeConfigError(f"CompositeConfig.min_alpha must be < 0.5, got {self.min_alpha!r}")
