"""How far image content moved between a source frame and a result, found by matching patches (no face mesh).

MediaPipe's mesh reads a brow edit back at a few percent of its size (it keeps its brows near where its face prior
puts them: on the astronaut still a sad brow raised 0.11 IOD on the target landmarks is re-read 0.005 IOD higher), so
the brows' motion in a rendered image is measured here on the pixels: a small source patch around each point is found
again in the result by normalised cross-correlation on both frames upsampled :data:`UPSAMPLE` times (bicubic), to
a fraction of a pixel (a parabola through the peak): a known sub-pixel shift of the astronaut's face is found within
0.25 px with patches of 11 x 7 px (matched at the source's own sampling, within 0.6 px).
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.exceptions import ShapeError

UPSAMPLE = 4  # both frames are matched at this many times their resolution


def patch_motion(source: np.ndarray, result: np.ndarray, points: np.ndarray, half_size: tuple[int, int],
                 search: int) -> np.ndarray:
    """Where the content around each point of ``source`` lies in ``result``.

    Args:
        source, result: ``(H, W, 3) uint8`` sRGB frames of the same size.
        points: ``(N, 2)`` patch centres in ``source`` (pixels, x then y).
        half_size: ``(half width, half height)`` of each patch, pixels.
        search: how far (pixels) the patch is looked for in each direction.

    Returns:
        ``(N, 2) float64`` the motion (pixels, x then y) of each patch: the best match's offset; a patch that
        reaches past the frame's edge (with its search margin) is ``nan``.
    """
    source, result = np.asarray(source), np.asarray(result)
    if source.shape != result.shape or source.ndim != 3 or source.shape[2] != 3:
        raise ShapeError("patch_motion frames", "two (H, W, 3) images of one size", f"{source.shape}, {result.shape}")
    points = np.asarray(points, np.float64).reshape(-1, 2)
    grey_s, grey_r = (cv2.cvtColor(np.ascontiguousarray(im), cv2.COLOR_RGB2GRAY).astype(np.float32)
                      for im in (source, result))
    hw, hh = half_size
    out = np.full((len(points), 2), np.nan)
    for k, (x, y) in enumerate(np.round(points).astype(int)):
        x0, y0, x1, y1 = x - hw - search, y - hh - search, x + hw + search + 1, y + hh + search + 1
        if x0 < 0 or y0 < 0 or x1 > grey_s.shape[1] or y1 > grey_s.shape[0]:
            continue
        window = _upsampled(grey_r[y0:y1, x0:x1])
        edge = search * UPSAMPLE
        patch = _upsampled(grey_s[y0:y1, x0:x1])[edge:-edge, edge:-edge]
        score = cv2.matchTemplate(window, patch, cv2.TM_CCOEFF_NORMED)
        _, _, _, (mx, my) = cv2.minMaxLoc(score)
        out[k] = ((_peak(score[my], mx) / UPSAMPLE - search), (_peak(score[:, mx], my) / UPSAMPLE - search))
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
