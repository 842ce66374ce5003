"""OpenEXR face plates: one EXR per frame, display window = frame, data window = face box (atomic writes; written
by :mod:`ned_core.io.exr_write`, read by OpenImageIO)."""

from __future__ import annotations

from dataclasses import replace as dataclass_replace
from pathlib import Path

import cv2
import numpy as np
import OpenImageIO as oiio

from ned_core.exceptions import FacePlateFormatError, PlateInspectError, PlateWriteError
from ned_core.io.atomic import StagedFile, no_space_note
from ned_core.io.exr_compression import parse_compression
from ned_core.io.exr_inspect import inspect_plate, open_exr
from ned_core.io.exr_metadata import PlateMetadata, fps_fraction, metadata_header, read_metadata
from ned_core.io.exr_plate import (
    FacePlate,
    PlateWriteConfig,
    check_plate,
    empty_plate,
    face_data_window,
    half_plane,
    pack_channels,
    pad_to_display,
    trim_to_content,
    unpack_channels,
)
from ned_core.io.exr_write import compression_header, window_header, write_exr
from ned_core.io.stmap import STMAP_NOTE, identity_stmap

__all__ = ["FacePlate", "PlateMetadata", "PlateWriteConfig", "empty_plate", "face_data_window", "fps_fraction",
           "inspect_plate", "plate_as_written", "publish", "read_face_plate", "stage_face_plate", "stage_frame_exr",
           "write_face_plate", "write_frame_exr"]


def write_face_plate(path: Path | str, plate: FacePlate, meta: PlateMetadata,
                     config: PlateWriteConfig = PlateWriteConfig()) -> Path:
    """Write one frame's plate as EXR, atomically: the final path holds the old file or the complete new one.

    Channels are written ``R, G, B, A`` (premultiplied), ``facemask.A``, then the extra layers by name, all
    half. OpenEXR stores channels sorted by name and OpenImageIO lists ``R, G, B, A`` first and then the
    layers by name (``debug.*`` before ``facemask.A``), so readers must find channels by name. The data window
    is the plate's, trimmed to what it holds (see :func:`plate_as_written`).

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
        PlateWriteError: Bad values, a non-``.exr`` path, or OpenEXR/the filesystem failed; ``path`` is
            then untouched (absent, or the previous complete file) and no temporary file is left.
    """
    staged = stage_face_plate(path, plate, meta, config)
    return publish(staged, plate.frame)


def stage_face_plate(path: Path | str, plate: FacePlate, meta: PlateMetadata,
                     config: PlateWriteConfig = PlateWriteConfig(), as_written: bool = False) -> StagedFile:
    """:func:`write_face_plate` up to, not including, putting the file at ``path``: the complete, checked plate
    waits under a temporary name until the caller publishes it (``.publish()``, e.g. on the thread that reports
    finished plates) or discards it (``.discard()``). Same arguments and errors as :func:`write_face_plate`
    (nothing is left behind when it raises); ``as_written``: ``plate`` is already what :func:`plate_as_written`
    returns for ``config`` (it is not checked and trimmed again)."""
    path = Path(path)
    if path.suffix.lower() != ".exr":
        raise PlateWriteError(f"{path}: face plates are written as .exr, got suffix {path.suffix!r}")
    if not as_written:
        plate = plate_as_written(plate, config)
    planes = pack_channels(plate, config.write_debug_layers)
    if plate.stmap is not None:
        meta = dataclass_replace(meta, params={**meta.params, "stmap": STMAP_NOTE})
    return _stage(path, plate.frame, plate.data_window, plate.display_size, planes, meta, config.compression)


def plate_as_written(plate: FacePlate, config: PlateWriteConfig = PlateWriteConfig()) -> FacePlate:
    """The plate :func:`write_face_plate` writes: checked, with an identity STMap when asked and the plate has
    none (e.g. a frame without a face), padded to the display window with ``full_frame``, otherwise its data
    window trimmed to the samples that are not zero (on the DWA 8x8 block grid of its own window, so the kept
    pixels decode exactly as the untrimmed plate's would; see :func:`trim_to_content`).

    Raises:
        ShapeError, PlateWriteError: as :func:`write_face_plate`.
    """
    check_plate(plate)
    if config.stmap and plate.stmap is None:
        plate = dataclass_replace(plate, stmap=identity_stmap(plate.data_window, plate.display_size))
    if config.full_frame:
        return pad_to_display(plate)
    return trim_to_content(plate, config.write_debug_layers)


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
    return publish(stage_frame_exr(path, frame, rgb, alpha, meta, compression), frame)


def stage_frame_exr(path: Path | str, frame: int, rgb: np.ndarray, alpha: np.ndarray | None, meta: PlateMetadata,
                    compression: str = "zip") -> StagedFile:
    """:func:`write_frame_exr` up to, not including, putting the file at ``path`` (see :func:`stage_face_plate`)."""
    path = Path(path)
    if path.suffix.lower() != ".exr":
        raise PlateWriteError(f"{path}: frames are written as .exr, got suffix {path.suffix!r}")
    h, w = rgb.shape[:2]
    planes = dict(zip("RGB", (half_plane(plane) for plane in cv2.split(np.asarray(rgb, np.float32))), strict=True))
    if alpha is not None:
        planes["A"] = half_plane(alpha)
    return _stage(path, frame, (0, 0, w, h), (w, h), planes, meta, compression)


def _stage(path: Path, frame: int, window: tuple[int, int, int, int], display_size: tuple[int, int],
           planes: dict[str, np.ndarray], meta: PlateMetadata, compression: str) -> StagedFile:
    """Write ``planes`` (see :func:`ned_core.io.exr_write.write_exr`) over ``window`` to a temporary file next to
    ``path``, fsynced; on failure nothing is left."""
    header = {**window_header(window, display_size), **compression_header(*parse_compression(compression)),
              **metadata_header(meta, frame)}
    where = f"{path} (frame {frame})"
    staged = None
    try:
        staged = StagedFile(path)
        write_exr(staged.path, header, planes, where)
        staged.sync()  # on this (writer) thread: publishing on the reporting thread is then only a rename
        return staged
    except BaseException as e:
        if staged is not None:
            staged.discard()
        error = _write_error(path, where, e)
        if error is e:
            raise
        raise error from e


def publish(staged: StagedFile, frame: int) -> Path:
    """Put a staged plate (or frame) at its final path (see :func:`stage_face_plate`).

    Raises:
        PlateWriteError: the rename failed (the temporary file is removed, the final path untouched).
    """
    try:
        return staged.publish()
    except BaseException as e:
        error = _write_error(staged.final, f"{staged.final} (frame {frame})", e)
        if error is e:
            raise
        raise error from e


def _write_error(path: Path, where: str, e: BaseException) -> BaseException:
    """The error to raise for a failed write: a full disk named as such (it often shows only as a short or
    unreadable file), an OS error as a PlateWriteError; anything else as it was."""
    if isinstance(e, OSError):
        return PlateWriteError(f"{where}: cannot write: {e}{no_space_note(path.parent, e)}")
    if isinstance(e, PlateWriteError | PlateInspectError):
        note = no_space_note(path.parent)
        if note:
            return PlateWriteError(f"{where}: cannot write{note}")
        if isinstance(e, PlateInspectError):
            return PlateWriteError(f"{where}: the written file does not read back as EXR: {e}")
    return e


def no_exr_thread_pool() -> None:
    """Turn off the thread pool of OpenImageIO's OpenEXR for this process (``exr_threads`` = -1), before a plate
    is read back.

    Plates are read back (for composites and previews) on the writer threads while other threads render, so the
    pool only adds hand-over costs (it cost a 1080p DWAA:45 plate's write about 30 % more CPU when OpenImageIO
    wrote them, ``bench_io.py``). The setting is process-wide, so other EXR reads run without the pool too; the
    plates' own writer (:mod:`ned_core.io.exr_write`, another OpenEXR build) runs without one on every file.
    """
    if oiio.get_int_attribute("exr_threads") != -1:
        oiio.attribute("exr_threads", -1)


def read_face_plate(path: Path | str) -> tuple[FacePlate, PlateMetadata]:
    """Read a plate written by :func:`write_face_plate` (extra layers included, whatever the config was).

    Returns:
        The plate (``rgba (h, w, 4) float32``, ``mask (h, w) float32``, extras as written) and its metadata.

    Raises:
        PlateInspectError: The file is missing or not a readable EXR.
        FacePlateFormatError: It is an EXR but lacks the face-plate channels or metadata.
    """
    source = str(path)
    no_exr_thread_pool()
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
