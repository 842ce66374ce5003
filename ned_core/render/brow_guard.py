"""Guard points above the brows: a lowered brow stretches the skin just above it and leaves the forehead (and any
hair lying over it) where it is.

MediaPipe's mesh has no row between the brows' upper outline and the forehead row ~0.17 IOD above it, so a
piecewise-affine warp spreads a lowered brow's displacement linearly over that whole band and drags a fringe
lying there down with the brow. Brow lowering (AU4) pulls the brow and the skin just above it down against the
forehead, which stays (the frontalis relaxes; the hairline does not move), so the guard points, placed
:data:`GUARD_AT` of the way from each brow-top vertex to the forehead vertex above it, take only
:data:`GUARD_SHARE` of the brow's motion against the forehead row when it pulls away from that row (within
60 degrees; the linear share would be ``1 - GUARD_AT``, and the share blends back to it as the motion turns
along the row); a raise, and whatever both rows share (a head turn, the whole face's motion), they take
linearly, as the mesh did.
"""

from __future__ import annotations

import numpy as np

# (brow-top vertex, forehead vertex above it) on each side, MediaPipe indices: subject's right, then left
GUARD_PAIRS = ((107, 108), (66, 69), (105, 104), (63, 68), (336, 337), (296, 299), (334, 333), (293, 298))
GUARD_AT = 0.5  # the guard's place between the brow top (0) and the forehead row (1)
GUARD_SHARE = 0.15  # share of the brow's pull away from the forehead row the guard takes (linear: 1 - GUARD_AT)


def add_brow_guard(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Append the guard points to a mesh.

    Args:
        src, dst: ``(468, 2) float`` source and target mesh points (frame pixels).

    Returns:
        ``(src_ext, dst_ext)``, each ``(468 + len(GUARD_PAIRS), 2) float64``; the first 468 rows are the inputs.
    """
    src = np.asarray(src, np.float64)
    dst = np.asarray(dst, np.float64)
    top, above = (np.array(k) for k in zip(*GUARD_PAIRS))
    disp_top, disp_above = dst[top] - src[top], dst[above] - src[above]
    rel = disp_top - disp_above  # the brow's motion against the forehead row
    towards_brow = src[top] - src[above]
    cos = np.sum(rel * towards_brow, axis=1) / np.maximum(
        np.linalg.norm(rel, axis=1) * np.linalg.norm(towards_brow, axis=1), 1e-9)
    lowering = np.clip(2.0 * cos, 0.0, 1.0)[:, None]  # 1 within 60 degrees of "away from the forehead row"
    share = (1.0 - GUARD_AT) - lowering * (1.0 - GUARD_AT - GUARD_SHARE)
    guard_src = src[top] + GUARD_AT * (src[above] - src[top])
    guard_disp = disp_above + share * rel
    return np.vstack([src, guard_src]), np.vstack([dst, guard_src + guard_disp])
