"""Parse command-line emotion specs (``happy``, ``happy:0.8``, ``happy:0.6+surprised:0.4``) into schedules.

Grammar: terms joined by ``+``; a term is ``label``, ``label:amount``, ``amount label`` or
``amount*label``. An amount is how much of that emotion to show (weight x intensity), so the
intensity is the sum of the amounts and the weights are the amounts divided by it:
``happy:0.8`` is happy at 0.8, ``happy:0.6+surprised:0.4`` is a 60/40 blend at 1.0. Without
numbers the labels share equally at intensity 1. A bare number (``0.8``) is an intensity-only
spec, for use with a reference clip. Labels are case-insensitive; ``surprise``, ``disgust``
and ``anger`` are accepted.
"""

from __future__ import annotations

import re

from ned_core.direct.config import DirectConfig
from ned_core.direct.labels import MAX_INTENSITY, canonical_emotion, check_intensity, normalise_weights
from ned_core.direct.schedule import EmotionKey, EmotionSchedule
from ned_core.exceptions import EmotionSpecError, EmotionWeightError

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_TERM = re.compile(
    rf"^(?:(?P<label>[A-Za-z_]+)(?:\s*:\s*(?P<amount>\S+))?|(?P<lead>{_NUMBER})\s*\*?\s*(?P<label2>[A-Za-z_]+))$"
)
_BARE = re.compile(rf"^{_NUMBER}$")


def _number(text: str, where: str) -> float:
    if not _BARE.match(text):
        raise EmotionSpecError(f"{where}: {text!r} is not a number")
    return float(text)


def _terms(spec: str) -> list[tuple[str, float | None]]:
    terms: list[tuple[str, float | None]] = []
    for raw in spec.split("+"):
        term = raw.strip()
        match = _TERM.match(term)
        if not term or not match:
            raise EmotionSpecError(
                f"emotion spec {spec!r}: cannot read term {term!r}; write e.g. 'happy', 'happy:0.8' "
                "or 'happy:0.6+surprised:0.4'"
            )
        where = f"emotion spec {spec!r}, term {term!r}"
        label = canonical_emotion(match["label"] or match["label2"], f"emotion spec {spec!r}")
        amount = match["amount"] if match["label"] else match["lead"]
        terms.append((label, None if amount is None else check_intensity(_number(amount, where), where)))
    return terms


def parse_emotion_spec(spec: str, first_frame: int, last_frame: int, config: DirectConfig) -> EmotionSchedule:
    """A constant schedule over the shot from a spec string.

    Args:
        spec: e.g. ``"happy"``, ``"happy:0.8"``, ``"0.6 happy + 0.4 surprised"`` or ``"0.8"``.
        first_frame: first frame of the shot.
        last_frame: last frame of the shot.
        config: ``transition_frames`` and ``ease`` are used.

    Raises:
        EmotionSpecError: unreadable spec (the message shows the accepted forms).
        UnknownEmotionError: unknown label (the message lists the valid ones).
        IntensityRangeError: an amount, or their sum, outside 0..1.5.
        EmotionWeightError: a blend whose amounts are all 0.
    """
    text = spec.strip() if isinstance(spec, str) else ""
    if not text:
        raise EmotionSpecError(f"emotion spec {spec!r} is empty; write e.g. 'happy', 'happy:0.8' or '0.8'")
    if _BARE.match(text):
        where = f"emotion spec {spec!r}"
        weights, intensity = None, check_intensity(float(text), where)
    else:
        terms = _terms(text)
        amounts = [a for _, a in terms]
        if all(a is None for a in amounts):
            weights = normalise_weights({label: 1.0 for label, _ in terms}, f"emotion spec {spec!r}")
            intensity = 1.0
        elif any(a is None for a in amounts):
            raise EmotionSpecError(f"emotion spec {spec!r}: give an amount for every term or for none")
        else:
            intensity = sum(amounts)
            check_intensity(intensity, f"emotion spec {spec!r} (sum of the amounts, max {MAX_INTENSITY})")
            if intensity == 0 and len(terms) > 1:
                raise EmotionWeightError(f"emotion spec {spec!r}: blend amounts must sum to more than 0")
            shares: dict[str, float] = {}
            for label, amount in terms:
                shares[label] = shares.get(label, 0.0) + amount
            if intensity == 0:  # a single label at 0: the label is kept, nothing is changed
                shares = {terms[0][0]: 1.0}
            weights = normalise_weights(shares, f"emotion spec {spec!r}")
    key = EmotionKey(first_frame, weights, intensity, config.transition_frames)
    return EmotionSchedule((key,), first_frame, last_frame, config.ease)
