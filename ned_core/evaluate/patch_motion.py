"""How far image content moved between a source frame and a result, found by matching patches (no face mesh).

MediaPipe's mesh reads a brow edit back at a few percent of its size (it keeps its brows near where its face prior
puts them: on the astronaut still a sad brow raised 0.11 IOD on the target landmarks is re-read 0.005 IOD higher), so
the brows' motion in a rendered image is measured here on the pixels: a small source patch around each point is found
again in the result by normalised cross-correlation on both frames upsampled :data:`UPSAMPLE` times (bicubic), to
a fraction of a pixel (a parabola through the peak): a known sub-pixel shift of the astronaut's face is found within
0.25 px with patches of 11 x 7 px (matched at the source's own sampling, within 0.6 px).

Content known to move along one axis (a lid margin moves up or down) is looked for along that axis only
(``search=(0, n)``): a strip of a few rows across a near-horizontal edge matches about as well slid along the edge
as moved across it (the aperture problem). On the astronaut still made angry (1.5), a 7 x 3 px patch on the
subject's left lower lid, which rose about 1.5 px on the pixels, matched best 2.5 px sideways at its own height
(correlation 0.92, vs 0.90 straight up): a rise of 0.000 IOD instead of 0.035.
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.exceptions import ShapeError

UPSAMPLE = 4  # both frames are matched at this many times their resolution


def patch_motion(source: np.ndarray, result: np.ndarray, points: np.ndarray, half_size: tuple[int, int],
                 search: int | tuple[int, int], min_score: float = -1.0) -> np.ndarray:
    """Where the content around each point of ``source`` lies in ``result``.

    Args:
        source, result: ``(H, W, 3) uint8`` sRGB frames of the same size.
        points: ``(N, 2)`` patch centres in ``source`` (pixels, x then y).
        half_size: ``(half width, half height)`` of each patch, pixels.
        search: how far (pixels) the patch is looked for in each direction, or ``(across, down)`` apart; an axis
            searched 0 far keeps the motion along it 0 (content that moves along the other axis only).
        min_score: the least normalised cross-correlation (-1..1) a match must reach (default: any).

    Returns:
        ``(N, 2) float64`` the motion (pixels, x then y) of each patch: the best match's offset. The search
        stops at the frame's edge; ``nan`` where the patch itself reaches past the edge, or where the best match
        lies on the search window's border (not a peak: the content moved further, or out of the frame), or where
        it scores below ``min_score``.
    """
    source, result = np.asarray(source), np.asarray(result)
    if source.shape != result.shape or source.ndim != 3 or source.shape[2] != 3:
        raise ShapeError("patch_motion frames", "two (H, W, 3) images of one size", f"{source.shape}, {result.shape}")
    points = np.asarray(points, np.float64).reshape(-1, 2)
    grey_s, grey_r = (cv2.cvtColor(np.ascontiguousarray(im), cv2.COLOR_RGB2GRAY).astype(np.float32)
                      for im in (source, result))
    hw, hh = half_size
    reach_x, reach_y = (search, search) if np.isscalar(search) else search
    height, width = grey_s.shape
    out = np.full((len(points), 2), np.nan)
    for k, (x, y) in enumerate(np.round(points).astype(int)):
        if x - hw < 0 or y - hh < 0 or x + hw >= width or y + hh >= height:
            continue
        # the search window, cut where the frame ends (a brow near the top edge of a close-up is still looked for)
        left, right = min(reach_x, x - hw), min(reach_x, width - 1 - x - hw)
        top, bottom = min(reach_y, y - hh), min(reach_y, height - 1 - y - hh)
        rows, cols = slice(y - hh - top, y + hh + bottom + 1), slice(x - hw - left, x + hw + right + 1)
        window = _upsampled(grey_r[rows, cols])
        patch = _upsampled(grey_s[rows, cols])[top * UPSAMPLE:(top + 2 * hh) * UPSAMPLE + 1,
                                               left * UPSAMPLE:(left + 2 * hw) * UPSAMPLE + 1]
        score = cv2.matchTemplate(window, patch, cv2.TM_CCOEFF_NORMED)
        _, best, _, (mx, my) = cv2.minMaxLoc(score)
        peak_x = reach_x == 0 or 0 < mx < score.shape[1] - 1
        peak_y = reach_y == 0 or 0 < my < score.shape[0] - 1
        if not (peak_x and peak_y) or best < min_score:
            continue  # on the window's border (of an axis searched) the true match may lie beyond it
        out[k] = (_peak(score[my], mx) / UPSAMPLE - left, _peak(score[:, mx], my) / UPSAMPLE - top)
    return out


def _upsampled(grey: np.ndarray) -> np.ndarray:
    """``grey`` resampled :data:`UPSAMPLE` times finer, its pixel centres kept in place (pixel ``i`` of the input at
    ``UPSAMPLE * i`` of the output, the border's last samples extrapolated: the offsets stay exact multiples)."""
    h, w = grey.shape
    xs = (np.arange((w - 1) * UPSAMPLE + 1, dtype=np.float32) / UPSAMPLE)[None, :].repeat((h - 1) * UPSAMPLE + 1, 0)
    ys = (np.arange((h - 1) * UPSAMPLE + 1, dtype=np.float32) / UPSAMPLE)[:, None].repeat(xs.shape[1], 1)
    return cv2.remap(grey, xs, ys, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def _peak(scores: np.ndarray, at: int) -> float:
    """The sub-pixel place of the maximum ``at`` of a 1-D score row (a parabola through it and its neighbours)."""
    if 0 < at < len(scores) - 1:
        curve = scores[at - 1] - 2.0 * scores[at] + scores[at + 1]
        if curve < 0:
            return at + 0.5 * (scores[at - 1] - scores[at + 1]) / curve
    return float(at)
