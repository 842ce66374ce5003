"""OpenEXR face plates: one EXR per frame, display window = frame, data window = face box (atomic writes)."""

from __future__ import annotations

from dataclasses import replace as dataclass_replace
from pathlib import Path

import numpy as np
import OpenImageIO as oiio

from ned_core.exceptions import FacePlateFormatError, PlateInspectError, PlateWriteError
from ned_core.io.atomic import atomic_path, no_space_note
from ned_core.io.exr_compression import compression_label, parse_compression
from ned_core.io.exr_inspect import inspect_plate, open_exr, written_compression
from ned_core.io.exr_metadata import PlateMetadata, apply_metadata, fps_fraction, read_metadata
from ned_core.io.exr_plate import (
    FacePlate,
    PlateWriteConfig,
    check_plate,
    empty_plate,
    face_data_window,
    channel_formats,
    pack_channels,
    pad_to_display,
    unpack_channels,
)
from ned_core.io.stmap import STMAP_NOTE, identity_stmap

__all__ = ["FacePlate", "PlateMetadata", "PlateWriteConfig", "empty_plate", "face_data_window", "fps_fraction",
           "inspect_plate", "read_face_plate", "write_face_plate", "write_frame_exr"]


def write_face_plate(path: Path | str, plate: FacePlate, meta: PlateMetadata,
                     config: PlateWriteConfig = PlateWriteConfig()) -> Path:
    """Write one frame's plate as EXR, atomically: the final path holds the old file or the complete new one.

    Channels are written ``R, G, B, A`` (premultiplied), ``facemask.A``, then the extra layers by name, all
    half. OpenEXR stores channels sorted by name and OpenImageIO lists ``R, G, B, A`` first and then the
    layers by name (``debug.*`` before ``facemask.A``), so readers must find channels by name.

    Args:
        path: Destination ``.exr`` file (parent folders are created).
        plate: The plate; arrays cover ``plate.data_window`` (see :class:`FacePlate` for shapes).
        meta: Metadata to record (frame rate, timecode, owner, capDate, ``ned/`` params).
        config: Compression, full-frame padding, debug layers, the STMap layer (identity when the plate has
            no map of its own, e.g. a frame without a face).

    Returns:
        ``path`` as a :class:`Path`.

    Raises:
        ShapeError: The arrays do not match the data window, or the window leaves the display window.
        PlateWriteError: Bad values, a non-``.exr`` path, or OpenImageIO/the filesystem failed; ``path`` is
            then untouched (absent, or the previous complete file) and no temporary file is left.
    """
    path = Path(path)
    if path.suffix.lower() != ".exr":
        raise PlateWriteError(f"{path}: face plates are written as .exr, got suffix {path.suffix!r}")
    check_plate(plate)
    if config.stmap and plate.stmap is None:  # a frame without a face (or a renderer without a map): identity
        plate = dataclass_replace(plate, stmap=identity_stmap(plate.data_window, plate.display_size))
    if config.full_frame:
        plate = pad_to_display(plate)
    names, pixels = pack_channels(plate, config.write_debug_layers)
    if plate.stmap is not None:
        meta = dataclass_replace(meta, params={**meta.params, "stmap": STMAP_NOTE})
    _write_atomic(path, plate.frame, plate.data_window, plate.display_size, names, pixels, meta, config.compression)
    return path


def write_frame_exr(path: Path | str, frame: int, rgb: np.ndarray, alpha: np.ndarray | None, meta: PlateMetadata,
                    compression: str = "zip") -> Path:
    """Write a full frame (e.g. a composite) as a plain RGB(A) half EXR, atomically, with plate metadata.

    Args:
        path: destination ``.exr``.
        frame: frame number (recorded as ``ned/frame``).
        rgb: ``(H, W, 3) float32`` working-space colour (premultiplied when ``alpha`` is given).
        alpha: ``(H, W) float32`` or None.
        meta: metadata to record.
        compression: as :class:`PlateWriteConfig.compression`.
    """
    path = Path(path)
    if path.suffix.lower() != ".exr":
        raise PlateWriteError(f"{path}: frames are written as .exr, got suffix {path.suffix!r}")
    h, w = rgb.shape[:2]
    names = ("R", "G", "B") if alpha is None else ("R", "G", "B", "A")
    pixels = rgb if alpha is None else np.dstack([rgb, alpha])
    _write_atomic(path, frame, (0, 0, w, h), (w, h), names, np.ascontiguousarray(pixels, np.float32), meta,
                  compression)
    return path


def _write_atomic(path: Path, frame: int, window: tuple[int, int, int, int], display_size: tuple[int, int],
                  names: tuple[str, ...], pixels: np.ndarray, meta: PlateMetadata, compression: str) -> None:
    """Write ``pixels`` over ``window``; check the compression on disk; never leave a partial file."""
    method, level = parse_compression(compression)
    spec = _spec(window, display_size, names, compression_label(method, level))
    apply_metadata(spec, meta, frame)
    where = f"{path} (frame {frame})"
    try:
        with atomic_path(path) as tmp:
            _write_pixels(tmp, spec, pixels, where)
            got = written_compression(tmp)
            if got != (method, level):
                raise PlateWriteError(f"{where}: asked for compression {compression_label(method, level)}, "
                                      f"OpenImageIO wrote {compression_label(*got)}")
    except OSError as e:
        raise PlateWriteError(f"{where}: cannot write: {e}{no_space_note(path.parent, e)}") from e
    except (PlateWriteError, PlateInspectError) as e:  # a full disk often shows only as a short or unreadable file
        note = no_space_note(path.parent)
        if note:
            raise PlateWriteError(f"{where}: cannot write{note}") from e
        if isinstance(e, PlateInspectError):
            raise PlateWriteError(f"{where}: the written file does not read back as EXR: {e}") from e
        raise


def _spec(window: tuple[int, int, int, int], display_size: tuple[int, int], names: tuple[str, ...],
          compression: str) -> oiio.ImageSpec:
    x0, y0, x1, y1 = (int(v) for v in window)
    spec = oiio.ImageSpec(x1 - x0, y1 - y0, len(names), "half")
    formats = channel_formats(names)
    if formats is not None:
        spec.channelformats = tuple(oiio.TypeDesc(f) for f in formats)
    spec.x, spec.y = x0, y0
    spec.full_x = spec.full_y = 0
    spec.full_width, spec.full_height = (int(v) for v in display_size)
    spec.channelnames = names
    spec.alpha_channel = 3 if "A" in names else -1
    spec.attribute("compression", compression)
    return spec


def _write_pixels(tmp: Path, spec: oiio.ImageSpec, pixels: np.ndarray, where: str) -> None:
    out = oiio.ImageOutput.create(str(tmp))
    if out is None:
        raise PlateWriteError(f"{where}: OpenImageIO has no EXR writer: {oiio.geterror()}")
    if not out.open(str(tmp), spec):
        raise PlateWriteError(f"{where}: cannot open for writing: {out.geterror()}")
    written = out.write_image(pixels)
    error = out.geterror()
    closed = out.close()
    if not (written and closed):
        raise PlateWriteError(f"{where}: write failed: {error or out.geterror() or 'unknown OpenImageIO error'}")


def read_face_plate(path: Path | str) -> tuple[FacePlate, PlateMetadata]:
    """Read a plate written by :func:`write_face_plate` (extra layers included, whatever the config was).

    Returns:
        The plate (``rgba (h, w, 4) float32``, ``mask (h, w) float32``, extras as written) and its metadata.

    Raises:
        PlateInspectError: The file is missing or not a readable EXR.
        FacePlateFormatError: It is an EXR but lacks the face-plate channels or metadata.
    """
    source = str(path)
    with open_exr(source) as inp:
        spec = inp.spec()
        pixels = inp.read_image(0, 0, 0, spec.nchannels, "float")
        if pixels is None:
            raise PlateInspectError(f"{source}: cannot read pixels: {inp.geterror()}")
    if (spec.full_x, spec.full_y) != (0, 0):
        raise FacePlateFormatError(f"{source}: display window starts at ({spec.full_x}, {spec.full_y}), "
                                   "face plates start at (0, 0)")
    rgba, mask, extra, faces, stmap = unpack_channels(tuple(spec.channelnames), np.asarray(pixels, np.float32),
                                                      source)
    meta, frame = read_metadata(spec, source)
    window = (spec.x, spec.y, spec.x + spec.width, spec.y + spec.height)
    return FacePlate(frame, (spec.full_width, spec.full_height), window, rgba, mask, extra, faces, stmap), meta
