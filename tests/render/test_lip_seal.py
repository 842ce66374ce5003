"""seal_weight: a mouth the target closes is painted shut where the shot holds it open, not mid-syllable;
seal_lips paints over the teeth edge the warp carries along the upper lip; side_weights: the sides of a mouth
the target opens only in the centre are sealed."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render.config import RenderConfig
from ned_core.render.lip_seal import seal_lips, seal_weight, side_weights


def test_a_held_open_mouth_closed_by_the_target_is_sealed_speech_is_not():
    config = RenderConfig()
    assert seal_weight(0.12, 0.01, config) == 1.0  # a still: its teeth are held
    assert seal_weight(0.12, 0.01, config, held_opening=0.11) > 0.9  # a smile with teeth held through the shot
    assert seal_weight(0.12, 0.01, config, held_opening=0.01) == 0.0  # open for a syllable of a closed-mouth actor
    assert seal_weight(0.12, 0.08, config) == 0.0  # the target keeps the mouth open
    assert seal_weight(0.014, 0.01, config) == 0.0  # closed lips (the mesh reads ~0.014) stay as they are


def test_the_teeth_edge_carried_along_the_upper_lip_is_painted_over():
    """The warp carries the dark gaps between a smile's upper teeth and the upper lip along the upper lip's inner
    edge. On the astronaut still made sad they stayed as dark flecks 1.1-1.8 px (0.026-0.042 IOD) above the target's
    inner outline, beyond the painted edge (GROW_IOD: 1 px); the seal now paints over them, and leaves the lower lip
    below the painted band as it was."""
    iod_px = 44.0  # the astronaut still's
    face = load_mean_face()[:, :2].astype(np.float64) * iod_px + 100.0
    assert abs(interocular_distance(face) - iod_px) < 1.0
    lip = np.array([0.45, 0.22, 0.2], np.float32)  # scene-linear lip colour
    rgb = np.broadcast_to(lip, (200, 200, 3)).copy()
    upper = face[list(LIPS_INNER[12:19])]  # the upper inner lip, corners left out
    flecks = [(round(x), round(y - 0.035 * iod_px)) for x, y in upper]
    for x, y in flecks:
        rgb[y, x] = 0.05  # a dark gap, one pixel
    below = [(round(x), round(y + 0.08 * iod_px)) for x, y in face[list(LIPS_INNER[3:8])]]  # on the lower lip
    for x, y in below:
        rgb[y, x] = 0.05
    out = seal_lips(rgb, (0, 0, 200, 200), face, 1.0)
    for x, y in flecks:
        assert out[y, x, 0] > 0.8 * lip[0], f"fleck at ({x}, {y}) kept: {out[y, x]}"
    for x, y in below:
        assert out[y, x, 0] < 0.2, f"the lower lip at ({x}, {y}) was painted: {out[y, x]}"


def test_the_sides_of_an_upper_lip_raised_in_the_centre_are_sealed_its_window_is_not():
    """Disgust on a smile with teeth (AU10 raises the upper lip's centre): the target's lips meet again at the sides
    (inner-lip gap 0.03 IOD) but stay 0.10 apart in the centre; the source showed teeth 0.15 high throughout. The
    sides are painted over (no teeth out to the smile's dark corners), the centre's window of teeth is kept."""
    iod_px = 44.0
    src = load_mean_face()[:, :2].astype(np.float64) * iod_px + 100.0
    dst = src.copy()
    gaps = np.array([0.03, 0.03, 0.06, 0.09, 0.10, 0.09, 0.06, 0.03, 0.03])  # corner side .. centre .. corner side
    src[INNER_PAIRS[:, 1], 1] = src[INNER_PAIRS[:, 0], 1] + 0.15 * iod_px
    dst[INNER_PAIRS[:, 1], 1] = dst[INNER_PAIRS[:, 0], 1] + gaps * iod_px
    sides = side_weights(src, dst)
    assert sides[[0, 1, 2, 8, 9, 10]].min() == 1.0 and sides[4:7].max() == 0.0, sides
    np.testing.assert_array_equal(side_weights(src, src), 0.0)  # nothing closes: nothing sealed
    teeth = np.array([0.9, 0.9, 0.85], np.float32)
    rgb = np.broadcast_to(np.array([0.45, 0.22, 0.2], np.float32), (200, 200, 3)).copy()
    inside = [(round(x), round(y + 0.5 * g * iod_px)) for (x, y), g in zip(dst[INNER_PAIRS[:, 0]], gaps)]
    for x, y in inside:
        rgb[y, x] = teeth
    out = seal_lips(rgb, (0, 0, 200, 200), dst, 0.0, sides)
    assert all(out[y, x, 1] < 0.5 for x, y in inside[:2] + inside[-2:]), "teeth left at the sides"
    assert all(out[y, x, 1] == teeth[1] for x, y in inside[4:5]), "the centre's teeth were painted over"
    np.testing.assert_array_equal(seal_lips(rgb, (0, 0, 200, 200), dst, 0.0), rgb)


def _grin(iod_px: float, creases: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mean face at ``iod_px`` with skin around red lips and white teeth between them: ``(rgb (200, 200, 3), face
    (468, 2), lip colour)``. With ``creases`` its lower lip is raised to meet the upper one (the target of a seal:
    closed lips) and that lip's columns are alternately 20 % darker (a lip's vertical creases)."""
    face = load_mean_face()[:, :2].astype(np.float64) * iod_px + 100.0
    if creases:
        lower = [*LIPS_INNER[1:10], *LIPS_OUTER[1:10]]
        face[lower, 1] -= face[14, 1] - face[13, 1]
    skin, lip = np.array([0.5, 0.36, 0.3], np.float32), np.array([0.45, 0.2, 0.19], np.float32)
    rgb = np.broadcast_to(skin, (200, 200, 3)).copy()
    outer = np.zeros((200, 200), np.uint8)
    cv2.fillPoly(outer, [np.round(face[list(LIPS_OUTER)]).astype(np.int32)], 1)
    rgb[outer > 0] = lip
    if creases:  # the lower lip
        rgb[(outer > 0) & (np.arange(200)[None, :] % 2 == 1) & (np.arange(200)[:, None] > face[14, 1])] *= 0.8
    cv2.fillPoly(rgb, [np.round(face[list(LIPS_INNER)]).astype(np.int32)], (0.85, 0.85, 0.8))
    return rgb, face, lip


def _upper_lip_points(face: np.ndarray) -> list[tuple[int, int]]:
    """Pixels in the middle of the upper lip, between its outer and inner outlines, over the mouth's middle third."""
    outer_up = face[[37, 0, 267]]  # above the inner points 82, 13, 312
    inner_up = face[[82, 13, 312]]
    return [(round(x), round(y)) for x, y in 0.5 * (outer_up + inner_up)]


def test_closed_lips_are_painted_with_the_lips_colour_not_the_skins():
    """A grin's thin upper lip lies wholly inside the painted band (at 44 px IOD the band reaches 3 px above the
    inner lip). Painted with the average of everything around, the skin above paled it (redness 0.63 of the lip's);
    painted with the lips' own colour (the lower lip's, where the upper lip has no pixel left), it stays a lip."""
    rgb, face, lip = _grin(44.0, creases=False)
    out = seal_lips(rgb, (0, 0, 200, 200), face, 1.0)
    redness = lambda c: (c[0] - c[1]) / c[0]  # noqa: E731
    for x, y in _upper_lip_points(face):
        assert redness(out[y, x]) > 0.85 * redness(lip), f"({x}, {y}): {out[y, x]} paler than the lip {lip}"


def test_the_painted_lip_keeps_the_other_lips_creases():
    """Where the upper lip is painted, the lower lip's fine detail (its vertical creases), mirrored across the line
    where the lips meet, modulates the colour: columns alternate in luma as the lower lip's do (a flat fill: none)."""
    rgb, face, _ = _grin(60.0, creases=True)
    out = seal_lips(rgb, (0, 0, 200, 200), face, 1.0)
    x, y = _upper_lip_points(face)[1]
    row = out[y, x - 6 : x + 6] @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    odd, even = row[(np.arange(x - 6, x + 6) % 2) == 1], row[(np.arange(x - 6, x + 6) % 2) == 0]
    assert even.mean() > 1.08 * odd.mean(), f"no creases: even columns {even.mean():.3f}, odd {odd.mean():.3f}"
