"""The composite stage's configuration: one frozen dataclass, passed in, never mutated."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ned_core.exceptions import CompositeConfigError


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
    """

    erode: float = 0.08
    feather: float = 0.05
    levels: int = 5
    margin: float = 0.15
    min_alpha: float = 1e-3
    bridge_fade: int = 2

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
        if self.min_alpha >= 0.5:
            raise CompositeConfigError(f"CompositeConfig.min_alpha must be < 0.5, got {self.min_alpha!r}")
