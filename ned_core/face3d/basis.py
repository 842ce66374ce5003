"""The embedded tier's expression basis: one documented displacement field per named channel, plus regions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ned_core.analysis.mean_face import mirror_indices
from ned_core.face3d import units_lower as lower
from ned_core.face3d import units_upper as upper
from ned_core.face3d.anatomy import SIDES, FaceAnatomy, build_anatomy
from ned_core.face3d.channels import CHANNEL_NAMES
from ned_core.face3d.template import to_template_space

# channel name -> (field builder, its regions); "{s}" stands for the channel's side
_UNITS: dict[str, tuple[Callable[..., np.ndarray], tuple[str, ...]]] = {
    "jaw_open": (lower.jaw_open, ("mouth", "jaw")),
    "brow_inner_up": (upper.brow_inner_up, ("brow_{s}",)),
    "brow_outer_up": (upper.brow_outer_up, ("brow_{s}",)),
    "brow_lower": (upper.brow_lower, ("brow_{s}",)),
    "upper_lid_raise": (upper.upper_lid_raise, ("eye_{s}",)),
    "cheek_raise": (upper.cheek_raise, ("cheek_{s}", "eye_{s}")),
    "lid_tighten": (upper.lid_tighten, ("eye_{s}",)),
    "nose_wrinkle": (upper.nose_wrinkle, ("nose", "brow_L", "brow_R", "mouth")),
    "upper_lip_raise": (lower.upper_lip_raise, ("mouth", "nose")),
    "lip_corner_pull": (lower.lip_corner_pull, ("mouth", "cheek_{s}", "jaw")),
    "lip_corner_depress": (lower.lip_corner_depress, ("mouth", "jaw")),
    "chin_raise": (lower.chin_raise, ("mouth", "jaw")),
    "lip_stretch": (lower.lip_stretch, ("mouth", "cheek_{s}", "jaw")),
    "lip_tighten": (lower.lip_tighten, ("mouth",)),
    "lip_press": (lower.lip_press, ("mouth",)),
    "lips_part": (lower.lips_part, ("mouth",)),
    "blink": (upper.blink, ("eye_{s}",)),
}


@dataclass(frozen=True)
class ExpressionBasis:
    """Linear expression model over the 468-point mesh, in template space (units: IOD).

    A face with expression ``e (K,)`` is ``rest + sum_k e_k * displacements[k]``.

    Attributes:
        template: ``(468, 3) float64`` the symmetric mean face in template space.
        displacements: ``(K, 468, 3) float64`` each channel's offsets at activation 1.
        channel_names: the ``K`` names (``channels.CHANNEL_NAMES`` order).
        regions: name -> ``(468,) bool`` anatomical regions (they overlap): ``brow_L/R`` (forehead,
            brow and lid fold above the eye centre, clear of the lid margin), ``eye_L/R`` (lids
            and the rings around them), ``cheek_L/R``, ``nose`` (glabella to nose base),
            ``mouth`` (lips and the skin around them), ``jaw`` (vertices that follow the mandible).
        channel_regions: per channel, the names of the regions its field is meant to move.
        mirror: ``(468,) int`` each vertex's left/right partner.
    """

    template: np.ndarray
    displacements: np.ndarray
    channel_names: tuple[str, ...]
    regions: dict[str, np.ndarray]
    channel_regions: tuple[tuple[str, ...], ...]
    mirror: np.ndarray

    def support(self, channel: int) -> np.ndarray:
        """``(468,) bool`` union of the regions channel ``channel`` is meant to move."""
        return np.logical_or.reduce([self.regions[r] for r in self.channel_regions[channel]])

    def rigid_weights(self, threshold: float) -> np.ndarray:
        """``(468,) float64`` 1 for vertices no unit moves by more than ``threshold`` IOD, else 0."""
        peak = np.linalg.norm(self.displacements, axis=2).max(axis=0)
        return (peak < threshold).astype(np.float64)


def anatomical_regions(anat: FaceAnatomy) -> dict[str, np.ndarray]:
    """The named ``(468,) bool`` regions of :class:`ExpressionBasis` (see its docstring)."""
    x, y = anat.x, anat.y
    regions: dict[str, np.ndarray] = {}
    mouth_r = np.array([0.72, 0.42])
    rel = (anat.template[:, :2] - anat.mouth_centre[:2]) / mouth_r
    regions["mouth"] = np.sum(rel * rel, axis=1) <= 1.0
    regions["jaw"] = lower.mandible_weight(anat) > 0.02
    nose_bottom = anat.lips_outer_upper.at(np.zeros(1))[0, 1] - 0.03
    for s, sign in SIDES.items():
        eye = anat.eyes[s]
        erel = (anat.template[:, :2] - eye.centre[:2]) / np.array([0.36, 0.24])
        regions[f"eye_{s}"] = np.sum(erel * erel, axis=1) <= 1.0
        above = upper.height_above_upper_lid(anat, s)
        regions[f"brow_{s}"] = (above > 0.02) & (sign * x > 0.02) & (y < eye.centre[1])
        below = upper.depth_below_lower_lid(anat, s)
        regions[f"cheek_{s}"] = (sign * x > 0.2) & (below > 0.02) & (y < anat.mouth_corners[s][1] + 0.1)
    regions["nose"] = (np.abs(x) < 0.25) & (y > -0.35) & (y < nose_bottom) & ~regions["eye_L"] & ~regions["eye_R"]
    return regions


def build_expression_basis(mean_face: np.ndarray) -> ExpressionBasis:
    """Build the basis on a mean face.

    Args:
        mean_face: ``(468, 3)`` float upright mean face, y down, z away from the camera
            (``load_mean_face()``); it is moved to template space first.

    Returns:
        The :class:`ExpressionBasis`, channels in ``CHANNEL_NAMES`` order.
    """
    template = to_template_space(mean_face)
    anat = build_anatomy(template)
    regions = anatomical_regions(anat)
    fields, channel_regions = [], []
    for name in CHANNEL_NAMES:
        base, _, side = name.rpartition("_")
        if side not in SIDES:
            base, side = name, ""
        builder, names = _UNITS[base]
        fields.append(builder(anat, side) if side else builder(anat))
        channel_regions.append(tuple(r.format(s=side) for r in names))
    return ExpressionBasis(
        template=template,
        displacements=np.stack(fields),
        channel_names=CHANNEL_NAMES,
        regions=regions,
        channel_regions=tuple(channel_regions),
        mirror=mirror_indices(template),
    )
