"""Sad's upper-lid droop: the upper lids come down a little where the brows take the sad shape.

No expression channel lowers the upper lid below rest except the dynamic blink, which an emotion offset never
uses, so a sad face kept wide-open eyes. FACS codes a relaxed, lowered upper lid as AU41 (lid droop; P. Ekman,
W. V. Friesen and J. C. Hager, *Facial Action Coding System: Investigator's Guide*, Research Nexus, 2002); it is
not one of the EMFACS sad sets ``direct/prototypes.py`` cites, so it is added here, small, as this project's
choice, to the edited face only (the basis and the fit are unchanged), by the amount of the sad brow on that side:
the inner raise and the lowering together (AU1+4, the smaller of the two) that no upper-lid raise (AU5) opposes.
Sad (AU1 1.0, AU4 0.5) droops by 0.5; fear (AU1+4 with AU5 0.9) and angry (no AU1) do not.

The droop is the blink unit's (:func:`~ned_core.face3d.units_upper.blink`: the lid margin and the skin up to the
fold move together toward the lower lid, no lid skin is stretched over a fixed margin) at :data:`DROOP_BLINK` per
unit of amount: the lid margin ~0.026 IOD (~1.6 mm) lower at sad's 0.5, a fifth of the mean face's lid opening.
"""

from __future__ import annotations

import numpy as np

from ned_core.face3d.anatomy import build_anatomy
from ned_core.face3d.units_upper import blink

DROOP_BLINK = 0.45  # blink activation per unit of droop amount


def droop_amount(expression: np.ndarray, channel_names: tuple[str, ...]) -> np.ndarray:
    """``(T, 2)`` per side (L, R): ``max(0, min(AU1, AU4) - AU5)`` of ``(T, K)`` activations."""
    expr = np.atleast_2d(np.asarray(expression, np.float64))
    out = np.empty((len(expr), 2), np.float64)
    for k, side in enumerate(("L", "R")):
        at = [expr[:, channel_names.index(f"{unit}_{side}")] for unit in ("brow_inner_up", "brow_lower",
                                                                         "upper_lid_raise")]
        out[:, k] = np.clip(np.minimum(at[0], at[1]) - at[2], 0.0, None)
    return out


def droop_offsets(template: np.ndarray, channel_names: tuple[str, ...], source: np.ndarray,
                  target: np.ndarray) -> np.ndarray:
    """``(T, 468, 3) float64`` what the droop adds to a face edited from the ``source`` to the ``target``
    expression (both ``(T, K)``): 0 wherever their :func:`droop_amount` agree."""
    anat = build_anatomy(np.asarray(template, np.float64))
    fields = DROOP_BLINK * np.stack([blink(anat, side) for side in ("L", "R")])
    change = droop_amount(target, channel_names) - droop_amount(source, channel_names)
    return np.einsum("ts,svc->tvc", change, fields)
