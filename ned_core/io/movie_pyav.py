"""Movie decoding with PyAV (FFmpeg): lazy, sequential where possible, frame-accurate seeks otherwise."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace, Interpolation, VideoReformatter

from ned_core.exceptions import (
    EmptyFileError, FrameReadError, NoVideoStreamError, UnknownCodecError, UnsupportedFormatError,
)
from ned_core.io.colour import unit_scale
from ned_core.io.demuxers import open_movie_container
from ned_core.io.kept_frames import LatestFrames
from ned_core.io.movie_decoder import MovieProbe
from ned_core.io.movie_timing import FIELD_ORDERS, conform_map, nominal_rate
from ned_core.io.picture_crop import crop_box, cropped_picture
from ned_core.io.plate_source import RawFrame, check_size, union_box
from ned_core.io.yuv_window import (
    PLANAR_FORMATS, PlanarLayout, picture_codes, planes_around, shrunk_codes, window_codes,
)

#: Decode forward instead of seeking when the wanted frame is at most this many frames ahead.
FORWARD_DECODE_LIMIT = 48
#: Bytes of whole frames' RGB codes kept once converted, for the next reader of the same frames (a render reads the
#: frames its analysis read): the latest frames read whole are kept until the movie is closed, up to this much
#: (41 8-bit frames at 1080p, 10 at UHD; half as many 10-bit ones; :class:`~ned_core.io.kept_frames.LatestFrames`
#: says why the latest), so those are converted once; windows of them are cut from them (deeper than 8 bits: those
#: larger than :data:`WINDOW_SHARE`).
KEEP_CONVERTED_BYTES = 256 << 20
#: Bytes of decoded planar YUV pictures (half the size of their RGB codes at 4:2:0) kept the same way for reads of
#: windows whose frame's codes are not kept, which are converted from them: the latest 20 10-bit 4:2:0 frames at
#: 1080p, 10 8-bit ones at UHD (read shrunk by its analysis: the 10 frames whose whole codes it kept before, at half
#: the bytes); 8-bit pictures read whole keep their codes instead (see ``PyAVDecoder._keep``).
KEEP_DECODED_BYTES = 128 << 20
#: Bytes of the planned windows' planes (:meth:`PyAVDecoder.expect_windows`) kept as a pass decodes their frames, the
#: latest ones (see :class:`~ned_core.io.kept_frames.LatestFrames`): a render's set-up decodes the movie once more
#: (its mouth patches) and keeps its frame loop's face windows, which the loop then converts without decoding their
#: frames a third time (~16 ms of CPU a UHD H.264 frame). ~60 UHD close-up windows (8-bit 4:2:0, ~4 MB each).
KEEP_WINDOW_BYTES = 256 << 20
#: Boxes of deeper-than-8-bit pictures up to this share of the frame's area are converted from their own planes
#: (``yuv_window.window_codes``); a larger one is cut from the whole frame converted by swscale (a pixel 5x faster).
#: 8-bit pictures' boxes of any size are the whole picture's OpenCV codes (:func:`_opencv_converts`).
WINDOW_SHARE = 0.2
#: swscale threads per whole-picture conversion (pictures OpenCV does not convert): two halves cost the CPU of one
#: thread and halve its wall time, so the analysis' reader (decode + conversion) stays ahead of the analysis thread;
#: more slices only add overhead on 2 cores
_SLICE_THREADS = 2
_UNSPECIFIED_COLORSPACE = 2  # AVCOL_SPC_UNSPECIFIED
_SCALE_FLAGS = Interpolation.BICUBIC | Interpolation.ACCURATE_RND | Interpolation.FULL_CHR_H_INT


def _timecode_tag(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> str | None:
    """The ``timecode`` tag: on the video stream, a ``tmcd`` data stream, or the container."""
    for tags in [stream.metadata, *(s.metadata for s in container.streams), container.metadata]:
        if tags.get("timecode"):
            return tags["timecode"]
    return None


@dataclass(frozen=True)
class _Lost:
    """A frame whose packet could not be decoded (damaged); the frame before it is shown in its place."""

    time_s: float


def _pictures(container: av.container.InputContainer,
              stream: av.video.stream.VideoStream) -> Iterator[av.VideoFrame | _Lost]:
    """The stream's frames in presentation order, decoded packet by packet; a damaged packet becomes a ``_Lost``.

    A lost frame is placed by its packet's timestamp: before the first decoded frame that comes after it.
    """
    lost: list[tuple[int, float]] = []  # (timestamp, seconds) of damaged packets not yet placed
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.FFmpegError:
            stamp = packet.pts if packet.pts is not None else packet.dts
            seconds = float(stamp * packet.time_base) if stamp is not None and packet.time_base else float("nan")
            bisect.insort(lost, (stamp if stamp is not None else -1, seconds))
            continue
        for frame in frames:
            while lost and frame.pts is not None and lost[0][0] < frame.pts:
                yield _Lost(lost.pop(0)[1])
            yield frame
    for _, seconds in lost:
        yield _Lost(seconds)


def _packet_index(path: Path, index: int) -> tuple[int, list[int] | None]:
    """Frame count and sorted presentation timestamps of video stream ``index`` (demux only, no decoding).

    The timestamps are ``None`` when some packets carry none (then seeks restart from the first frame).
    """
    with open_movie_container(path) as container:
        pts = [p.pts for p in container.demux(container.streams.video[index]) if p.size and not p.is_discard]
    return len(pts), (None if any(p is None for p in pts) else sorted(pts))


def _matrix(frame: av.VideoFrame) -> tuple[int, bool]:
    """The AVColorSpace code of a picture's YUV matrix (untagged: BT.709 from 720 lines up, else BT.601) and
    whether it uses the full code range."""
    colorspace = frame.colorspace
    if colorspace == _UNSPECIFIED_COLORSPACE:
        colorspace = Colorspace.ITU709 if frame.height >= 720 else Colorspace.ITU601
    return int(colorspace), frame.color_range == ColorRange.JPEG or frame.format.name.startswith("yuvj")


@dataclass(frozen=True)
class _YuvPlanes:
    """A planar YUV picture's samples (views of the decoder's buffers, or copies kept for later) and how they are
    converted: what :func:`ned_core.io.yuv_window.window_codes` needs."""

    planes: tuple[np.ndarray, np.ndarray, np.ndarray]
    layout: PlanarLayout
    colorspace: int
    full_range: bool

    @classmethod
    def of(cls, picture: av.VideoFrame, layout: PlanarLayout) -> _YuvPlanes:
        colorspace, full = _matrix(picture)
        return cls(tuple(_plane_samples(plane, layout.bits) for plane in picture.planes[:3]), layout, colorspace, full)

    def window(self, box: tuple[int, int, int, int], dtype: type) -> np.ndarray:
        return window_codes(self.planes, self.layout, self.colorspace, self.full_range, box, dtype)

    def codes(self, box: tuple[int, int, int, int]) -> np.ndarray:
        """``box`` of an 8-bit picture converted as the whole picture is (:func:`_opencv_converts`), read-only."""
        codes = picture_codes(self.planes, self.layout, self.colorspace, self.full_range, box)
        codes.flags.writeable = False
        return codes


@dataclass(frozen=True)
class _KeptWindow:
    """A copy of the part of a picture's planes that converting ``box`` reads (:func:`planes_around`), placed at
    ``origin`` ``(x, y)``: any box inside ``box`` converts from it to the codes the whole picture gives."""

    box: tuple[int, int, int, int]
    origin: tuple[int, int]
    part: _YuvPlanes

    @classmethod
    def of(cls, planes: _YuvPlanes, box: tuple[int, int, int, int]) -> _KeptWindow:
        origin, part = planes_around(planes.planes, planes.layout, box)
        return cls(box, origin, replace(planes, planes=tuple(np.array(p) for p in part)))

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.part.planes)

    def holds(self, box: tuple[int, int, int, int]) -> bool:
        return self.box[0] <= box[0] and self.box[1] <= box[1] and box[2] <= self.box[2] and box[3] <= self.box[3]

    def codes(self, box: tuple[int, int, int, int], dtype: type) -> np.ndarray:
        """``box`` (inside :attr:`box`) converted as from the whole picture: 8-bit by OpenCV, deeper from the planes."""
        x, y = self.origin
        moved = (box[0] - x, box[1] - y, box[2] - x, box[3] - y)
        return self.part.codes(moved) if _opencv_converts(self.part.layout) else self.part.window(moved, dtype)


def _opencv_converts(layout: PlanarLayout) -> bool:
    """Whether pictures of ``layout`` are converted whole, and by windows of any size, by OpenCV
    (:func:`ned_core.io.yuv_window.picture_codes`, 8-bit samples, ~3x less CPU than swscale, a window's pixels the
    whole picture's) rather than swscale and ``yuv_window.window_codes`` (deeper samples: OpenCV resamples them in
    float, whose rounding may differ by a code between a window and the whole picture)."""
    return layout.bits <= 8


def _plane_samples(plane: av.video.plane.VideoPlane, bits: int) -> np.ndarray:
    """``(h, w)`` view of one plane's samples (uint8, or little-endian uint16 above 8 bits), line padding cut."""
    dtype = np.dtype(np.uint8 if bits <= 8 else "<u2")
    rows = np.frombuffer(plane, dtype)[: plane.height * (plane.line_size // dtype.itemsize)]
    return rows.reshape(plane.height, plane.line_size // dtype.itemsize)[:, : plane.width]


class PyAVDecoder:
    """Decodes one video stream with PyAV (see :class:`ned_core.io.movie_decoder.MovieDecoder`).

    Frame ``i`` is the ``i``-th frame in presentation order. Reads in increasing order keep decoding
    forward; other reads seek to the keyframe before the frame (timestamps from a packet index that is
    built, without decoding, on the first seek) and decode forward from there.

    YUV is converted with the matrix the stream is tagged with; untagged streams use BT.709 from 720
    lines up and BT.601 below, in limited range unless tagged full range.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_file() and path.stat().st_size == 0:
            raise EmptyFileError(f"{path}: the file is empty (0 bytes)")
        try:
            self._container = open_movie_container(path, metadata_errors="ignore")
        except av.error.FFmpegError as e:
            raise UnsupportedFormatError(f"{path}: FFmpeg cannot open the movie: {e}") from e
        streams = list(self._container.streams)
        if not self._container.streams.video:
            names = ", ".join(f"#{n} {s.type} {s.codec_context.name if s.codec_context else '(unknown codec)'}"
                              for n, s in enumerate(streams)) or "none"
            self._container.close()
            raise NoVideoStreamError(f"{path}: the file has no video stream (its streams: {names})")
        self._stream = self._container.streams.video[0]
        if self._stream.codec_context is None:
            number = next(n for n, s in enumerate(streams) if s is self._stream)
            self._container.close()
            raise UnknownCodecError(f"{path}: video stream #{number} uses a codec FFmpeg does not know; nothing "
                                    "can be decoded from it")
        self._stream.thread_type = "AUTO"
        self._pts: list[int] | None = None
        self._indexed = False  # self._pts holds the packet index (built on the first seek)
        self.probe = self._probe()
        self.decoded = 0
        self._frames: Iterator[av.VideoFrame | _Lost] | None = None
        self._held: av.VideoFrame | None = None  # the last good frame, shown in place of a lost one
        self.lost: dict[int, float] = {}  # frame index -> time (s) of frames whose packet was damaged
        self._repeat: tuple[int, av.VideoFrame | None] | None = None  # the last picture shown, by index
        # copies of pictures' YUV planes, made only for the last pictures (a copy costs ~1 ms at 1080p, ~2.6 ms at UHD)
        last = self._conform[-1] if self._conform else self.probe.count - 1
        self._kept: LatestFrames[_YuvPlanes] = LatestFrames(KEEP_DECODED_BYTES, last)
        self._kept_codes: LatestFrames[np.ndarray] = LatestFrames(KEEP_CONVERTED_BYTES)  # read-only (H, W, 3) codes
        self._planned: dict[int, tuple[int, int, int, int]] = {}  # picture index -> window a later read will ask for
        self._kept_windows: LatestFrames[_KeptWindow] = LatestFrames(KEEP_WINDOW_BYTES)
        #: the last picture converted whole and its read-only codes: a render that reads a frame whole (for a preview or
        #: a composite) and then its face window cuts the window from them, not from a second conversion
        self._converted: tuple[int, np.ndarray] | None = None
        self.converted = 0  # pictures converted whole
        #: one swscale context for every picture (see :meth:`_convert`)
        self._reformatter = VideoReformatter()
        self._window_reformatter = VideoReformatter()  # windows change size every frame: their own context
        self._next = 0  # index of the frame self._frames yields next
        self._fresh = True  # nothing decoded yet: the container is at the first frame

    def _probe(self) -> MovieProbe:
        stream, ctx = self._stream, self._stream.codec_context
        if ctx.pix_fmt is None or not ctx.width or not ctx.height:
            raise UnsupportedFormatError(f"{self.path}: FFmpeg cannot tell the video's pixel format or size")
        fmt = av.VideoFormat(ctx.pix_fmt)
        colour = [c for c in fmt.components if not c.is_alpha]
        alpha = len(colour) < len(fmt.components)
        grey = len(colour) == 1 and not fmt.has_palette
        self._deep = max(c.bits for c in colour) > 8
        self._out = ("rgba64le" if alpha else "rgb48le") if self._deep else ("rgba" if alpha else "rgb24")
        count = stream.frames
        if count <= 0:  # container without a frame count (mkv, webm): count the packets
            count, self._pts = _packet_index(self.path, stream.index)
            self._indexed = True
        if count <= 0:
            raise UnsupportedFormatError(f"{self.path}: the video stream has no frames")
        rate = stream.average_rate or stream.guessed_rate
        self._conform: list[int] | None = None  # frame number -> picture index (variable frame rate)
        if stream.average_rate and stream.base_rate and stream.average_rate != stream.base_rate:
            rate = nominal_rate(Fraction(stream.base_rate))  # the timestamps may vary: number frames by them
            self._conform = conform_map(self._pts_index() or [], Fraction(stream.time_base), rate)
            count = len(self._conform) if self._conform is not None else count
        return MovieProbe(width=ctx.width, height=ctx.height, count=count,
                          fps=Fraction(rate) if rate else None, timecode=_timecode_tag(self._container, stream),
                          pixel_type="uint16" if self._deep else "uint8", channels=(1 if grey else 3) + alpha,
                          field_order=FIELD_ORDERS.get(ctx.field_order) or self._first_picture_field_order(),
                          variable_rate=self._conform is not None)

    def _first_picture_field_order(self) -> str | None:
        """``"interlaced"`` when the stream does not state its field order but its first picture is interlaced
        (MPEG-4 Part 2 in AVI, for one; FFmpeg does not tell which field comes first then), else None.
        Decoded from a second handle, so the decoder's position is untouched."""
        try:
            with open_movie_container(self.path, metadata_errors="ignore") as container:
                for picture in _pictures(container, container.streams.video[0]):
                    if not isinstance(picture, _Lost):
                        return "interlaced" if picture.interlaced_frame else None
        except av.error.FFmpegError:
            return None  # the stream's own reads report what is wrong with it
        return None

    def frame(self, index: int, where: str, box: tuple[int, int, int, int] | None = None) -> RawFrame:
        """Decode frame ``index`` (0-based) to RGB in the file's colour space, 0-1 float32, whole or only ``box``
        (only the box is scaled to float; the size of the picture is checked against the probe first).

        In a variable-frame-rate movie, frame ``index`` is the picture shown at ``index / fps`` (see
        :mod:`ned_core.io.movie_timing`).
        """
        picture = self._shown(index, where)
        if picture is None:
            return self._black(box)
        if box is not None:
            check_size((picture.width, picture.height), (self.probe.width, self.probe.height), where)
        pixels = self._convert(picture)
        if box is not None:
            pixels = pixels[box[1]:box[3], box[0]:box[2]]
        pixels = unit_scale(pixels)
        rgb = np.ascontiguousarray(pixels[..., :3])
        alpha = np.ascontiguousarray(pixels[..., 3]) if pixels.shape[2] == 4 else None
        return RawFrame(rgb=rgb, alpha=alpha, straight_alpha=True)

    def frame_codes(self, index: int, where: str, box: tuple[int, int, int, int] | None = None) -> np.ndarray | None:
        """Frame ``index`` (whole, or only ``box``, size checked first) as the ``(h, w, 3) uint8/uint16`` RGB codes
        that :meth:`frame` scales to 0-1, for streams without alpha (None for others): what display-referred
        readers and integer colour conversion want, without the float round trip.

        A whole frame is converted whole: an 8-bit planar YUV one by OpenCV
        (:func:`ned_core.io.yuv_window.picture_codes`: within 4 codes of swscale's accurate conversion on natural
        pictures, 0.3 on average, at a third of its CPU), others by swscale. A box of an 8-bit picture, and one larger
        than :data:`WINDOW_SHARE` of a deeper one, is cut from the whole frame's codes when they are at hand (kept, or
        the last converted), else converted the same way from the picture's planes around it (8-bit: OpenCV, from the
        kept planes when they are kept; deeper: swscale from a crop, :mod:`ned_core.io.picture_crop`): the same codes,
        ~4-5x less work for a close-up's window than the whole frame, which a shot longer than the kept frames
        converted again (and a small face's 1080p window, 500 px square, ~0.5 ms of CPU where ``window_codes`` took
        ~4.3). A smaller box of a deeper planar YUV picture (10-16 bit, 4:2:0/4:2:2/4:4:4) is converted from its own
        planes (:func:`ned_core.io.yuv_window.window_codes`: the same matrix, range, chroma siting and bicubic chroma
        filter, rounded in float: within 1 code of 8 bits of swscale's codes on natural pictures; deep sources'
        white at 65535 where swscale's 16-bit output stops at 65283). Which way a read goes depends only on the
        picture and the box, never on what is kept, so a frame's window converts the same in every run. What the
        whole reads (the analysis) decode and convert is kept for later readers (the render), the latest frames within
        :data:`KEEP_CONVERTED_BYTES` (and a deeper picture's planes within :data:`KEEP_DECODED_BYTES`).
        """
        if self._out not in ("rgb24", "rgb48le"):
            return None
        wanted = index if self._conform is None else self._conform[index]
        dtype = np.uint16 if self._deep else np.uint8
        alone = box is not None and self._deep and (box[2] - box[0]) * (box[3] - box[1]) <= WINDOW_SHARE * \
            self.probe.width * self.probe.height
        if alone and wanted in self._kept:
            return self._kept.get(wanted).window(box, dtype)
        codes = self._kept_codes.get(wanted)
        if codes is None and self._converted is not None and self._converted[0] == wanted:
            codes = self._converted[1]
        window = self._kept_windows.get(wanted) if codes is None and box is not None else None
        if window is not None and window.holds(box) and (alone or _opencv_converts(window.part.layout)):
            return window.codes(box, dtype)
        planes = self._kept.get(wanted) if codes is None and box is not None else None
        if planes is not None and _opencv_converts(planes.layout):  # kept by a shrunk read (frame_codes_shrunk)
            return planes.codes(box)
        picture = None
        if codes is None or alone:
            picture = self._shown(index, where)
            if picture is None:
                x0, y0, x1, y1 = box or (0, 0, self.probe.width, self.probe.height)
                return np.zeros((y1 - y0, x1 - x0, 3), dtype)
            if box is not None:
                check_size((picture.width, picture.height), (self.probe.width, self.probe.height), where)
            layout = PLANAR_FORMATS.get(picture.format.name)
            if box is None and layout is not None and not _opencv_converts(layout):
                self._keep(wanted, picture, layout)
            if alone and layout is not None:
                return _YuvPlanes.of(picture, layout).window(box, dtype)
            if codes is None and box is not None and layout is not None:
                return _YuvPlanes.of(picture, layout).codes(box) if _opencv_converts(layout) else \
                    self._convert_window(picture, box)
        if codes is None:
            codes = self._convert(picture)
            codes.flags.writeable = False  # shared by every reader of the frame
            self._converted = (wanted, codes)
            if box is None:
                self._kept_codes.add(wanted, codes, codes.nbytes)
        return codes if box is None else codes[box[1]:box[3], box[0]:box[2]]

    def frame_codes_shrunk(self, index: int, where: str, factor: int) -> np.ndarray | None:
        """Frame ``index`` whole as ``(H / factor, W / factor, 3) uint8`` RGB codes, box-averaged by the whole
        ``factor`` (:func:`ned_core.io.yuv_window.shrunk_codes`: an 8-bit planar YUV picture is shrunk plane by plane
        before its conversion, at a fraction of a whole conversion's cost; what the face analysis of a UHD frame
        reads), or None for other pictures (the caller shrinks the whole frame's codes). The frame's codes are not
        kept: its planes are, within :data:`KEEP_DECODED_BYTES`, for the render's window reads."""
        if self._out != "rgb24":
            return None
        wanted = index if self._conform is None else self._conform[index]
        picture = self._shown(index, where)
        if picture is None:
            return np.zeros((self.probe.height // factor, self.probe.width // factor, 3), np.uint8)
        check_size((picture.width, picture.height), (self.probe.width, self.probe.height), where)
        layout = PLANAR_FORMATS.get(picture.format.name)
        if layout is None:
            return None
        planes = _YuvPlanes.of(picture, layout)
        codes = shrunk_codes(planes.planes, layout, planes.colorspace, planes.full_range, factor)
        if codes is not None:
            self._keep(wanted, picture, layout)
            codes.flags.writeable = False
        return codes

    def expect_windows(self, windows: dict[int, tuple[int, int, int, int]]) -> None:
        """Plan reads: ``{frame index: (x0, y0, x1, y1)}`` (inside the picture) that later reads will ask for (a box
        inside it). From now on, each planned picture a read decodes (the one asked for or one decoded on the way to
        it) keeps its window's planes (:class:`_KeptWindow`, the latest within :data:`KEEP_WINDOW_BYTES`), from which
        :meth:`frame_codes` then converts its boxes without decoding the frame again: the same codes (only windows
        converted from their own planes are kept: 8-bit ones, and deeper ones up to :data:`WINDOW_SHARE`). Replaces
        the plan and what an earlier one kept."""
        planned: dict[int, tuple[int, int, int, int]] = {}
        for index, box in windows.items():  # frames that show one picture (variable rate): the union of their boxes
            wanted = index if self._conform is None else self._conform[index]
            planned[wanted] = union_box(planned.get(wanted, box), box)
        area = WINDOW_SHARE * self.probe.width * self.probe.height
        self._planned = {i: b for i, b in planned.items() if not self._deep or (b[2] - b[0]) * (b[3] - b[1]) <= area}
        self._kept_windows = LatestFrames(KEEP_WINDOW_BYTES, max(self._planned, default=None))

    def _keep_window(self, wanted: int, picture: av.VideoFrame) -> None:
        """Keep the planned window of picture ``wanted`` (just decoded) unless it is kept, or the whole picture is."""
        box = self._planned.get(wanted)
        if box is None or wanted in self._kept_windows or wanted in self._kept or wanted in self._kept_codes or \
                (picture.width, picture.height) != (self.probe.width, self.probe.height):
            return
        layout = PLANAR_FORMATS.get(picture.format.name)
        if layout is not None:
            window = _KeptWindow.of(_YuvPlanes.of(picture, layout), box)
            self._kept_windows.add(wanted, window, window.nbytes)

    def _keep(self, wanted: int, picture: av.VideoFrame, layout: PlanarLayout) -> None:
        """Keep a copy of a decoded picture's planes for later window reads while :data:`KEEP_DECODED_BYTES` allow
        (copies: a decoded picture held on to holds the decoder's buffer pools, about twice its size). A whole read of
        an 8-bit picture keeps its codes instead (:data:`KEEP_CONVERTED_BYTES`, the latest frames too, four to eight
        times as many), which every later read of the frame is cut from: it keeps no planes (a copy is ~1 ms at 1080p,
        ~2.6 ms at UHD); a shrunk read (:meth:`frame_codes_shrunk`) keeps no codes, so its planes are kept."""
        if wanted in self._kept or (picture.width, picture.height) != (self.probe.width, self.probe.height):
            return
        size = sum(plane.width * plane.height for plane in picture.planes[:3]) * (1 if layout.bits <= 8 else 2)
        if self._kept.fits(wanted, size):
            planes = _YuvPlanes.of(picture, layout)
            self._kept.add(wanted, replace(planes, planes=tuple(np.array(p) for p in planes.planes)), size)

    def _shown(self, index: int, where: str) -> av.VideoFrame | None:
        """The picture of frame ``index`` (the last one is kept: a held VFR frame or a re-read decodes nothing)."""
        wanted = index if self._conform is None else self._conform[index]
        if self._repeat is None or self._repeat[0] != wanted:
            self._repeat = (wanted, self._picture(wanted, where))
        return self._repeat[1]

    def _picture(self, index: int, where: str) -> av.VideoFrame | None:
        """Decode picture ``index`` (0-based, presentation order); None for a lost picture with none before it."""
        try:
            if self._frames is None or not self._next <= index <= self._next + FORWARD_DECODE_LIMIT:
                self._restart(index)
            while True:
                picture = next(self._frames, None)
                if picture is None:
                    raise FrameReadError(f"{where}: the movie ends after {self._next} frames "
                                         f"(it declares {self.probe.count})")
                self.decoded += 1
                self._next += 1
                if isinstance(picture, _Lost):
                    self.lost[self._next - 1] = picture.time_s
                    picture = self._held
                else:
                    self._held = picture
                if picture is not None and self._next - 1 in self._planned:
                    self._keep_window(self._next - 1, picture)
                if self._next - 1 == index:
                    return picture
        except av.error.FFmpegError as e:
            self._frames = None
            raise FrameReadError(f"{where}: cannot decode the frame: {e}") from e

    def _restart(self, index: int) -> None:
        """Position the decoder so that it yields frame ``index`` or an earlier one next."""
        pts = None if index <= FORWARD_DECODE_LIMIT else self._pts_index()
        if pts is None or index >= len(pts):
            self._from_start()
            return
        self._container.seek(pts[index], stream=self._stream, backward=True, any_frame=False)
        self._fresh = False
        self._held = None
        frames = _pictures(self._container, self._stream)
        first = next(frames, None)
        if isinstance(first, _Lost):
            first = None
        found = bisect.bisect_left(pts, first.pts) if first is not None and first.pts is not None else None
        if found is None or found > index or pts[found] != first.pts:
            self.decoded += first is not None
            self._from_start()  # the seek overshot or landed off the index: decode from the top
            return
        self._frames, self._next = itertools.chain([first], frames), found

    def _from_start(self) -> None:
        if not self._fresh:
            self._container.seek(self._stream.start_time or 0, stream=self._stream, backward=True)
        self._fresh, self._held = False, None
        self._frames, self._next = _pictures(self._container, self._stream), 0

    def _pts_index(self) -> list[int] | None:
        if not self._indexed:
            _, self._pts = _packet_index(self.path, self._stream.index)
            self._indexed = True
        return self._pts

    def _convert_window(self, picture: av.VideoFrame, box: tuple[int, int, int, int]) -> np.ndarray:
        """``box`` of a planar YUV picture as the codes :meth:`_convert` gives for the whole picture, cut (see
        :mod:`ned_core.io.picture_crop`), read-only like them; one thread (windows are small)."""
        x0, y0, x1, y1 = box
        crop = crop_box(box, (picture.width, picture.height))
        colorspace, full = _matrix(picture)  # the whole picture's matrix (a crop is never tagged differently)
        part = self._window_reformatter.reformat(cropped_picture(picture, crop), format=self._out,
                                                 src_colorspace=colorspace,
                                                 src_color_range=ColorRange.JPEG if full else ColorRange.MPEG,
                                                 dst_color_range=ColorRange.JPEG, interpolation=_SCALE_FLAGS, threads=1)
        codes = part.to_ndarray()[y0 - crop[1]:y1 - crop[1], x0 - crop[0]:x1 - crop[0]]
        codes.flags.writeable = False
        return codes

    def _convert(self, frame: av.VideoFrame) -> np.ndarray:
        """``(H, W, C)`` uint8/uint16 RGB(A) of a picture, with the stream's YUV matrix and range: by OpenCV where
        :func:`_opencv_converts`, else by swscale.

        One swscale context serves every picture (it is rebuilt only when the pictures' format changes), with
        :data:`_SLICE_THREADS` slice threads started once: ``VideoFrame.to_ndarray`` builds a context per picture,
        each starting its own pool (cores + 1 threads) for one conversion, ~1.2-1.5 ms more CPU per 1080p frame
        (~13.5 against ~12.4, at load 8) for identical codes.
        """
        self.converted += 1
        layout = PLANAR_FORMATS.get(frame.format.name)
        if layout is not None and _opencv_converts(layout):
            return _YuvPlanes.of(frame, layout).codes((0, 0, frame.width, frame.height))
        colorspace, full = _matrix(frame)
        rgb = self._reformatter.reformat(frame, format=self._out, src_colorspace=colorspace,
                                         src_color_range=ColorRange.JPEG if full else ColorRange.MPEG,
                                         dst_color_range=ColorRange.JPEG, interpolation=_SCALE_FLAGS,
                                         threads=_SLICE_THREADS)
        return rgb.to_ndarray()

    def _black(self, box: tuple[int, int, int, int] | None = None) -> RawFrame:
        """The stand-in for a lost first frame (no earlier frame to hold), whole or ``box``."""
        x0, y0, x1, y1 = box or (0, 0, self.probe.width, self.probe.height)
        rgb = np.zeros((y1 - y0, x1 - x0, 3), np.float32)
        alpha = np.ones(rgb.shape[:2], np.float32) if self.probe.channels in (2, 4) else None
        return RawFrame(rgb=rgb, alpha=alpha, straight_alpha=True)

    def close(self) -> None:
        self._frames = self._held = self._repeat = self._converted = None
        self._kept.clear()
        self._kept_codes.clear()
        self._kept_windows.clear()
        self._planned = {}
        self._container.close()
