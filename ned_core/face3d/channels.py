"""Named channels of the embedded tier's expression vector (fixed order; index 0 = speech channel).

The vector is ``(K,)`` per frame, ``(T, K)`` per shot, with ``K = len(CHANNELS)``. Values are
activations in "unit" scale: 0 = the actor's rest face, 1 = a full, typical activation of the
action unit (so emotion prototypes and intensities are comparable across actors). Channel 0,
``jaw_open``, is the paper's ε1 (jaw opening): the speech channel that direction must preserve.
FACS numbers are given for reference; ``_L``/``_R`` are the actor's left/right.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    """One expression channel: its name, the FACS action unit it models, a description, its L/R group.

    The embedded tier's displacement field of each channel is documented in
    ``units_upper.py`` / ``units_lower.py`` (built into an ``ExpressionBasis`` by ``basis.py``).
    """

    name: str
    facs: str  # FACS action unit it models
    description: str
    bilateral_group: str | None = None  # name shared by the L/R pair, None if midline


CHANNELS: tuple[Channel, ...] = (
    Channel("jaw_open", "AU26/27", "jaw drop / mouth opening (speech channel, ε1)"),
    Channel("brow_inner_up_L", "AU1", "inner brow raiser, left", "brow_inner_up"),
    Channel("brow_inner_up_R", "AU1", "inner brow raiser, right", "brow_inner_up"),
    Channel("brow_outer_up_L", "AU2", "outer brow raiser, left", "brow_outer_up"),
    Channel("brow_outer_up_R", "AU2", "outer brow raiser, right", "brow_outer_up"),
    Channel("brow_lower_L", "AU4", "brow lowerer (corrugator), left", "brow_lower"),
    Channel("brow_lower_R", "AU4", "brow lowerer (corrugator), right", "brow_lower"),
    Channel("upper_lid_raise_L", "AU5", "upper lid raiser, left", "upper_lid_raise"),
    Channel("upper_lid_raise_R", "AU5", "upper lid raiser, right", "upper_lid_raise"),
    Channel("cheek_raise_L", "AU6", "cheek raiser (orbicularis oculi), left", "cheek_raise"),
    Channel("cheek_raise_R", "AU6", "cheek raiser (orbicularis oculi), right", "cheek_raise"),
    Channel("lid_tighten_L", "AU7", "lower lid tightener, left", "lid_tighten"),
    Channel("lid_tighten_R", "AU7", "lower lid tightener, right", "lid_tighten"),
    Channel("nose_wrinkle", "AU9", "nose wrinkler"),
    Channel("upper_lip_raise", "AU10", "upper lip raiser"),
    Channel("lip_corner_pull_L", "AU12", "lip corner puller (smile), left", "lip_corner_pull"),
    Channel("lip_corner_pull_R", "AU12", "lip corner puller (smile), right", "lip_corner_pull"),
    Channel("lip_corner_depress_L", "AU15", "lip corner depressor, left", "lip_corner_depress"),
    Channel("lip_corner_depress_R", "AU15", "lip corner depressor, right", "lip_corner_depress"),
    Channel("chin_raise", "AU17", "chin raiser (mentalis)"),
    Channel("lip_stretch_L", "AU20", "lip stretcher, left", "lip_stretch"),
    Channel("lip_stretch_R", "AU20", "lip stretcher, right", "lip_stretch"),
    Channel("lip_tighten", "AU23", "lip tightener"),
    Channel("lip_press", "AU24", "lip presser"),
    Channel("lips_part", "AU25", "lips part (without jaw drop)"),
    Channel("blink_L", "AU45", "eye closure / blink, left", "blink"),
    Channel("blink_R", "AU45", "eye closure / blink, right", "blink"),
)

CHANNEL_NAMES: tuple[str, ...] = tuple(c.name for c in CHANNELS)
NUM_CHANNELS = len(CHANNELS)
SPEECH_CHANNEL = 0
CHANNEL_INDEX: dict[str, int] = {n: i for i, n in enumerate(CHANNEL_NAMES)}

EMOTIONS: tuple[str, ...] = ("neutral", "happy", "sad", "angry", "fear", "surprised", "disgusted")
