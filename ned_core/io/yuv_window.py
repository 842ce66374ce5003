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

from dataclasses import dataclass

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
    luma, cb, cr = planes
    kr, kb = _LUMA_WEIGHTS.get(colorspace, _BT601)
    kg = 1.0 - kr - kb
    top = float((1 << layout.bits) - 1)
    if full_range:
        y_scale, y_offset, c_scale = 1.0 / top, 0.0, 1.0 / top
    else:
        unit = float(1 << (layout.bits - 8))
        y_scale, y_offset, c_scale = 1.0 / (219 * unit), 16 * unit, 1.0 / (224 * unit)
    centre = float(1 << (layout.bits - 1))
    y = (luma[y0:y1, x0:x1].astype(np.float32) - y_offset) * y_scale
    chroma = []
    for plane in (cb, cr):
        sx, sy = layout.shift_x, layout.shift_y
        cy0, cy1 = max(0, (y0 >> sy) - CHROMA_MARGIN), min(plane.shape[0], ((y1 - 1) >> sy) + CHROMA_MARGIN + 1)
        cx0, cx1 = max(0, (x0 >> sx) - CHROMA_MARGIN), min(plane.shape[1], ((x1 - 1) >> sx) + CHROMA_MARGIN + 1)
        part = (plane[cy0:cy1, cx0:cx1].astype(np.float32) - centre) * c_scale
        rows = _upsample(part, 0, sy, y0, y1 - y0, cy0, plane.shape[0])
        chroma.append(_upsample(rows, 1, sx, x0, x1 - x0, cx0, plane.shape[1]))
    u, v = chroma
    rgb = np.empty((*y.shape, 3), np.float32)
    rgb[..., 0] = y + (2 * (1 - kr)) * v
    rgb[..., 1] = y - (2 * kb * (1 - kb) / kg) * u - (2 * kr * (1 - kr) / kg) * v
    rgb[..., 2] = y + (2 * (1 - kb)) * u
    scale = float(np.iinfo(out_dtype).max)
    np.clip(rgb, 0.0, 1.0, out=rgb)
    rgb *= scale
    return np.rint(rgb).astype(out_dtype)


def _upsample(part: np.ndarray, axis: int, shift: int, first: int, count: int, part_first: int,
              size: int) -> np.ndarray:
    """Full-resolution samples ``first .. first + count - 1`` along ``axis`` of a chroma plane subsampled by
    ``2 ** shift``, from ``part``, the plane's samples from ``part_first`` on (enough of them for the kernel);
    ``size``: the plane's samples along ``axis`` (its edges replicate, as swscale's filters clamp there).

    Chroma sample ``k`` sits at full-resolution position ``2k + 0.5`` (centred): an even output sample lies
    at chroma position ``k - 0.25``, an odd one at ``k + 0.25``.
    """
    positions = np.arange(first, first + count)
    if shift == 0:
        return np.take(part, positions - part_first, axis=axis)
    phase = positions % 2
    base = positions // 2 - (phase == 0)  # output at chroma position base + 0.75 (even) or base + 0.25 (odd)
    weights = np.stack([_kernel_weights(0.75), _kernel_weights(0.25)])[phase]  # (count, 4): taps base-1 .. base+2
    shape = [1] * part.ndim
    shape[axis] = count
    out = np.zeros([*part.shape[:axis], count, *part.shape[axis + 1:]], np.float32)
    for tap in range(4):
        index = np.clip(base - 1 + tap, 0, size - 1) - part_first
        out += weights[:, tap].reshape(shape) * np.take(part, index, axis=axis)
    return out
