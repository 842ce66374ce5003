"""Describe EXR plates from their headers alone (windows, channels, compression, metadata) and find them on disk."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import fileseq
import numpy as np
import OpenImageIO as oiio

from ned_core.exceptions import PlateInspectError, PlateMetadataError
from ned_core.io.exr_compression import DWA, compression_label
from ned_core.io.exr_metadata import OIIO_NAMES
from ned_core.io.exr_timecode import unpack_timecode

_EXR_NAMES = {oiio_name: exr_name for exr_name, oiio_name in OIIO_NAMES.items()}
_DWA_LEVEL = "openexr:dwaCompressionLevel"
_REPORTED_ELSEWHERE = {"compression", _DWA_LEVEL}  # plus OpenImageIO's own "oiio:" hints (not in the file)


@dataclass(frozen=True)
class PlateFile:
    """One file found by :func:`find_plate_files`: its sequence (fileseq form), frame number, path."""

    sequence: str
    frame: int | None
    path: Path


@contextlib.contextmanager
def open_exr(path: Path | str) -> Iterator[oiio.ImageInput]:
    """An open OpenImageIO reader for an OpenEXR file, closed on exit.

    Raises:
        PlateInspectError: Missing file, unreadable or corrupt image, or an image that is not OpenEXR.
    """
    source = str(path)
    if not Path(source).is_file():
        raise PlateInspectError(f"{source}: no such file")
    inp = oiio.ImageInput.open(source)
    if inp is None:
        message = " ".join((oiio.geterror() or "unknown error").split())
        raise PlateInspectError(f"{source}: cannot read as EXR: {message}")
    try:
        if inp.format_name() != "openexr":
            raise PlateInspectError(f"{source}: is {inp.format_name()}, not OpenEXR")
        yield inp
    finally:
        inp.close()


def _open_spec(path: Path | str, verify_pixels: bool = False) -> tuple[oiio.ImageSpec, int]:
    """Header of ``path``: (spec of part 0, number of parts); optionally decode part 0's pixels too."""
    with open_exr(path) as inp:
        spec = inp.spec()
        if verify_pixels and inp.read_image(0, 0, 0, spec.nchannels, "half") is None:
            raise PlateInspectError(f"{path}: pixel data is damaged: {' '.join(inp.geterror().split())}")
        return spec, spec.get_int_attribute("oiio:subimages", 1)


def _compression(spec: oiio.ImageSpec) -> tuple[str, int | None]:
    name = spec.get_string_attribute("compression", "none")
    level = spec.getattribute(_DWA_LEVEL)
    return name, (int(level) if name in DWA and level is not None else None)


def _plain(attr) -> object:
    """A JSON-friendly value for one header attribute."""
    if attr.type == oiio.TypeRational:
        num, den = attr.value
        return f"{num}/{den}"
    if attr.type == oiio.TypeTimeCode:
        try:
            return str(unpack_timecode(int(attr.value[0])))
        except PlateMetadataError:
            return f"0x{int(attr.value[0]):08x} (not BCD)"
    if str(attr.type) == "float":
        return float(str(np.float32(attr.value)))
    if isinstance(attr.value, tuple):
        return list(attr.value)
    return attr.value


def _window(x: int, y: int, width: int, height: int) -> dict:
    return {"x": x, "y": y, "width": width, "height": height}


def inspect_plate(path: Path | str, verify_pixels: bool = False) -> dict:
    """Everything the header of one EXR says, as JSON-ready data.

    Args:
        path: The EXR file.
        verify_pixels: Also decode every pixel (catches truncated or corrupt data; a header-only
            inspection does not read past the header).

    Returns:
        ``{"path", "parts", "display_window", "data_window", "full_frame", "channels", "alpha_channel",
        "compression", "metadata", "pixels_verified"}``. Windows are ``{"x", "y", "width", "height"}`` (origin + size);
        channels ``[{"name", "type"}]`` in the order OpenImageIO lists them; compression like ``"dwaa:45"``;
        metadata keyed by EXR names for the standard attributes (``owner``, ``comments``, ``capDate``,
        ``timeCode``, ``framesPerSecond`` as ``"24000/1001"``) and as stored for the rest (``ned/...``).

    Raises:
        PlateInspectError: Missing file, not an image, not OpenEXR, or (``verify_pixels``) damaged pixel data.
    """
    spec, parts = _open_spec(path, verify_pixels)
    formats = list(spec.channelformats) or [spec.format] * spec.nchannels
    display = _window(spec.full_x, spec.full_y, spec.full_width, spec.full_height)
    data = _window(spec.x, spec.y, spec.width, spec.height)
    metadata = {_EXR_NAMES.get(a.name, a.name): _plain(a) for a in spec.extra_attribs
                if a.name not in _REPORTED_ELSEWHERE and not a.name.startswith("oiio:")}
    return {
        "path": str(path),
        "parts": parts,
        "display_window": display,
        "data_window": data,
        "full_frame": display == data,
        "channels": [{"name": n, "type": str(t)} for n, t in zip(spec.channelnames, formats, strict=True)],
        "alpha_channel": spec.alpha_channel,
        "compression": compression_label(*_compression(spec)),
        "metadata": dict(sorted(metadata.items())),
        "pixels_verified": verify_pixels,
    }


def find_plate_files(target: Path | str) -> list[PlateFile]:
    """Files named by ``target``: one file, every EXR in a folder, or a sequence pattern.

    Patterns are those fileseq understands (``plate.####.exr``, ``plate.%04d.exr``, ``plate.@@@@.exr``,
    ``plate.1001-1100#.exr``); files come sequence by sequence, frames in order (``frame`` is ``None`` when
    a name has no number).

    Raises:
        PlateInspectError: Nothing matches.
    """
    target = Path(target)
    if target.is_file():
        seqs = [fileseq.FileSequence(str(target))]
    elif target.is_dir():
        seqs = [s for s in fileseq.findSequencesOnDisk(str(target)) if s.extension().lower() == ".exr"]
    else:
        try:
            seqs = [fileseq.findSequenceOnDisk(str(target))]
        except ValueError as e:  # fileseq.FileSeqException is one
            raise PlateInspectError(f"{target}: no such file, folder or frame sequence") from e
    files = []
    for seq in seqs:
        frames = list(seq.frameSet()) if seq.frameSet() else [None]
        files += [PlateFile(str(seq), frame, Path(p)) for frame, p in zip(frames, seq, strict=True)]
    if not files:
        raise PlateInspectError(f"{target}: contains no .exr files")
    return files
