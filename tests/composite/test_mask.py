"""The blend mask of a face cut by the frame edge (a close-up): the edit reaches the edge, as on the whole face."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.regions import interocular_distance
from ned_core.composite import CompositeConfig, blend_mask, composite_face, merge_over
from ned_core.render import RenderConfig, render_mesh_warp

LOWER_LIP = (14, 17, 84, 314, 87, 317)  # the lower lip's middle, inner and outer rows (MediaPipe indices)


def _cut_below_the_lip(frame: np.ndarray, lm: np.ndarray) -> int:
    """The height at which a frame cut just below the lower lip ends (0.15 IOD under its outer edge; chin out)."""
    return int(lm[17, 1] + 0.15 * float(interocular_distance(lm)))


def test_mask_of_a_face_cut_by_the_frame_edge_is_the_whole_faces_mask(face) -> None:
    frame, lm = face
    cut = _cut_below_the_lip(frame, lm)
    whole = blend_mask(lm, lm, (0, 0, frame.shape[1], frame.shape[0]), CompositeConfig())
    edge = blend_mask(lm, lm, (0, 0, frame.shape[1], cut), CompositeConfig())
    assert whole[:cut][whole[:cut] > 0.99].size > 0
    # the frame's edge is not the face's edge: no erosion or feather against it (was 0.05-0.2 in the last rows)
    assert np.abs(edge - whole[:cut]).max() < 1e-3
    lip = np.round(lm[list(LOWER_LIP), :2]).astype(int)
    assert edge[lip[:, 1], lip[:, 0]].min() > 0.99


def test_lower_lip_drop_of_a_face_cut_under_the_lip_shows_in_full(face) -> None:
    frame, lm = face
    iod = float(interocular_distance(lm))
    dst = lm.copy()
    dst[list(LOWER_LIP), 1] += 0.06 * iod  # the lower lip drops (a jaw opening, as surprise asks)
    cut = _cut_below_the_lip(frame, lm)
    results = []
    for image in (frame, frame[:cut]):
        plate = composite_face(image, render_mesh_warp(1, image, lm, dst, RenderConfig()), lm, dst)
        results.append(merge_over(image, plate))
    whole, cut_frame = results[0][:cut], results[1]
    lip = np.round(dst[[17, 84, 314], :2]).astype(int)
    band = (slice(lip[:, 1].min() - 3, cut), slice(lip[:, 0].min(), lip[:, 0].max() + 1))
    change = np.abs(whole[band] - frame[:cut][band]).mean()
    assert change > 0.005  # the edit moves the lip there
    # the close-up gets the whole face's edit, not the source's lip faded back in near the frame's edge
    assert np.abs(cut_frame[band] - whole[band]).mean() < 0.1 * change
