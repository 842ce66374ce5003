"""Colour management with OpenColorIO: source space -> working space -> output space, plus display sRGB."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import PyOpenColorIO as ocio

from ned_core.exceptions import ColourError, ShapeError
from ned_core.io.display_table import DisplayTable, display_table

BUILTIN_CONFIG = "ocio://default"
#: Names and aliases of the sRGB-encoded Rec.709 space in common configs (OCIO built-ins, ACES 1.x, nuke-default).
_SRGB_NAMES = ("srgb_rec709_scene", "sRGB Encoded Rec.709 (sRGB)", "srgb_tx", "sRGB - Texture",
               "Utility - sRGB - Texture", "srgb_texture", "sRGB")
_BUILTIN_SRGB = "sRGB Encoded Rec.709 (sRGB)"
_FLOAT_PIXEL_TYPES = ("half", "float")
_OCIO_ERRORS = (ocio.Exception, ocio.ExceptionMissingFile)
_CODE_DEPTHS = {np.dtype(np.uint8): ocio.BIT_DEPTH_UINT8, np.dtype(np.uint16): ocio.BIT_DEPTH_UINT16}
_PARALLEL_MIN_PIXELS = 1 << 18  # smaller images convert on one thread (start-up would cost more than it saves)
_AVX_KERNEL_PROBE = np.ones(64, np.float32)  # long enough that numpy's reduction takes its AVX kernel


@dataclass(frozen=True)
class ColourConfig:
    """How a shot is colour-managed.

    Attributes:
        config: OpenColorIO config path or URI. ``None`` uses ``$OCIO`` when set, else OpenColorIO's built-in
            ``ocio://default`` (CG config: ``scene_linear`` = ACEScg).
        working_space: Colour space (or role) the pipeline works in; scene-linear by convention.
        input_space: Colour space (or role) of the source pixels. ``None`` picks it per source: an EXR
            ``colorInteropID`` the config knows; else float/half pixels -> the ``scene_linear`` role;
            8/16-bit integer images (PNG, JPEG, TIFF, DPX) and movies -> sRGB. Log DPX/Cineon or linear
            renders with Rec.709 primaries need it set explicitly (e.g. ``"lin_rec709"``).
        output_space: Colour space (or role) that results are written in; ``None`` = the input space.
    """

    config: str | None = None
    working_space: str = "scene_linear"
    input_space: str | None = None
    output_space: str | None = None


def _check_rgb(rgb: np.ndarray, what: str) -> None:
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.float32:
        raise ShapeError(what, "(H, W, 3) float32", f"{rgb.shape} {rgb.dtype}")


class ColourTransforms:
    """The OpenColorIO config of one shot, with cached CPU processors (build once per shot).

    Processors are created with lossless optimisation so that source -> working -> source round-trips
    within float32 rounding. Colour spaces may be given by name, alias or role; all results use the
    config's canonical names. Large images are converted in row bands on ``threads`` threads
    (OpenColorIO releases the GIL); the result is identical to a single-threaded conversion.

    Args:
        config: Colour settings; ``None`` = :class:`ColourConfig` defaults.
        threads: Threads per conversion; ``None`` = all CPU cores.
    """

    def __init__(self, config: ColourConfig | None = None, threads: int | None = None) -> None:
        self.settings = config or ColourConfig()
        self.threads = max(1, threads or os.cpu_count() or 1)
        self.config_path = self.settings.config or os.environ.get("OCIO") or BUILTIN_CONFIG
        try:
            self._config = ocio.Config.CreateFromFile(self.config_path)
        except _OCIO_ERRORS as e:
            raise ColourError(f"cannot load OpenColorIO config {self.config_path!r}: {e}; set "
                              "ColourConfig.config or $OCIO to a valid .ocio file or an ocio:// URI") from e
        self._processors: dict[tuple[str, str], ocio.CPUProcessor] = {}
        self._display_processors: dict[str, ocio.CPUProcessor] = {}  # see to_srgb8
        self._display_tables: dict[str, DisplayTable | None] = {}  # see to_srgb8
        self._code_processors: dict[tuple[str, np.dtype], ocio.CPUProcessor | None] = {}  # see to_working_codes
        self.working_space = self.resolve(self.settings.working_space)
        self._srgb: str | None = None
        self._executor: ThreadPoolExecutor | None = None

    def _pool(self, workers: int) -> ThreadPoolExecutor:
        """One thread pool for the object's life (daemon threads; creating one per frame costs ~50 ms)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max(workers, self.threads), thread_name_prefix="ned-ocio")
        return self._executor

    def resolve(self, space: str) -> str:
        """Canonical name of a colour space given by name, alias or role.

        Raises:
            ColourError: The config has no such space or role.
        """
        found = self._config.getColorSpace(space)
        if found is None:
            names = ", ".join(self._config.getColorSpaceNames())
            raise ColourError(f"colour space or role {space!r} is not in OCIO config {self.config_path!r}; "
                              f"its spaces are: {names}")
        return found.getName()

    def from_interop_id(self, interop_id: str) -> str | None:
        """Config space matching an OpenEXR ``colorInteropID`` (e.g. ``"lin_rec709_scene"``), if it has one."""
        found = self._config.getColorSpace(interop_id)
        if found is not None:
            return found.getName()
        for name in self._config.getColorSpaceNames():
            if self._config.getColorSpace(name).getInteropID() == interop_id:
                return name
        return None

    @property
    def srgb_space(self) -> str:
        """The config's sRGB-encoded Rec.709 space (by known name, else identified against the built-ins)."""
        if self._srgb is None:
            self._srgb = self._find_srgb()
        return self._srgb

    def _find_srgb(self) -> str:
        for name in _SRGB_NAMES:
            found = self._config.getColorSpace(name)
            if found is not None:
                return found.getName()
        try:
            builtin = ocio.Config.CreateFromFile(BUILTIN_CONFIG)
            return ocio.Config.IdentifyBuiltinColorSpace(self._config, builtin, _BUILTIN_SRGB)
        except _OCIO_ERRORS as e:
            raise ColourError(f"OCIO config {self.config_path!r} has no sRGB texture space (tried "
                              f"{', '.join(_SRGB_NAMES)}; {e}); set ColourConfig.input_space explicitly") from e

    def input_space(self, pixel_type: str, interop_id: str | None = None) -> str:
        """Source colour space: the configured one, else by the source (see :class:`ColourConfig`)."""
        if self.settings.input_space is not None:
            return self.resolve(self.settings.input_space)
        tagged = self.from_interop_id(interop_id) if interop_id else None
        if tagged is not None:
            return tagged
        if pixel_type in _FLOAT_PIXEL_TYPES:
            return self.resolve("scene_linear")
        return self.srgb_space

    def output_space(self, input_space: str) -> str:
        """Space results are written in: the configured output space, else ``input_space``."""
        return self.resolve(self.settings.output_space or input_space)

    def processor(self, src: str, dst: str) -> ocio.CPUProcessor:
        """Cached CPU processor converting ``src`` to ``dst`` (names, aliases or roles)."""
        key = (self.resolve(src), self.resolve(dst))
        if key not in self._processors:
            try:
                proc = self._config.getProcessor(*key)
            except _OCIO_ERRORS as e:
                raise ColourError(f"OCIO cannot convert {key[0]!r} to {key[1]!r} in {self.config_path!r}: {e}") from e
            self._processors[key] = proc.getOptimizedCPUProcessor(ocio.OPTIMIZATION_LOSSLESS)
        return self._processors[key]

    def convert(self, rgb: np.ndarray, src: str, dst: str, inplace: bool = False) -> np.ndarray:
        """Convert ``rgb`` (H, W, 3) float32 from ``src`` to ``dst``.

        Args:
            rgb: (H, W, 3) float32 pixels.
            src: Source colour space, alias or role.
            dst: Destination colour space, alias or role.
            inplace: Overwrite ``rgb`` (must be C-contiguous) instead of returning a converted copy.

        Returns:
            (H, W, 3) float32, ``rgb`` itself when ``inplace``.
        """
        _check_rgb(rgb, "ColourTransforms.convert")
        out = rgb if inplace else np.array(rgb, dtype=np.float32, order="C", copy=True)
        if not out.flags.c_contiguous:
            raise ShapeError("ColourTransforms.convert", "a C-contiguous array for inplace=True", "a strided one")
        proc = self.processor(src, dst)
        if proc.isNoOp():
            return out
        self._banded(lambda part: _apply_float(proc, part), out)
        return out

    def _banded(self, apply, *images: np.ndarray) -> None:
        """``apply(*images)``, in row bands on the pool for large images (row bands of C-contiguous arrays are
        contiguous; OCIO releases the GIL; the result is the same as one call's), each call on a thread in the
        state :func:`clear_avx_upper_state` leaves."""

        def run(*parts: np.ndarray) -> None:
            clear_avx_upper_state()
            apply(*parts)

        workers = min(self.threads, images[0].shape[0])
        if workers < 2 or images[0].shape[0] * images[0].shape[1] < _PARALLEL_MIN_PIXELS:
            run(*images)
        else:
            list(self._pool(workers).map(run, *(np.array_split(image, workers) for image in images)))

    def to_working_codes(self, pixels: np.ndarray, space: str) -> np.ndarray:
        """``(H, W, 3) uint8/uint16`` code values in ``space`` -> ``(H, W, 3) float32`` working space.

        Bit for bit what :meth:`to_working` gives for :func:`unit_scale` of the codes, several times faster:
        OpenColorIO turns the per-channel part of the transform into a table over the codes. Whether that holds
        is checked once per space and depth on every code of every channel; where it does not (a config whose
        transform the table would change), the float path is taken.
        """
        if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype not in _CODE_DEPTHS:
            raise ShapeError("ColourTransforms.to_working_codes", "(H, W, 3) uint8 or uint16",
                             f"{pixels.shape} {pixels.dtype}")
        proc = self._codes_processor(space, pixels.dtype)
        if proc is None:
            return self.to_working(unit_scale(pixels), space, inplace=True)
        pixels = np.ascontiguousarray(pixels)
        out = np.empty(pixels.shape, np.float32)
        self._banded(lambda codes, rgb: _apply_codes(proc, codes, rgb), pixels, out)
        return out

    def _codes_processor(self, space: str, dtype: np.dtype) -> ocio.CPUProcessor | None:
        """The integer-input processor ``space`` -> working space, or None where it differs from the float path."""
        key = (self.resolve(space), np.dtype(dtype))
        if key not in self._code_processors:
            proc = self._config.getProcessor(key[0], self.working_space).getOptimizedCPUProcessor(
                _CODE_DEPTHS[key[1]], ocio.BIT_DEPTH_F32,
                ocio.OptimizationFlags(int(ocio.OPTIMIZATION_LOSSLESS) | int(ocio.OPTIMIZATION_COMP_SEPARABLE_PREFIX)))
            count = np.iinfo(key[1]).max + 1
            codes = np.arange(count)  # every code in every channel, the channels mixed
            probe = np.stack([codes, codes[::-1], (codes * 37 + count // 3) % count], 1).astype(key[1])
            probe = probe.reshape(-1, 256, 3)
            table = np.empty(probe.shape, np.float32)
            _apply_codes(proc, probe, table)
            reference = self.to_working(unit_scale(probe), key[0], inplace=True)
            self._code_processors[key] = proc if np.array_equal(table, reference, equal_nan=True) else None
        return self._code_processors[key]

    def to_working(self, rgb: np.ndarray, space: str, inplace: bool = False) -> np.ndarray:
        """(H, W, 3) float32 in ``space`` -> (H, W, 3) float32 in the working space."""
        return self.convert(rgb, space, self.working_space, inplace)

    def from_working(self, rgb: np.ndarray, space: str, inplace: bool = False) -> np.ndarray:
        """(H, W, 3) float32 in the working space -> (H, W, 3) float32 in ``space``."""
        return self.convert(rgb, self.working_space, space, inplace)

    def working_to_srgb8(self, rgb: np.ndarray) -> np.ndarray:
        """Working-space (H, W, 3) float32 -> display sRGB (H, W, 3) uint8 for the face-analysis models.

        A plain colour-space conversion (no tone mapping): an sRGB source returns its own 8-bit values;
        scene-linear values above 1.0 clip to 255. ``rgb`` is left as it is (see :meth:`to_srgb8`).
        """
        return self.to_srgb8(np.array(rgb, dtype=np.float32, order="C", copy=True), self.working_space)

    def to_srgb8(self, rgb: np.ndarray, space: str) -> np.ndarray:
        """(H, W, 3) float32 in ``space`` -> display sRGB (H, W, 3) uint8 (:func:`quantise8`); ``rgb`` (C-contiguous)
        may be overwritten.

        Unlike :meth:`convert`, the processor is OCIO's default optimisation, not the lossless one: the scene-linear
        -> sRGB transform's two matrices are composed into one and its power curve evaluated faster, half the CPU
        (a 1080p ACEScg frame: ~52 -> ~24 ms) for values within 1e-5 of the lossless ones, well below half an 8-bit
        code: a sample's code moves by one where it lay that close to a rounding edge (about 1 in 10^5 samples of
        natural pictures). Where that transform is a matrix and one curve on every channel alike (scene-linear ->
        sRGB in the common configs), a large image's curve and quantisation are looked up by the sample's bits
        (:mod:`~ned_core.io.display_table`, built once per process, ~40 ms, 4 MB: ~13-17 against ~27 ms of CPU a 1080p
        frame; under 1 in 10^5 samples of continuous values one code off OCIO's (OpenCV's matrix), none on pictures
        made from 8-bit codes; images under ``_PARALLEL_MIN_PIXELS`` stay on OCIO). Codes out stay within one of :meth:`convert`'s.
        """
        _check_rgb(rgb, "ColourTransforms.to_srgb8")
        if not rgb.flags.c_contiguous:
            raise ShapeError("ColourTransforms.to_srgb8", "a C-contiguous array (overwritten)", "a strided one")
        table = self._display_table(space) if rgb.shape[0] * rgb.shape[1] >= _PARALLEL_MIN_PIXELS else None
        if table is not None:
            return table.apply(rgb)
        proc = self.display_processor(space)
        if not proc.isNoOp():
            self._banded(lambda part: _apply_float(proc, part), rgb)
        return quantise8(rgb)

    def _display_table(self, space: str) -> DisplayTable | None:
        """The table :meth:`to_srgb8` takes ``space``'s codes from, or None where the transform has none (a no-op, or
        not a matrix followed by one curve on every channel: :func:`~ned_core.io.display_table.display_table`)."""
        key = self.resolve(space)
        if key not in self._display_tables:
            proc = self._display_optimised(key)
            self._display_tables[key] = (None if proc.isNoOp() else
                                         display_table(self._config, proc, quantise8))
        return self._display_tables[key]

    def display_processor(self, space: str) -> ocio.CPUProcessor:
        """Cached CPU processor ``space`` -> :attr:`srgb_space` for 8-bit display codes (see :meth:`to_srgb8`)."""
        key = self.resolve(space)
        if key not in self._display_processors:
            self._display_processors[key] = self._display_optimised(key).getDefaultCPUProcessor()
        return self._display_processors[key]

    def _display_optimised(self, space: str) -> ocio.Processor:
        """``space`` (resolved) -> :attr:`srgb_space`, optimised as :meth:`to_srgb8` runs it (OCIO's default)."""
        try:
            proc = self._config.getProcessor(space, self.srgb_space)
        except _OCIO_ERRORS as e:
            raise ColourError(f"OCIO cannot convert {space!r} to {self.srgb_space!r} in {self.config_path!r}: "
                              f"{e}") from e
        return proc.getOptimizedProcessor(ocio.OPTIMIZATION_DEFAULT)


def clear_avx_upper_state() -> None:
    """Clear the calling thread's upper AVX register halves before OpenColorIO's (legacy SSE) CPU code runs.

    OpenImageIO's EXR decoding leaves them dirty on x86 with AVX-512; every SSE instruction on that thread (and on
    threads started from it, which inherit the registers) then runs several times slower: an OCIO conversion of a
    1080p frame took 1.3 s of CPU instead of 0.13 s after an EXR read. numpy's AVX kernels end with ``vzeroupper``,
    so one short reduction clears them (a no-op where the CPU has no AVX).
    """
    _AVX_KERNEL_PROBE.min()


def quantise8(srgb: np.ndarray) -> np.ndarray:
    """0-1 float32 display values -> uint8 codes (clipped, times 255, rounded half to even); ``srgb`` is overwritten
    (in place: a fresh frame-sized array per step cost more than the arithmetic, ~10 -> 3 ms a 1080p frame)."""
    np.clip(srgb, 0.0, 1.0, out=srgb)
    srgb *= np.float32(255.0)
    return np.rint(srgb, out=srgb).astype(np.uint8)


def unit_scale(codes: np.ndarray) -> np.ndarray:
    """Integer code values -> float32 0-1 (times ``float32(1 / max code)``), as every integer decoder scales them."""
    scaled = codes.astype(np.float32)
    scaled *= np.float32(1.0 / np.iinfo(codes.dtype).max)
    return scaled


def _apply_float(proc: ocio.CPUProcessor, rgb: np.ndarray) -> None:
    """Run a float processor in place on C-contiguous ``(h, w, 3) float32``: through a packed image description, the
    same values as ``applyRGB`` at ~60% of its cost (``applyRGB`` goes through a copy of the buffer)."""
    height, width = rgb.shape[:2]
    proc.apply(ocio.PackedImageDesc(rgb, width, height, 3))


def _apply_codes(proc: ocio.CPUProcessor, codes: np.ndarray, out: np.ndarray) -> None:
    """Run an integer-input processor on C-contiguous ``(h, w, 3)`` codes into ``(h, w, 3) float32``."""
    height, width = codes.shape[:2]
    size = codes.dtype.itemsize
    proc.apply(ocio.PackedImageDesc(codes, width, height, ocio.CHANNEL_ORDERING_RGB, _CODE_DEPTHS[codes.dtype], size,
                                    3 * size, 3 * size * width),
               ocio.PackedImageDesc(out, width, height, 3))
