"""YUV -> RGB codes of one window of a decoded picture, converted from the window's own planes (numpy).

What FFmpeg's swscale does to the whole picture (``movie_pyav._SCALE_FLAGS``: bicubic chroma upsampling in both
directions, chroma samples centred between their luma samples, the matrix and range the stream is tagged with),
done only over a window, so a face window of a 1080p or UHD frame costs a fraction of a whole-frame conversion.
The result does not depend on the window: the chroma is upsampled from planes cut with a margin of
:data:`CHROMA_MARGIN` samples (replicated only at the picture's own edges), so a pixel converts the same whatever
window it is read in. swscale rounds in fixed point; this converts in float32 and rounds once: the codes differ
from swscale's by a little (``tests/io/test_yuv_window.py`` measures and bounds it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

#: Chroma samples read beyond the window on each side (the bicubic kernel reaches 2).
CHROMA_MARGIN = 3
#: swscale's default bicubic (``param`` B = 0, C = 0.6): Keys' kernel with ``a = -0.6``.
BICUBIC_A = -0.6
#: (Kr, Kb) luma weights by AVColorSpace code; codes FFmpeg's swscale has no matrix for (YCgCo, ICtCp, ...) use
#: BT.601, as swscale does.
_LUMA_WEIGHTS = {1: (0.2126, 0.0722), 4: (0.30, 0.11), 7: (0.212, 0.087), 9: (0.2627, 0.0593), 10: (0.2627, 0.0593)}
_BT601 = (0.299, 0.114)


@dataclass(frozen=True)
class PlanarLayout:
    """A planar YUV pixel format: bits per sample and chroma subsampling (log2, x and y)."""

    bits: int
    shift_x: int
    shift_y: int


#: Planar YUV formats converted here; others are converted whole by swscale.
PLANAR_FORMATS = {
    **{f"yuv{j}{sub}p": PlanarLayout(8, sx, sy) for j in ("", "j") for sub, sx, sy in
       (("420", 1, 1), ("422", 1, 0), ("444", 0, 0))},
    **{f"yuv{sub}p{bits}le": PlanarLayout(bits, sx, sy) for bits in (10, 12) for sub, sx, sy in
       (("420", 1, 1), ("422", 1, 0), ("444", 0, 0))},
}


@functools.cache
def _kernel_weights(t: float) -> np.ndarray:
    """The 4 bicubic weights of samples ``k-1, k, k+1, k+2`` for a position ``k + t`` (``0 <= t < 1``)."""
    a = BICUBIC_A
    distances = np.array([1 + t, t, 1 - t, 2 - t])
    near = ((a + 2) * distances - (a + 3)) * distances ** 2 + 1
    far = ((a * distances - 5 * a) * distances + 8 * a) * distances - 4 * a
    return np.where(distances <= 1, near, far).astype(np.float32)


def window_codes(planes: tuple[np.ndarray, np.ndarray, np.ndarray], layout: PlanarLayout, colorspace: int,
                 full_range: bool, box: tuple[int, int, int, int], out_dtype: type) -> np.ndarray:
    """``(h, w, 3)`` RGB codes (``uint8`` 0-255 or ``uint16`` 0-65535, full range) of ``box`` of a planar picture.

    Args:
        planes: the whole picture's Y ``(H, W)`` and U, V ``(H >> shift_y, W >> shift_x)`` samples, integer.
        layout: bit depth and chroma subsampling of ``planes``.
        colorspace: AVColorSpace code of the YUV matrix (1 = BT.709, 5/6 = BT.601, 9 = BT.2020, ...).
        full_range: the samples use the full code range (``yuvj``, JPEG range), else the limited one.
        box: ``(x0, y0, x1, y1)`` inside the picture, exclusive.
        out_dtype: ``np.uint8`` or ``np.uint16``.
    """
    x0, y0, x1, y1 = box
    chroma = []
    for plane in planes[1:]:
        (top, left), part = _chroma_around(plane, layout, box)
        full = part.astype(np.float32)
        if layout.shift_y:
            full = _doubled(full, axis=0)
        if layout.shift_x:
            full = _doubled(full, axis=1)
        chroma.append(np.ascontiguousarray(full[top:top + y1 - y0, left:left + x1 - x0]))
    y, (u, v) = planes[0][y0:y1, x0:x1].astype(np.float32), chroma
    (ry, _, rv, r1), (gy, gu, gv, g1), (by, bu, _, b1) = _matrix(layout.bits, colorspace, full_range,
                                                                  float(np.iinfo(out_dtype).max))
    depth = cv2.CV_8U if out_dtype == np.uint8 else cv2.CV_16U  # addWeighted rounds and saturates into it
    green = cv2.addWeighted(cv2.addWeighted(y, gy, u, gu, g1), 1.0, v, gv, 0.0, dtype=depth)
    return cv2.merge([cv2.addWeighted(y, ry, v, rv, r1, dtype=depth), green,
                      cv2.addWeighted(y, by, u, bu, b1, dtype=depth)])


def _matrix(bits: int, colorspace: int, full_range: bool, scale: float) -> np.ndarray:
    """``(3, 4)``: RGB codes (0-``scale``) = matrix @ (Y, U, V, 1) of ``bits``-bit samples."""
    kr, kb = _LUMA_WEIGHTS.get(colorspace, _BT601)
    kg = 1.0 - kr - kb
    if full_range:
        y_scale, y_offset, c_scale = 1.0 / ((1 << bits) - 1), 0.0, 1.0 / ((1 << bits) - 1)
    else:
        unit = float(1 << (bits - 8))
        y_scale, y_offset, c_scale = 1.0 / (219 * unit), 16 * unit, 1.0 / (224 * unit)
    centre = float(1 << (bits - 1))
    # R = Y' + rv V', G = Y' - gu U' - gv V', B = Y' + bu U' with Y' = (Y - y_offset) y_scale, U' = (U - centre) c_scale
    rv, gu, gv, bu = 2 * (1 - kr), 2 * kb * (1 - kb) / kg, 2 * kr * (1 - kr) / kg, 2 * (1 - kb)
    weights = np.array([[1.0, 0.0, rv], [1.0, -gu, -gv], [1.0, bu, 0.0]]) * [y_scale, c_scale, c_scale]
    offsets = -weights @ [y_offset, centre, centre]
    return np.hstack([weights, offsets[:, None]]) * scale


def _doubled(plane: np.ndarray, axis: int) -> np.ndarray:
    """``plane`` (float32) upsampled 2x along ``axis`` with the bicubic kernel, its edges replicated. Chroma sample
    ``k`` sits at full-resolution position ``2k + 0.5`` (centred): output ``2k`` lies at chroma position
    ``k - 0.25`` (taps ``k-2 .. k+1``), output ``2k + 1`` at ``k + 0.25`` (taps ``k-1 .. k+2``)."""
    one = np.ones(1, np.float32)
    phases = []
    for t, anchor in ((0.75, 2), (0.25, 1)):
        taps = _kernel_weights(t)
        kx, ky, at = (one, taps, (0, anchor)) if axis == 0 else (taps, one, (anchor, 0))
        phases.append(cv2.sepFilter2D(plane, cv2.CV_32F, kx, ky, anchor=at, borderType=cv2.BORDER_REPLICATE))
    if axis == 0:  # whole rows interleaved
        return np.stack(phases, axis=1).reshape(2 * plane.shape[0], plane.shape[1])
    return cv2.merge(phases).reshape(plane.shape[0], 2 * plane.shape[1])  # (h, w, 2) is even, odd, even, ...


def _chroma_around(plane: np.ndarray, layout: PlanarLayout, box: tuple[int, int, int, int]
                   ) -> tuple[tuple[int, int], np.ndarray]:
    """The chroma samples of ``plane`` under ``box`` and :data:`CHROMA_MARGIN` more on each side (fewer at the
    picture's edges), and where ``box``'s top-left pixel lies in them once upsampled, ``(top, left)``."""
    x0, y0, x1, y1 = box
    sx, sy = layout.shift_x, layout.shift_y
    cy0, cy1 = max(0, (y0 >> sy) - CHROMA_MARGIN), min(plane.shape[0], ((y1 - 1) >> sy) + CHROMA_MARGIN + 1)
    cx0, cx1 = max(0, (x0 >> sx) - CHROMA_MARGIN), min(plane.shape[1], ((x1 - 1) >> sx) + CHROMA_MARGIN + 1)
    return (y0 - (cy0 << sy), x0 - (cx0 << sx)), plane[cy0:cy1, cx0:cx1]


def planes_around(planes: tuple[np.ndarray, np.ndarray, np.ndarray], layout: PlanarLayout,
                  box: tuple[int, int, int, int]) -> tuple[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The part of a planar picture's ``planes`` that :func:`picture_codes` and :func:`window_codes` read to convert
    ``box`` (its chroma samples with :data:`CHROMA_MARGIN` on each side, the luma under them), as views, and where it
    lies in the picture, ``(x, y)`` luma pixels (a multiple of the chroma subsampling). Any box inside ``box``, moved
    by that origin, converts from the part to the same codes as from the whole picture: its margins are the same
    samples (clipped only at the picture's own edges), so a read of it can be served from a copy of the part."""
    sx, sy = layout.shift_x, layout.shift_y
    (top, left), part = _chroma_around(planes[1], layout, box)
    cx0, cy0 = (box[0] - left) >> sx, (box[1] - top) >> sy
    cy1, cx1 = cy0 + part.shape[0], cx0 + part.shape[1]
    x0, y0 = cx0 << sx, cy0 << sy
    luma = planes[0][y0:cy1 << sy, x0:cx1 << sx]
    return (x0, y0), (luma, part, planes[2][cy0:cy1, cx0:cx1])


def picture_codes(planes: tuple[np.ndarray, np.ndarray, np.ndarray], layout: PlanarLayout, colorspace: int,
                  full_range: bool, box: tuple[int, int, int, int]) -> np.ndarray:
    """``(h, w, 3) uint8`` RGB codes of ``box`` of an 8-bit planar picture as :func:`window_codes` gives them (same
    arguments but the output type),
    in OpenCV's fixed point: the chroma upsampled by ``cv2.resize`` (bicubic, Keys ``a = -0.75``, centred samples),
    the matrix applied by ``cv2.transform`` in one pass. About 3x less CPU than swscale's accurate conversion
    (``movie_pyav._SCALE_FLAGS``) and 5x less than :func:`window_codes` for a 1080p picture; its codes differ from
    :func:`window_codes`'s by a few values at sharp colour edges (``tests/io/test_yuv_window.py`` bounds it). As
    there, a pixel converts the same whatever box it is read in (OpenCV resamples 8-bit samples in fixed point;
    deeper ones in float, where a window's rounding may differ from the whole picture's by a code: not done here).

    Raises:
        ValueError: the samples are deeper than 8 bits.
    """
    if layout.bits > 8:
        raise ValueError(f"picture_codes converts 8-bit samples only, not {layout.bits}-bit ones")
    x0, y0, x1, y1 = box
    chroma = []
    for plane in planes[1:]:
        (top, left), part = _chroma_around(plane, layout, box)
        size = (part.shape[1] << layout.shift_x, part.shape[0] << layout.shift_y)
        full = part if size == part.shape[1::-1] else cv2.resize(part, size, interpolation=cv2.INTER_CUBIC)
        chroma.append(full[top:top + y1 - y0, left:left + x1 - x0])
    yuv = cv2.merge([np.ascontiguousarray(p) for p in (planes[0][y0:y1, x0:x1], *chroma)])
    return cv2.transform(yuv, _matrix(8, colorspace, full_range, 255.0))  # uint8 in, uint8 out


def shrunk_codes(planes: tuple[np.ndarray, np.ndarray, np.ndarray], layout: PlanarLayout, colorspace: int,
                 full_range: bool, factor: int) -> np.ndarray | None:
    """``(H / factor, W / factor, 3) uint8`` RGB codes of a whole 8-bit planar picture shrunk by the whole ``factor``:
    each plane box-averaged to that size (``cv2.INTER_AREA``'s whole-factor path), then the matrix applied as
    :func:`picture_codes` applies it. The chroma of 4:2:0 shrunk by 2 is used as it is (its samples sit at the centres
    of the 2x2 luma boxes, as :func:`picture_codes` places them), so no plane is upsampled: a 4:2:0 UHD picture at half
    size costs ~2-3 ms of CPU where :func:`picture_codes` of the whole takes ~21. What :func:`picture_codes` of the whole
    picture box-averaged by ``factor`` gives, within a few codes at sharp colour edges (the chroma is averaged, not
    upsampled and averaged; ``tests/io/test_yuv_window.py`` bounds it).

    Returns:
        The codes, or None where the picture's size is not a multiple of ``factor`` in each plane, or its samples are
        deeper than 8 bits (the caller shrinks the whole picture's codes instead).
    """
    height, width = planes[0].shape
    size = (width // factor, height // factor)
    if layout.bits > 8 or width % factor or height % factor or any(
            p.shape[1] % size[0] or p.shape[0] % size[1] for p in planes):
        return None
    shrunk = [np.ascontiguousarray(p) if p.shape[1::-1] == size else
              cv2.resize(p, size, interpolation=cv2.INTER_AREA) for p in planes]
    return cv2.transform(cv2.merge(shrunk), _matrix(8, colorspace, full_range, 255.0))
