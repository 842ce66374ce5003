"""The render stage's configuration: one frozen dataclass, passed in, never mutated."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from ned_core.exceptions import RenderConfigError


@dataclass(frozen=True)
class RenderConfig:
    """Every knob of the embedded mesh-warp renderer.

    Lengths are fractions of the face so that one config suits every face size: "face width" is
    the horizontal extent of the 468 mesh points, IOD the inter-ocular distance (eye-contour
    centres), both measured on the source landmarks of the frame.

    Attributes:
        fade_margin: width of the band around the face oval over which the warp fades to zero,
            as a fraction of the face width.
        fade_rings: rings of control points across the fade band (more = smoother fade).
        ring_points: control points per ring.
        fold_tolerance: a triangle of the fixed mean-face triangulation that flips from source to
            target is ignored (the fixed topology is kept) while its target area stays below
            ``(fold_tolerance * IOD)^2``: such slivers (closed lips, lid lines) cover a pixel or
            two, whereas switching to a fresh triangulation changes the whole face's warp.
        field_spacing: the warp's displacement field is computed on a grid whose spacing is this
            fraction of the face width (rounded to whole pixels; 0 = every pixel) and bilinearly
            interpolated in between: 2 px for a 256 px face, 4 px for a 500 px face by default.
            Identity warps stay exact at any spacing.
        exact_pad: around the lips and eyes (where edits bend the field sharply) the field is
            computed at every pixel, over their bounding boxes grown by this fraction of the IOD.
        eye_feather: soft edge, inside the eye contour, between the lid warp and the rigidly moved
            eye interior (fraction of the IOD).
        mouth_open: inner-lip area (in IOD^2, pose-normalised) above which a frame counts as an
            open mouth (a candidate for mouth-interior retrieval).
        fill_start, fill_full: how much inner-lip area (IOD^2) the target must gain by parting the lips
            further than the source (``mouth_fill.parted_growth``; a smile that only widens gains none)
            before the interior is filled at all / fully (smooth in between, so the fill fades in rather
            than pops); also how much smaller it must be before a closing mouth is sealed.
        stretch_own: the share of an open source mouth's own lip gap the target may add before the interior is
            filled (``mouth_fill.parted_growth``): that far the warp stretches the source's own interior, which
            carries the words; filling it with another frame's interior at a partial weight cross-faded two sets
            of teeth, which the face mesh re-read as a smaller opening (speaking astronaut made disgusted: mouth
            PCC 0.86; the source's own interior stretched: 0.97). 0.25 is the stretch ``split_below`` tolerates.
        mouth_stickiness: a frame keeps the previous frame's retrieved mouth while that one's shape distance is
            within ``1 + mouth_stickiness`` times the nearest one's (no teeth switching frame to frame; kept over
            frames without a fill too). Grace Hopper speaking, happy:0.8, 240 frames: 0.5 switched the stored mouth
            33 times, 1.0 once (frame pairs whose interior changes well beyond the source's 11 -> 4, teeth ungated); 2.0 kept one
            less open mouth for the whole shot, stretched over the wide syllables (a grey slab, no dark gap).
        max_patches: most mouth patches kept per shot (bounded memory; diverse shapes kept).
        patch_px_per_iod: resolution of the stored mouth patches (pixels per IOD); a patch spans
            1.2 x 0.9 IOD around the mouth.
        colour_gain_range: (low, high) clamp on the per-channel gain of the colour match (current
            frame's lip-ring mean over the retrieved frame's, in linear light).
        split_below: when the nearest stored interior is the frame's own (a still) and less open (inner-lip
            area) than this share of the target's, it would be stretched over it; it is split between the lips
            instead (teeth move with their lip, a dark cavity opens between; see ``jaw_split.py``).
        seal_open: a target mouth whose inner-lip area (IOD^2) is below this (fading out up to 1.5 times it), and
            smaller than the source's by ``fill_start``..``fill_full``, is painted closed over the interior the
            warp squeezed into it (see ``lip_seal.py``; 0.014 is what the face mesh reads on closed lips).
        synth_darkness: brightness of a synthesised interior relative to the lips' mean colour, in linear
            light (0.1 is about a third of the lips' brightness in sRGB: a cavity in shadow).
    """

    fade_margin: float = 0.2
    fade_rings: int = 3
    ring_points: int = 48
    fold_tolerance: float = 0.012
    field_spacing: float = 0.008
    exact_pad: float = 0.25
    eye_feather: float = 0.04
    mouth_open: float = 0.03
    fill_start: float = 0.005
    fill_full: float = 0.025
    stretch_own: float = 0.25
    mouth_stickiness: float = 1.0
    max_patches: int = 64
    patch_px_per_iod: float = 80.0
    colour_gain_range: tuple[float, float] = (0.5, 2.0)
    synth_darkness: float = 0.1
    seal_open: float = 0.03
    split_below: float = 0.8

    @property
    def reach(self) -> float:
        """How far beyond the face mesh the warp reads and writes (its fade band), as a fraction of the face's size."""
        return self.fade_margin

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            values = value if isinstance(value, tuple) else (value,)
            if not all(math.isfinite(v) and v >= 0 for v in values):
                raise RenderConfigError(f"RenderConfig.{f.name} must be finite and >= 0, got {value!r}")
        if self.fade_margin <= 0 or self.fade_rings < 1 or self.ring_points < 8 or self.field_spacing > 0.05:
            raise RenderConfigError(
                "RenderConfig: expected fade_margin > 0, fade_rings >= 1, ring_points >= 8, field_spacing <= 0.05; "
                f"got {self.fade_margin}, {self.fade_rings}, {self.ring_points}, {self.field_spacing}"
            )
        if not self.fill_full > self.fill_start or self.max_patches < 1 or self.patch_px_per_iod < 8:
            raise RenderConfigError(
                "RenderConfig: expected fill_full > fill_start, max_patches >= 1, patch_px_per_iod >= 8; "
                f"got {self.fill_start}, {self.fill_full}, {self.max_patches}, {self.patch_px_per_iod}"
            )
        low, high = self.colour_gain_range
        if not 0 < low <= 1 <= high:
            raise RenderConfigError(f"RenderConfig.colour_gain_range must satisfy 0 < low <= 1 <= high, "
                                    f"got {self.colour_gain_range}")
