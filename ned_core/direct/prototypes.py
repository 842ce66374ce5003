"""EMFACS-style emotion prototypes over the named expression channels (the embedded director's prior).

Each of the seven emotions is a prototype: a ``(K,)`` offset from the actor's rest face, in the
channels' unit scale (1 = a full, typical activation of the action unit). The action-unit sets
follow the prototypes of EMFACS and the FACS Investigator's Guide:

* happy      AU6 + AU12 (+ AU7)                   (Duchenne smile; AU7: the smiling eye's lower lid, below)
* sad        AU1 + AU4 + AU15 (+ AU17)
* surprised  AU1 + AU2 + AU5 + AU26 (+ AU25)
* fear       AU1 + AU2 + AU4 + AU5 + AU7 + AU20 + AU25           (no AU26: below)
* angry      AU4 + AU7 + AU23 (+ AU24)               (EMFACS's variant without AU5, below)
* disgusted  AU9 + AU10 (+ AU15, AU17; AU4 at half, AU6 and AU7: AU9's own brow lowering and narrowed eye, below)
* neutral    no offset: the actor's own rest

References: P. Ekman and W. V. Friesen, *Facial Action Coding System*, Consulting Psychologists
Press, 1978; W. V. Friesen and P. Ekman, *EMFACS-7: Emotional Facial Action Coding System*,
University of California at San Francisco, 1983; P. Ekman, W. V. Friesen and J. C. Hager,
*Facial Action Coding System: Investigator's Guide*, Research Nexus, 2002 (prototype table).
The sets are facts from those sources; the activation amounts below (how strongly each unit
takes part) are this project's choice: the defining units at 0.8-1.0 (the smile's AU12 at 1.2, below), the
bracketed ones lower.
Surprise drops the jaw and parts the lips as the
Investigator's Guide's apex of 1+2+5B+26 does ("the jaw drops open so that the lips and teeth are
parted", Ekman and Friesen, *Unmasking the Face*, 1975): jaw_open 0.6 (~0.18 IOD, ~11 mm lip gap on
the ``units_lower`` scale) with the upper lids raised in full; at 0.4 / 0.8 the astronaut still's
surprise read happy (fer p(surprised) 0.07), at 0.6 / 1.0 surprised (0.68).
Where surprise is lost on the speaking clips (fer's own crop, bench_expressions): on Grace Hopper's (warm-dark,
tuning) the pixels give what the director asks (brow heads +0.105 IOD of +0.119, lip corners -0.066 of -0.056, inner-lip
gap +0.127 of +0.132; the jaw_open channel refitted from the optical flow reads +0.21 of +0.46, the rest lands on other
mouth channels), but her brows move behind the rims' top bars, which stay: fer reads neutral where the words close the
mouth (p(surprised) 0.00-0.01) and angry where they open it wide (p(angry) 0.22 over the clip); the held-out speaking
astronaut (warm) still reads happy (p(happy) 0.55) from the width and teeth of the smile left (corners in 0.032 IOD of
0.048 asked; since the held smile is undone in full under a dropped jaw, ``direct/edit.py``, 0.049 IOD, p(happy) 0.54,
surprised 33 -> 38 %, and on the tuning clip 62 -> 83 %). One unit raised at a time, surprise recognised on the tuning clips Hopper warm-dark / astronaut speaking
(held-out Hopper dark / astronaut warm): as below 21 / 62 % (33 / 33), upper_lid_raise 1.3 25 / 54 (38 / 33),
lips_part 1.0 21 / 54 (42 / 46; Hopper's mouth PCC 0.93 -> 0.89), jaw_open 0.8 21 / 62 (33 / 50; PCC 0.93 -> 0.91):
none lifts the tuning clips, so the amounts stay (h125's probes).
On Grace Hopper's speaking clips (brows behind her held rims) surprise reads only where the words open the mouth
(closures stay closed: p(surprised) 0.00-0.01 there); the upper lid at 1.0 / 1.3 / 1.5 read 12 / 21 / 29 % (warm-dark,
tuning) and 33 / 42 / 33 % (held-out dark), within one or two frames of 24 either way: no case for a larger AU5
(1.0 raises the model's lid 0.06 IOD, ~4 mm, past the 1-2 mm of iris a resting lid covers; the re-analysed mesh
reads +0.012-0.016 IOD of it, what reaches the pixels is not measured here; h118's probes).
Fear stretches the lips (AU20) and parts them (AU25) under brows and lids at 0.8-1.0 (up to EmfacsPrototypes.8 with
the jaw dropped to 0.3, half of surprise's). The jaw drop is what tells the two apart: FACS's table of emotion
prototypes gives fear's most intense form as 1+2+4+5+20+25, with the lips parted but no jaw drop, and surprise's as
1+2+5+26 (Ekman and Friesen 1978, Table 11-1, as quoted by Methods of Psychological Research Online 4(3)). With
lip_stretch 0.8, jaw_open
0.25 and the brows at 0.6-0.9 the astronaut's smile made fearful kept a grin (fer p(happy) 0.85, fer's old crop); at
jaw_open 0.4 the mouth opened into a round, surprised slot (astronaut still p(surprised) 0.75, p(fear) 0.09), at 0.3
into a flat, stretched one (p(fear) 0.44, p(surprised) 0.20); at 0.2 the speaking clips' mouths read as smiles.
Judged with fer's own face crop, that jaw drop of 0.3 made fear read as surprise wherever the actor talks: held as an
offset over the words it kept the speaking astronaut's mouth a wide dark slot, open even at the closures (speaking
astronaut 12 % fear, p(fear) 0.15, p(surprised) 0.47; the still 0 %, p(surprised) 0.64; the close-up 0 %). So fear
now follows Table 11-1's 1+2+4+5+20+25 without AU26: the lips parted (AU25 0.5, 0.25 since .11: below) and stretched sideways (AU20 at 1.2,
the corners pulled ~0.14 IOD out on the model, re-measured +0.07-0.08 IOD a corner on the pixels, inside a broad
smile's ~0.11 IOD widening: Tarantili et al. 2005, below), and the brows drawn together harder (AU4 0.6 -> 0.8: the
brow heads move 0.038 IOD medially on the speaking astronaut, 0.025 before) under the same raise, the knit that
tells fear's brow from surprise's. The tuning clips then read fear: speaking astronaut 12 -> 33 % (p(fear) 0.15 ->
0.36, p(surprised) 0.47 -> 0.20), still 0 -> 100 % (0.15 -> 0.48), close-up 0 -> 38 % (0.13 -> 0.31; mesh PCC 0.91
-> 0.94); Grace Hopper's, behind her rims, 0-4 % either way (p(fear) 0.07-0.09 -> 0.01: her dark open slot had read a
little fear). Held out: speaking astronaut 4 -> 17 %, Hopper's speaking and close-up clips' mouth PCC 0.82 / 0.80 ->
0.98 / 0.97 (their closures closed again) but their fear 0 / 21 -> 0 / 4 %, and the dark-cool still 100 -> 0 % (p(fear)
0.31 -> 0.21, read neutral). With the jaw at 0.15 the speaking astronaut read happy again (17 %, p(happy) 0.50), with
AU25 at 1.0 the still did (p(happy) 0.80); AU4 at 1.0 lowered the raised brow heads to +0.046 IOD (+0.059 at 0.8:
fear's brow is raised, not lowered).
Since EmfacsPrototypes.11 the lips part at AU25 0.25, not 0.5: the smiling actor's corners come down as far under
fear as under sad or angry (speaking astronaut, corners -0.17 IOD against the source's smile on the pixels, sad -0.18),
so what fer (fer's own crop) still took for a smile was the row of teeth the parted, stretched lips showed (per frame,
p(happy) 0.4-0.7 where her upper teeth showed between the lips, p(fear) 0.6-0.9 where they barely did). AU25 0.5 /
0.35 / 0.25 / 0: speaking astronaut (tuning) 42 / 54 / 62 / 54 % fear, p(happy) 0.34 / 0.27 / 0.14 / 0.17, mouth PCC
0.95 / 0.93 / 0.93 / 0.90; the still 100 % throughout (p(fear) 0.49 -> 0.32 at 0.25, p(happy) 0.23 -> 0.15); the
close-up 38 -> 38 % (p(fear) 0.29 -> 0.27), Grace Hopper's speaking clip 0 % either way (bench_expressions; fer's
p(fear) on one run, 24 frames). AU25 stays in the set (Table 11-1's 1+2+4+5+20+25); how far it parts the lips is
this project's choice, as every amount here is. Held out:
speaking astronaut warm 12 -> 58 % (p(happy) 0.49 -> 0.11, PCC 0.98 -> 0.91), the dark-cool still 0 % either way
(p(fear) 0.29 -> 0.22).
Disgust lowers the brows at half an AU4 (brow_lower 0.5, ~0.05 IOD). EMFACS's disgust variants are built on AU9
or AU10 (with AU15, 16, 17, 25/26) and list no AU4, but FACS counts lowered inner brows among AU9's own appearance
changes (with the nose wrinkle, the raised infraorbital triangle and upper lip, the narrowed lower eye; Ekman and
Friesen 1978, Investigator's Guide 2002). Our AU9 unit lowers only the glabella (0.03 IOD, under 0.01 at the brow
heads); widening that term (0.05 IOD over the brow heads) changes every fit and hardly moved the astronaut's brows
(the fit offsets it with more inner-brow raise, AU1 0.02/0.05 -> 0.05/0.08; fer read it happier, p(happy) 0.89 ->
0.94), while AU4 at 0.5 lowers her brow heads 0.04 IOD into a knit brow: with the nose wrinkle shaded, the
astronaut still's disgust p(happy) 0.93 -> 0.87 (0.83 at 0.8), its held-out dark-cool grade 0.53 -> 0.36.
The same appearance changes of AU9 push the infraorbital triangle up and narrow the eye from below; our AU9 unit moves
only the nose, glabella and upper lip, so the prototype adds them as AU6 at 0.6 and AU7 at 0.8 (the cheek raised
0.036 IOD, the lower-lid margin ~0.05 IOD). The chin raise stays at 0.3 although FACS Table 11-1's disgust is 10+17+4
(quoted as above): at 0.6 AU17 pushes the lower lip against the words (the speaking Hopper actor's disgusted jaw
PCC 0.92 -> 0.87, tests/pipeline/test_render_job_actor.py). Without them the knit brow over open eyes read as anger alone (lower lids measured on the pixels: 0.000 /
-0.001 IOD; with them +0.044 / +0.039): fer's p(disgust) on the astronaut still 0.05 -> 0.17, on her speaking clip
0.04 -> 0.16, on the close-up 0.04 -> 0.25 (bench_expressions, tuning clips).
Happy pulls the corners (AU12) at 1.2, a spontaneous smile's excursion: smiles filmed unawares widen the mouth by 27 %
with the corners moving out and up at about 47 degrees (Tarantili, Halazonetis and Spyropoulos, "The spontaneous
smile in dynamic motion", *Am J Orthod Dentofacial Orthop* 128:8-15, 2005; 15 children, means, abstract only
verified). On Grace Hopper's 0.81 IOD wide mouth that is ~0.11 IOD out and ~0.12 up per corner; the AU12 unit moves
a corner 0.10 out and 0.09 up (42 degrees), so 1.1 matches the widening and 1.3 the rise: at 1.2 a corner goes 0.12
out and 0.108 up on a rest face (1.0 fell 0.027 IOD short of the rise). The target on her speaking clip, which holds
smiles of its own (lip_corner_pull 0.28-0.30 held, the target stacked on it), raised the corners 0.075 -> 0.090 IOD,
on her still (her down-turned corners' held AU15 undone too) 0.117 -> 0.135. Measured on the pixels with the smile's
upper-lip lift kept at its amount (``render/smile_part.py``), happy:1 speaking warm-dark (tuning) corner rise 0.064 ->
0.077 IOD, recognised 33 -> 38 %, p(happy) 0.37 -> 0.44; held-out dark 0.074 -> 0.088, 42 -> 38 %, 0.43 -> 0.45.
The rise alone hardly moves fer: what reads is the teeth the lifted lip shows (with the lift grown with the smile,
1.8 upper_lip_raise, tuning read 62 % but held-out stayed 42 % and the gap outgrew the shot's teeth).
A smile narrows the eye from below: AU6 raises the cheek and pushes the skin below the eye up against it, and the
lower lid straightens and rises over the iris "almost up to the lower edge of the pupil" (G. Faigin, *The Artist's
Complete Guide to Facial Expression*, 1990, the smile's eyelid portion of orbicularis oculi; FACS scores that lid
action as AU7, the same muscle's palpebral part: Ekman, Friesen and Hager 2002). From a lower lid resting near the
iris's lower edge that is ~2.5-3 mm (iris ~12 mm across, pupil ~3-4 mm), ~0.04-0.05 IOD. Our AU6 unit pushes the lid
0.025 IOD, so AU6 at 0.8 alone raised Grace Hopper's lower lids 0.014-0.020 IOD on the target, 0.017 on the pixels
(~1 mm: at 3x zoom her eyes behind the lenses looked unchanged, a mouth-only smile). Happy now takes AU6 in full
and AU7 at 0.4 (its lower lid 0.018 IOD, its upper lid 0.005 down): the target's lower lids rise 0.040-0.043 IOD on
her still and the astronaut's (0.06-0.065 at happy:1.5), the lid gap keeps 61-69 % (42-53 % at 1.5: a laughing
squint, the eye never shut); on her speaking clips 0.017 -> 0.037 IOD on the pixels. fer does not read her eyes
(speaking warm-dark 17 -> 12 %, p(happy) 0.31 -> 0.28, one frame of 24; held-out dark 25 -> 33 %, 0.36 -> 0.36); the
speaking astronaut's p(happy) 0.89 -> 0.93, her still 1.00 either way.
Where the rise is lost on her speaking clip (fer's own crop, warm-dark, tuning): AU12 1.2 asks ~0.108 IOD on a rest
face, the pixels rise 0.077 (0.093 without the width compression of her passing smiles, ``direct/edit.py``, whose
PCC then falls 0.955 -> 0.902). fer's answer is steep in the rise and costs the words: AU12 1.2 / 1.3 / 1.4 / 1.5 rise
0.077 / 0.083 / 0.089 / 0.095 IOD on the pixels, read 17 / 17 / 42 / 54 % (p(happy) 0.31 / 0.33 / 0.43 / 0.46), mouth
PCC 0.955 / 0.937 / 0.914 / 0.910; held-out dark at 1.3 25 -> 33 %. Her eyes do not count: AU6 at 1.4 (lower lid
re-read +0.013 -> +0.018 IOD, not visible behind her lenses) 17 -> 17 %, p(happy) 0.31 -> 0.28 (h118's probes).
Anger leaves the upper lids alone (AU5 at 0): the brows lowered and drawn together over eyes narrowed by the
tensed lids (AU7), with the lips tightened. EMFACS lists 4+5+7+23 among anger's prototypes and, as its major
variants, any prototype without one of AUs 4, 5, 7 or 10 (EMFACS-7, 1983, as tabulated by D. Matsumoto, D. Keltner,
M. N. Shiota, M. O'Sullivan and M. Frank, "Facial expressions of emotion", *Handbook of Emotions*, 3rd ed., 2008,
Table 13.1), so 4+7+23 is anger by the same table. The raised lid is what fer (fer's own crop) reads as fear: with
AU5 at 0.8 (the margin ~0.04 IOD up, sclera above the iris) the speaking astronaut's angry read fear (p(fear) 0.28,
p(angry) 0.18, 12 % angry), at 0.4 p(angry) 0.28 (38 %), at 0 p(angry) 0.32, p(fear) 0.28 (46 %); on the astronaut
still p(angry) 0.37 -> 0.47, p(fear) 0.32 -> 0.21 (bench_expressions, tuning clips). Raising AU7 from 0.7 to 1.0
with it changed nothing (p(angry) 0.31).
Disgust raises the upper lip (AU10) in full, 1.0: it is the unit EMFACS builds disgust on with AU9 (9+10 prototypes,
10+16+25/26, 10+17), and below it the mouth read as the angry face's bared teeth: at 0.8 the speaking astronaut's
disgust read angry (p(disgust) 0.18, p(angry) 0.38, 17 %), at 1.0 disgust (0.29 vs 0.30, 33 %); with the brow
lowering halved to 0.25 it fell to 0.08-0.20 (the lowered brow is part of what fer reads as disgust too).
"""

from __future__ import annotations

import numpy as np

from ned_core.face3d.channels import CHANNEL_INDEX, CHANNELS, EMOTIONS, NUM_CHANNELS

PROTOTYPES_VERSION = "EmfacsPrototypes.11"

# Channels that carry speech: changed only by slow offsets or gains, never reshaped.
SPEECH_CHANNELS: tuple[str, ...] = ("jaw_open", "lips_part")
# Channels that are pure dynamics (eye closure), never part of an emotion offset or style.
DYNAMIC_CHANNELS: tuple[str, ...] = ("blink_L", "blink_R")

# Per emotion: {channel group or channel name: activation}. A bilateral group sets both sides.
_UNITS: dict[str, dict[str, float]] = {
    "neutral": {},
    "happy": {"cheek_raise": 1.0, "lid_tighten": 0.4, "lip_corner_pull": 1.2},  # AU12 past a unit, AU7: docstring
    "sad": {"brow_inner_up": 1.0, "brow_lower": 0.5, "lip_corner_depress": 0.8, "chin_raise": 0.5},
    "surprised": {"brow_inner_up": 1.0, "brow_outer_up": 1.0, "upper_lid_raise": 1.0, "jaw_open": 0.6,
                  "lips_part": 0.5},
    "fear": {"brow_inner_up": 1.0, "brow_outer_up": 0.8, "brow_lower": 0.8, "upper_lid_raise": 1.0,
             "lid_tighten": 0.4, "lip_stretch": 1.2, "lips_part": 0.25},  # no jaw drop (AU26), AU25 low: docstring
    "angry": {"brow_lower": 1.0, "lid_tighten": 0.7, "lip_tighten": 0.8, "lip_press": 0.5},  # no AU5: docstring
    "disgusted": {"nose_wrinkle": 1.0, "upper_lip_raise": 1.0, "lip_corner_depress": 0.3, "chin_raise": 0.3,
                  "brow_lower": 0.5, "cheek_raise": 0.6, "lid_tighten": 0.8},
}


def _channels_of(unit: str) -> list[int]:
    if unit in CHANNEL_INDEX:
        return [CHANNEL_INDEX[unit]]
    return [i for i, c in enumerate(CHANNELS) if c.bilateral_group == unit]


def prototype_matrix() -> np.ndarray:
    """The prototypes of all emotions, rows in the order of ``EMOTIONS``.

    Returns:
        ``(7, K)`` float64; row ``EMOTIONS.index("neutral")`` is all zeros.
    """
    table = np.zeros((len(EMOTIONS), NUM_CHANNELS), dtype=np.float64)
    for row, emotion in enumerate(EMOTIONS):
        for unit, amount in _UNITS[emotion].items():
            table[row, _channels_of(unit)] = amount
    return table


def prototype(emotion: str) -> np.ndarray:
    """The ``(K,)`` float64 prototype of one emotion (a label of ``EMOTIONS``)."""
    return prototype_matrix()[EMOTIONS.index(emotion)]


def channel_indices(names: tuple[str, ...]) -> np.ndarray:
    """Indices ``(len(names),)`` int64 of the named channels."""
    return np.array([CHANNEL_INDEX[n] for n in names], dtype=np.int64)


def style_channel_indices() -> np.ndarray:
    """Indices of the channels an emotion is read from: all but the speech and dynamic channels."""
    excluded = set(SPEECH_CHANNELS) | set(DYNAMIC_CHANNELS)
    return np.array([i for i, c in enumerate(CHANNELS) if c.name not in excluded], dtype=np.int64)
