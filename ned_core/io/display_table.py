"""Display sRGB codes of float pixels by table: a colour transform that is one matrix followed by the same curve on
every channel (scene-linear -> sRGB in the common configs) applied as the matrix, then one lookup per sample.

OpenColorIO's CPU path evaluates the sRGB curve's power for every sample (~27 ms a 1080p ACEScg frame, the analysis'
largest cost after decoding an EXR). The curve followed by the quantisation to 8 bits is a function of the sample's
float32 bits alone, and a monotonic one: the table holds, for every run of ``2 ** TABLE_SHIFT`` consecutive bit
patterns, the code OpenColorIO gives all of it, or marks the run where a code's edge may fall inside it (the next
run starts on another code; or NaNs share it with an infinity); the samples of marked runs (~1 in 200 of continuous
values) are taken through OpenColorIO on their own. The codes are OpenColorIO's curve's on OpenCV's matrix (~1e-7
off OCIO's own, a code's edge rarely that close): ~13-17 ms a 1080p frame. A table is built once per process and
transform (~40 ms).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import PyOpenColorIO as ocio

#: float32 bit patterns per table entry (the low bits dropped): 2^21 entries, 4 MB; a 1080p frame of continuous values
#: has ~36000 samples in marked runs (twice as many per bit more, and the table half as long to build)
TABLE_SHIFT = 11
_MARKED = np.uint16(0x100)  # a run whose samples do not all take one code
_TABLES: dict[tuple[str, Callable], DisplayTable | None] = {}
_TABLES_LOCK = threading.Lock()
_BAND_SAMPLES = 1 << 16  # samples converted at once (their temporaries: ~0.5 MB)
_BUILD_ROWS = 1 << 18  # runs evaluated at once while building (1 MB of float32 per end)


@dataclass(frozen=True)
class DisplayTable:
    """``codes(rgb) = curve(matrix @ rgb + offset)``, looked up by the bits of the matrix's output.

    Attributes:
        matrix: ``(3, 4) float32``: the transform's leading matrix and offset (identity where it has none).
        codes: ``(2 ** (32 - TABLE_SHIFT),) uint16``: the code every bit pattern of the run takes, or :data:`_MARKED`.
        curve: the rest of the transform, the same on every channel, for the samples of marked runs.
        quantise: float32 display values -> uint8 codes, as the table was made.
    """

    matrix: np.ndarray
    codes: np.ndarray
    curve: ocio.CPUProcessor
    quantise: Callable[[np.ndarray], np.ndarray]

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        """``(H, W, 3) float32`` -> ``(H, W, 3) uint8`` display codes (``rgb`` is left as it is), in bands of rows
        (the temporaries stay small and in cache: 1080p ~15 -> ~13 ms against whole-frame temporaries)."""
        out = np.empty(rgb.shape, np.uint8)
        rows = max(1, _BAND_SAMPLES // (rgb.shape[1] * 3))
        for top in range(0, rgb.shape[0], rows):
            self._apply_band(rgb[top:top + rows], out[top:top + rows])
        return out

    def _apply_band(self, rgb: np.ndarray, out: np.ndarray) -> None:
        # into a new array: OpenCV's transform in place runs ~8x slower
        values = cv2.transform(rgb, self.matrix)
        looked = self.codes[np.right_shift(values.view(np.uint32), TABLE_SHIFT)]
        out[...] = looked
        marked = np.flatnonzero(looked.reshape(-1) == _MARKED)
        if len(marked):
            out.reshape(-1)[marked] = _curve_codes(self.curve, values.reshape(-1)[marked], self.quantise)


def display_table(config: ocio.Config, processor: ocio.Processor,
                  quantise: Callable[[np.ndarray], np.ndarray]) -> DisplayTable | None:
    """The :class:`DisplayTable` of ``processor`` (``config``'s, optimised as the display path runs it), or None
    where it is not a matrix followed by one curve on every channel alike (a config whose display transform mixes
    channels later, or treats them differently: the caller keeps OpenColorIO's path). ``quantise``: float32 display
    values -> uint8 codes, as the caller quantises them. Built once per process for each processor and
    ``quantise`` (every source opened makes its own ``ColourTransforms``)."""
    key = (processor.getCacheID(), quantise)
    with _TABLES_LOCK:
        if key not in _TABLES:
            _TABLES[key] = _build(config, processor, quantise)
        return _TABLES[key]


def _build(config: ocio.Config, processor: ocio.Processor,
           quantise: Callable[[np.ndarray], np.ndarray]) -> DisplayTable | None:
    ops = list(processor.createGroupTransform())
    matrix = np.hstack([np.eye(3), np.zeros((3, 1))])
    if ops and isinstance(ops[0], ocio.MatrixTransform):
        first = ops.pop(0)
        matrix = np.hstack([np.array(first.getMatrix()).reshape(4, 4)[:3, :3],
                            np.array(first.getOffset())[:3, None]])
    curve = config.getProcessor(ocio.GroupTransform(ops)).getDefaultCPUProcessor()
    if curve.hasChannelCrosstalk() or not _alike_on_every_channel(curve, quantise):
        return None
    count = 1 << (32 - TABLE_SHIFT)
    # the code at every run's first bit pattern; a run whose next run starts on another code is marked (the curve is
    # monotonic in the bits within each sign, so the run's own patterns all take its first code otherwise)
    first = np.empty(count, np.uint8)
    for start in range(0, count, _BUILD_ROWS):
        low = (np.arange(start, min(start + _BUILD_ROWS, count), dtype=np.uint64) << TABLE_SHIFT).astype(np.uint32)
        first[start:start + _BUILD_ROWS] = _curve_codes(curve, low.view(np.float32), quantise)
    codes = first.astype(np.uint16)
    codes[:-1][first[:-1] != first[1:]] = _MARKED
    codes[-1] = _MARKED  # the last run (NaNs) has no next
    return DisplayTable(matrix.astype(np.float32), codes, curve, quantise)


def _curve_codes(curve: ocio.CPUProcessor, samples: np.ndarray, quantise: Callable[[np.ndarray], np.ndarray]
                 ) -> np.ndarray:
    """``(n,) float32`` samples -> ``(n,) uint8``: the curve, which treats every channel alike (three samples a pixel,
    on one line: OCIO's cost is per line and pixel), and the quantisation."""
    rgb = np.zeros(-(-len(samples) // 3) * 3, np.float32)
    rgb[:len(samples)] = samples
    rgb = rgb.reshape(1, -1, 3)
    curve.apply(ocio.PackedImageDesc(rgb, rgb.shape[1], 1, 3))
    with np.errstate(invalid="ignore"):  # NaN samples quantise as the caller's quantisation makes them
        return quantise(rgb).reshape(-1)[:len(samples)]


def _alike_on_every_channel(curve: ocio.CPUProcessor, quantise: Callable[[np.ndarray], np.ndarray]) -> bool:
    """Whether ``curve`` gives every channel the same codes, over values from deep shadow to far above white."""
    probe = np.geomspace(1e-6, 64.0, 4096, dtype=np.float32)
    rgb = np.stack([probe, np.roll(probe, 1365), np.roll(probe, 2730)], 1).reshape(1, -1, 3)
    curve.apply(ocio.PackedImageDesc(rgb, len(probe), 1, 3))
    codes = quantise(rgb)[0]
    return np.array_equal(np.roll(codes[:, 1], -1365), codes[:, 0]) and np.array_equal(
        np.roll(codes[:, 2], -2730), codes[:, 0])
