"""The corrugator's knit: the inner brow heads drawn together by the brow lowering, and down where no inner raise
offsets it.

AU4 (corrugator supercilii, depressor supercilii, procerus) "lowers the eyebrows and pulls them together"; its
marks are the inner brow heads coming down and toward the midline and the skin between them bunching into
vertical furrows (P. Ekman, W. V. Friesen and J. C. Hager, *Facial Action Coding System: Investigator's Guide*,
Research Nexus, 2002, AU4). The basis unit :func:`~ned_core.face3d.units_upper.brow_lower` is kept broad (the fit
reads brow lowering with it, and sad's AU1+4 relies on its shape); the knit is what it leaves out at the inner
heads, added to the edited face only. Its two parts answer to different muscles: the pull toward the midline is
the corrugator's and comes with every unit of brow lowering (AU4), raised or not; the pull down is offset by the
frontalis, so it comes with the lowering that no inner-brow raise (AU1) offsets on that side. FACS describes the
AU1+4 of sadness and the 1+2+4 of fear as brows "raised and drawn together" (Ekman and Friesen, *Unmasking the
Face*, 1975: sadness, "the inner corners of the eyebrows are raised and may be drawn together"; fear, "the brows
are raised and drawn together"; Investigator's Guide 2002, AU1+4). An angry frown knits fully; sad (AU1 1.0,
AU4 0.5) has its heads drawn together by half the medial pull and not down; a frowning actor made neutral has the
knit released. (Keyed both parts on AU4 - AU1, sad's heads came only 0.011 IOD closer on the astronaut still, no
closer than a plain raise: no furrow between them, fer p(sad) 0.05.)

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
    """``(T, 2)`` per side (L, R) the brow lowering no inner-brow raise offsets: ``max(0, AU4 - AU1)`` (the pull down).

    Args:
        expression: ``(T, K)`` channel activations in ``channel_names`` order.
    """
    lower, inner = _brow_units(expression, channel_names)
    return np.clip(lower - inner, 0.0, None)


def draw_amount(expression: np.ndarray, channel_names: tuple[str, ...]) -> np.ndarray:
    """``(T, 2)`` per side (L, R) the brow lowering itself, ``max(0, AU4)``: the pull toward the midline."""
    return np.clip(_brow_units(expression, channel_names)[0], 0.0, None)


def _brow_units(expression: np.ndarray, channel_names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``((T, 2), (T, 2))`` AU4 and AU1 per side (L, R) of ``(T, K)`` activations."""
    expr = np.atleast_2d(np.asarray(expression, np.float64))
    lower = np.stack([expr[:, channel_names.index(f"brow_lower_{side}")] for side in ("L", "R")], axis=1)
    inner = np.stack([expr[:, channel_names.index(f"brow_inner_up_{side}")] for side in ("L", "R")], axis=1)
    return lower, inner


def knit_offsets(template: np.ndarray, channel_names: tuple[str, ...], source: np.ndarray,
                 target: np.ndarray) -> np.ndarray:
    """``(T, 468, 3) float64`` what the knit adds to a face edited from the ``source`` to the ``target``
    expression (both ``(T, K)``): the pull toward the midline by the change in :func:`draw_amount`, the pull down by
    the change in :func:`knit_amount`; 0 wherever both agree."""
    fields = knit_fields(template)
    medial, down = fields.copy(), fields.copy()
    medial[..., 1:] = 0.0
    down[..., :1] = 0.0
    drawn = draw_amount(target, channel_names) - draw_amount(source, channel_names)
    lowered = knit_amount(target, channel_names) - knit_amount(source, channel_names)
    return np.einsum("ts,svc->tvc", drawn, medial) + np.einsum("ts,svc->tvc", lowered, down)
