"""Face-plate metadata: standard EXR attributes plus namespaced ``ned/...`` parameters, to and from a spec."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

import numpy as np
import OpenEXR
import OpenImageIO as oiio

from ned_core.exceptions import FacePlateFormatError, PlateMetadataError
from ned_core.io.exr_timecode import parse_timecode, unpack_timecode

NAMESPACE = "ned/"
FRAME_KEY = "frame"  # written as ``ned/frame`` from FacePlate.frame; reserved, not a param
CAP_DATE_FORMAT = "%Y:%m:%d %H:%M:%S"
_INT32 = (-(2**31), 2**31 - 1)
_KEY = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]|/(?!/))*(?<!/)$")
# OpenImageIO's names for the standard EXR attributes (it renames them when it reads).
OIIO_NAMES = {"owner": "Copyright", "comments": "ImageDescription", "capDate": "DateTime",
              "timeCode": "smpte:TimeCode", "framesPerSecond": "framesPerSecond"}
ParamValue = str | int | float


def fps_fraction(value: float | int | str | Fraction) -> Fraction:
    """Exact rate for a user-typed one: ``23.976``/``23.98`` -> ``24000/1001``, ``"25"`` -> ``25``.

    A non-integer within 0.005 of an NTSC rate (N*1000/1001) snaps to it; others keep denominators <= 1001.
    """
    try:
        rate = Fraction(value)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError) as e:
        raise PlateMetadataError(f"frame rate must be a number like 24, 25 or 23.976, got {value!r}") from e
    if not rate > 0:
        raise PlateMetadataError(f"frame rate must be positive, got {value!r}")
    ntsc = round(rate * Fraction(1001, 1000))
    if rate.denominator != 1 and abs(rate - Fraction(ntsc * 1000, 1001)) < Fraction(1, 200):
        return Fraction(ntsc * 1000, 1001)
    return rate.limit_denominator(1001)


@dataclass(frozen=True)
class PlateMetadata:
    """What a plate records about how it was made. Validated on construction.

    Attributes:
        fps: Exact frame rate, a ``Fraction`` or ``int`` (``Fraction(24000, 1001)``; see :func:`fps_fraction`),
            written as the rational ``framesPerSecond``.
        timecode: SMPTE label of this frame, ``"HH:MM:SS:FF"`` (``;FF`` = 29.97 drop-frame), or ``None``.
        owner: Written as ``owner``; empty = not written.
        comments: Written as ``comments``; empty = not written.
        cap_date: ``"YYYY:MM:DD HH:MM:SS"`` written as ``capDate``. Give a value derived from the job (e.g.
            its submission time or the source's capture date) so re-renders are byte-reproducible;
            ``None`` writes no ``capDate`` at all (never "now").
        params: Every parameter that made the plate, written as ``ned/<key>``: emotion, intensity, seed,
            model names and checksums, source path and frame, software version, licence notes
            (``noncommercial_models``). Keys: letters, digits, ``_ . - /``. Values: ``str``, ``int``
            (32-bit), or finite ``float`` (stored as 32-bit; read back as the shortest decimal of that
            float32, so typed values like 0.7 round-trip exactly). ``frame`` is reserved.
    """

    fps: Fraction
    timecode: str | None = None
    owner: str = ""
    comments: str = ""
    cap_date: str | None = None
    params: Mapping[str, ParamValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.fps, bool) or not isinstance(self.fps, Fraction | int) or self.fps <= 0:
            raise PlateMetadataError(f"fps must be a positive Fraction or int (use fps_fraction(23.976)), "
                                     f"got {self.fps!r}")
        if Fraction(self.fps).denominator > _INT32[1] or Fraction(self.fps).numerator > _INT32[1]:
            raise PlateMetadataError(f"fps {self.fps} does not fit a 32-bit rational")
        if self.timecode is not None:
            parse_timecode(self.timecode, Fraction(self.fps))
        for name in ("owner", "comments"):
            if not isinstance(getattr(self, name), str) or "\0" in getattr(self, name):
                raise PlateMetadataError(f"{name} must be a string without NUL characters")
        if self.cap_date is not None:
            try:
                datetime.strptime(self.cap_date, CAP_DATE_FORMAT)
            except (TypeError, ValueError) as e:
                raise PlateMetadataError(f"cap_date must be 'YYYY:MM:DD HH:MM:SS', got {self.cap_date!r}") from e
        for key, value in self.params.items():
            _check_param(key, value)


def _check_param(key: str, value: ParamValue) -> None:
    if not isinstance(key, str) or not _KEY.match(key):
        raise PlateMetadataError(f"param key {key!r} must be letters, digits, '_', '.', '-' or single '/' "
                                 "(written as 'ned/<key>')")
    if key == FRAME_KEY:
        raise PlateMetadataError(f"param key {key!r} is reserved: the writer records FacePlate.frame there")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PlateMetadataError(f"param {key!r} must be str, int or float, got {type(value).__name__}")
    if isinstance(value, int) and not _INT32[0] <= value <= _INT32[1]:
        raise PlateMetadataError(f"param {key!r} = {value} does not fit a 32-bit EXR int; pass it as str")
    if isinstance(value, float) and not math.isfinite(value):
        raise PlateMetadataError(f"param {key!r} must be finite, got {value}")
    if isinstance(value, str) and "\0" in value:
        raise PlateMetadataError(f"param {key!r} contains a NUL character")


def metadata_header(meta: PlateMetadata, frame: int) -> dict[str, object]:
    """``meta`` (and ``ned/frame``) as EXR header attributes by their EXR names, for
    :func:`ned_core.io.exr_write.write_exr`: ``framesPerSecond`` (rational), ``timeCode`` (no user bits or flags
    but drop-frame), ``capDate``, ``owner``, ``comments`` only when given, ``ned/<key>`` as string, 32-bit int or
    32-bit float."""
    fps = Fraction(meta.fps)
    header: dict[str, object] = {"framesPerSecond": fps, NAMESPACE + FRAME_KEY: int(frame)}
    if meta.timecode is not None:
        code = parse_timecode(meta.timecode, fps)
        header["timeCode"] = OpenEXR.TimeCode(code.hours, code.minutes, code.seconds, code.frames,
                                              int(code.drop_frame), *[0] * 13)
    for name, value in (("capDate", meta.cap_date), ("owner", meta.owner), ("comments", meta.comments)):
        if value:
            header[name] = value
    for key, value in meta.params.items():
        header[NAMESPACE + key] = value
    return header


def read_metadata(spec: oiio.ImageSpec, source: str) -> tuple[PlateMetadata, int]:
    """Metadata and frame number from a plate's spec; ``source`` names the file in errors."""
    rational = spec.getattribute("framesPerSecond")
    frame = spec.getattribute(NAMESPACE + FRAME_KEY)
    if not isinstance(rational, tuple) or len(rational) != 2 or rational[1] == 0:
        raise FacePlateFormatError(f"{source}: no rational framesPerSecond attribute; not a NED face plate")
    if not isinstance(frame, int):
        raise FacePlateFormatError(f"{source}: no int {NAMESPACE}{FRAME_KEY} attribute; not a NED face plate")
    fps = Fraction(*rational)
    word = spec.getattribute(OIIO_NAMES["timeCode"])
    params = {}
    for attr in spec.extra_attribs:
        key = attr.name[len(NAMESPACE):]
        if attr.name.startswith(NAMESPACE) and key != FRAME_KEY:
            params[key] = _param_value(attr.value, f"{source}: {attr.name}")
    try:
        meta = PlateMetadata(
            fps=fps,
            timecode=None if word is None else str(unpack_timecode(int(word[0]))),
            owner=spec.get_string_attribute(OIIO_NAMES["owner"]),
            comments=spec.get_string_attribute(OIIO_NAMES["comments"]),
            cap_date=spec.get_string_attribute(OIIO_NAMES["capDate"]) or None,
            params=params,
        )
    except PlateMetadataError as e:
        raise FacePlateFormatError(f"{source}: invalid plate metadata: {e}") from e
    return meta, frame


def _param_value(value, where: str) -> ParamValue:
    if isinstance(value, float):
        return float(str(np.float32(value)))  # shortest decimal of the stored float32
    if isinstance(value, str | int):
        return value
    raise FacePlateFormatError(f"{where} has type {type(value).__name__}; expected str, int or float")
