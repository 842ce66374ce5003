"""The corrugator's knit: the inner brow heads drawn down and together where the brows lower without an inner raise.

AU4 (corrugator supercilii, depressor supercilii, procerus) "lowers the eyebrows and pulls them together"; its
marks are the inner brow heads coming down and toward the midline and the skin between them bunching into
vertical furrows (P. Ekman, W. V. Friesen and J. C. Hager, *Facial Action Coding System: Investigator's Guide*,
Research Nexus, 2002, AU4). The basis unit :func:`~ned_core.face3d.units_upper.brow_lower` is kept broad (the fit
reads brow lowering with it, and sad's AU1+4 relies on its shape); the knit is what it leaves out at the inner
heads, added to the edited face only, by the amount of brow lowering that no inner-brow raise (AU1) offsets on
that side: an angry frown knits fully, sad and fear (AU1 stronger than AU4) not at all, and a frowning actor
made neutral has the knit released.

Amplitude, this project's choice inside the range of the 3D studies ``units_upper`` cites (brow lowering of
the order of 6 mm): at activation 1 the knit adds 0.045 IOD down and 0.04 IOD toward the midline at the inner
brow head (with the unit's own 0.02-0.03 / 0.01-0.015 there, the heads come ~0.07 IOD (~4.5 mm) down and the
brows ~0.1 IOD (~6 mm) closer), fading over ~0.3 IOD along the brow and ~0.2 above it.
"""

from __future__ import annotations

import numpy as np

from ned_core.face3d.anatomy import SIDES, build_anatomy
from ned_core.face3d.falloff import bump, side_gate, smoothstep
from ned_core.face3d.units_upper import height_above_upper_lid

KNIT_DOWN = 0.045  # IOD, at the inner brow head
KNIT_IN = 0.04  # IOD, toward the midline
_RADII = np.array([0.30, 0.22, 0.6])  # IOD: along the brow, up/down, depth
_MEDIAL = 0.06  # IOD: the knit's centre sits this far nearer the midline than the brow's inner quarter


def knit_fields(template: np.ndarray) -> np.ndarray:
    """``(2, 468, 3) float64`` the knit of the subject's left and right brow at activation 1 (template space, IOD).

    The medial pull is 0 on the midline (both sides meet there: the glabella's skin is compressed, not moved
    across); the downward pull is shared by both sides there (each gives half), so the glabella comes down with
    the heads. Vertices within 0.02 IOD of the upper-lid margin do not move (the lids are the lid units').
    """
    anat = build_anatomy(np.asarray(template, np.float64))
    fields = np.zeros((2, len(anat.template), 3), np.float64)
    for k, side in enumerate(("L", "R")):
        s = SIDES[side]
        centre = anat.brows[side].inner_end - np.array([s * _MEDIAL, 0.0, 0.0])
        weight = bump(anat.template, centre, _RADII) * smoothstep(0.02, 0.10, height_above_upper_lid(anat, side))
        fields[k, :, 0] = -s * KNIT_IN * weight * side_gate(anat.x, s, 0.12)
        fields[k, :, 1] = KNIT_DOWN * weight * smoothstep(-0.08, 0.08, s * anat.x)
    return fields


def knit_amount(expression: np.ndarray, channel_names: tuple[str, ...]) -> np.ndarray:
    """``(T, 2)`` per side (L, R) the brow lowering no inner-brow raise offsets: ``max(0, AU4 - AU1)``.

    Args:
        expression: ``(T, K)`` channel activations in ``channel_names`` order.
    """
    expr = np.atleast_2d(np.asarray(expression, np.float64))
    out = np.empty((len(expr), 2), np.float64)
    for k, side in enumerate(("L", "R")):
        lower = expr[:, channel_names.index(f"brow_lower_{side}")]
        inner = expr[:, channel_names.index(f"brow_inner_up_{side}")]
        out[:, k] = np.clip(lower - inner, 0.0, None)
    return out


def knit_offsets(template: np.ndarray, channel_names: tuple[str, ...], source: np.ndarray,
                 target: np.ndarray) -> np.ndarray:
    """``(T, 468, 3) float64`` what the knit adds to a face edited from the ``source`` to the ``target``
    expression (both ``(T, K)``): 0 wherever their :func:`knit_amount` agree."""
    change = knit_amount(target, channel_names) - knit_amount(source, channel_names)
    return np.einsum("ts,svc->tvc", change, knit_fields(template))
