"""Face plates: self-translation reproduces the source (FAPD), edits stay in the face, merges are exact."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from ned_core.analysis.mask import face_mask
from ned_core.analysis.regions import LIPS_OUTER, interocular_distance
from ned_core.composite import CompositeConfig, blend_mask, composite_face, merge_over
from ned_core.exceptions import CompositeConfigError
from ned_core.io.exr import PlateMetadata, PlateWriteConfig, read_face_plate, write_face_plate
from ned_core.render import RenderConfig, render_mesh_warp


def _fapd(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> float:
    """Mean L2 RGB distance over the mask, display values on the 0..255 scale (the paper's FAPD)."""
    def display(x: np.ndarray) -> np.ndarray:
        return 255.0 * np.clip(x.astype(np.float64), 0, 1) ** (1 / 2.2)

    dist = np.linalg.norm(display(a) - display(b), axis=2)
    return float((dist * mask).sum() / mask.sum())


def _mouth_edit(lm: np.ndarray, px: float) -> np.ndarray:
    """Mouth corners and the outer lips near them moved vertically by ``px`` (negative = up, a smile)."""
    dst = lm.copy()
    mouth = lm[list(LIPS_OUTER), :2]
    half = np.ptp(mouth[:, 0]) / 2
    near = np.flatnonzero(np.linalg.norm(lm[:, :2] - mouth.mean(axis=0), axis=1) < 1.2 * half)
    dst[near, 1] += px * np.clip(np.abs(lm[near, 0] - mouth[:, 0].mean()) / half, 0, 1) ** 2
    return dst


def test_self_translation_reproduces_the_source(face, tmp_path) -> None:
    frame, lm = face
    plate = composite_face(frame, render_mesh_warp(1001, frame, lm, lm, RenderConfig()), lm, lm)
    merged = merge_over(frame, plate)
    mask = face_mask(lm, frame.shape[:2], 0.12).full(frame.shape[:2])
    assert _fapd(frame, merged, mask) <= 1e-3  # exact in float; the paper's NED scores 17.9
    # and through a real EXR plate (half floats, DWAA colour) it stays far below 2
    path = write_face_plate(tmp_path / "plate.1001.exr", plate, PlateMetadata(fps=Fraction(24)), PlateWriteConfig())
    back, _ = read_face_plate(path)
    (x0, y0, x1, y1), (bx0, by0, bx1, by1) = plate.data_window, back.data_window
    assert x0 <= bx0 < bx1 <= x1 and y0 <= by0 < by1 <= y1  # trimmed to what the plate covers, never grown
    assert _fapd(frame, merge_over(frame, back), mask) <= 2.0


@pytest.mark.parametrize("lift", [-0.08, 0.08])  # happy-like (corners up), sad-like (corners down)
def test_edits_change_the_face_and_never_pixels_outside_the_window(face, lift) -> None:
    frame, lm = face
    dst = _mouth_edit(lm, lift * float(interocular_distance(lm)))
    plate = composite_face(frame, render_mesh_warp(1, frame, lm, dst, RenderConfig()), lm, dst)
    merged = merge_over(frame, plate)
    x0, y0, x1, y1 = plate.data_window
    outside = np.ones(frame.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(merged[outside], frame[outside])
    mask = np.zeros(frame.shape[:2], np.float32)
    mask[y0:y1, x0:x1] = plate.mask
    assert _fapd(frame, merged, mask > 0.5) > 0.2  # the face changed
    corner = np.round(dst[61, :2]).astype(int)
    assert np.abs(merged - frame)[corner[1] - 4 : corner[1] + 5, corner[0] - 4 : corner[0] + 5].max() > 0.02
    # where the plate is transparent, the composite is the source up to the blend's faint low band
    transparent = np.zeros(frame.shape[:2], bool)
    transparent[y0:y1, x0:x1] = plate.mask == 0
    assert np.abs(merged - frame)[transparent].max() < 0.02
    assert np.array_equal(plate.rgba[..., 3], plate.mask)


def test_blend_mask_covers_source_and_target_and_is_soft(face) -> None:
    frame, lm = face
    dst = lm.copy()
    dst[:, 1] += 6  # the target face sits lower: the mask spans both
    window = (0, 0, frame.shape[1], frame.shape[0])
    mask = blend_mask(lm, dst, window, CompositeConfig())
    top, bottom = np.round(lm[10, :2]).astype(int), np.round(dst[152, :2]).astype(int)
    iod = float(interocular_distance(lm))
    assert mask[top[1] + int(0.4 * iod), top[0]] > 0.9 and mask[bottom[1] - int(0.4 * iod), bottom[0]] > 0.9
    assert mask[top[1] - 2, top[0]] < 0.1  # eroded: at the oval itself the mask is (nearly) off
    assert 0 < np.count_nonzero((mask > 0.05) & (mask < 0.95))  # a feathered edge, not a hard one
    with pytest.raises(CompositeConfigError, match="levels"):
        CompositeConfig(levels=0)


def test_blend_leaves_no_seam_at_the_mask_edge(face) -> None:
    frame, lm = face
    dst = lm.copy()
    dst[:, :2] += 0.05 * float(interocular_distance(lm))  # the whole face moves: a strong difference everywhere
    rendered = render_mesh_warp(1, frame, lm, dst, RenderConfig())
    plate = composite_face(frame, rendered, lm, dst)
    merged = merge_over(frame, plate)
    x0, y0, x1, y1 = plate.data_window
    edge = (plate.mask > 0.02) & (plate.mask < 0.98)  # the transition band
    assert edge.sum() > 100
    both = [frame[y0:y1, x0:x1], rendered.paste(frame)[y0:y1, x0:x1], merged[y0:y1, x0:x1]]
    grads = [np.abs(np.diff(img, axis=1)).max(axis=2)[edge[:, :-1]] for img in both]
    # across the band the composite is never steeper than the steeper of its two inputs
    assert np.percentile(grads[2], 99.5) <= 1.05 * max(np.percentile(grads[0], 99.5), np.percentile(grads[1], 99.5))
    assert grads[2].max() <= max(grads[0].max(), grads[1].max()) + 1e-3
