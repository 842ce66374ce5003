"""H.264 preview movies of a render, with the source's audio muxed back in sync (PyAV)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ned_core.exceptions import DemuxerNotAllowedError, PreviewError
from ned_core.io.atomic import atomic_path, no_space_note
from ned_core.io.demuxers import open_movie_container
from ned_core.io.plate_source import PlateSource



def _even(n: int) -> int:
    return n - (n % 2)


class _AudioCopy:
    """The source movie's audio between two times, re-encoded to AAC into the preview.

    The output stream must exist before the first video packet is muxed, so it is added on creation
    and filled when the preview is closed.
    """

    def __init__(self, out, source_movie: Path, span_s: tuple[float, float]):
        self.container = open_movie_container(source_movie)
        self.stream = self.container.streams.audio[0]
        ctx = self.stream.codec_context
        self.rate = ctx.sample_rate or 48000
        self.layout = ctx.layout.name if ctx.layout else "stereo"
        self.out_stream = out.add_stream("aac", rate=self.rate, layout=self.layout)
        self.span_s = span_s

    @classmethod
    def open(cls, out, source_movie: Path | None, span_s: tuple[float, float] | None) -> _AudioCopy | None:
        if source_movie is None or span_s is None:
            return None
        try:
            with open_movie_container(source_movie) as probe:
                if not probe.streams.audio:
                    return None
        except (av.FFmpegError, OSError, DemuxerNotAllowedError):
            return None
        return cls(out, source_movie, span_s)

    def _pieces(self):
        """Resampled audio frames of the span, trimmed to exact samples."""
        first, last = (int(round(t * self.rate)) for t in self.span_s)
        resampler = av.AudioResampler(format=self.out_stream.codec_context.format.name, layout=self.layout,
                                      rate=self.rate)
        if first > 0:
            self.container.seek(int(self.span_s[0] / self.stream.time_base), stream=self.stream, backward=True)
        for frame in self.container.decode(self.stream):
            if frame.pts is None:
                continue
            at = int(round(float(frame.pts * self.stream.time_base) * self.rate))
            for rf in resampler.resample(frame):
                lo, hi = max(first - at, 0), min(last - at, rf.samples)
                at += rf.samples
                if hi > lo:
                    arr = rf.to_ndarray()
                    width = 1 if rf.format.is_planar else len(rf.layout.channels)
                    arr = arr[:, lo:hi] if width == 1 else arr[:, lo * width:hi * width]
                    yield np.ascontiguousarray(arr), rf.format.name
            if at >= last:
                return

    def write(self, out) -> None:
        pts = 0
        for arr, fmt in self._pieces():
            piece = av.AudioFrame.from_ndarray(arr, format=fmt, layout=self.layout)
            piece.sample_rate, piece.pts = self.rate, pts
            pts += piece.samples
            for packet in self.out_stream.encode(piece):
                out.mux(packet)
        for packet in self.out_stream.encode(None):
            out.mux(packet)

    def close(self) -> None:
        self.container.close()


class PreviewWriter:
    """Collects sRGB frames into an H.264 (yuv420p, CRF 18) movie; audio is added when closed.

    Args:
        path: ``.mp4``/``.mov`` destination, written atomically.
        size: ``(W, H)`` of the frames (odd sizes are cropped by one pixel for 4:2:0).
        fps: frame rate of the shot.
        audio: a movie whose audio to mux back, with the time span ``audio_span_s`` (start, end) seconds.
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: Fraction, audio: Path | None = None,
                 audio_span_s: tuple[float, float] | None = None):
        self.path = Path(path)
        self.size = (_even(size[0]), _even(size[1]))
        self.fps = Fraction(fps).limit_denominator(100000)
        self.audio, self.audio_span_s = audio, audio_span_s
        self.has_audio = False
        self._frames = 0
        self._atomic = atomic_path(self.path)
        tmp = self._atomic.__enter__()
        try:
            self._out = av.open(str(tmp), "w")
            self._video = self._out.add_stream("libx264", rate=self.fps)
            self._video.width, self._video.height = self.size
            self._video.pix_fmt = "yuv420p"
            self._video.options = {"crf": "18", "preset": "veryfast"}
            self._audio = _AudioCopy.open(self._out, audio, audio_span_s)
        except (av.FFmpegError, OSError, ValueError) as e:
            self._atomic.__exit__(type(e), e, e.__traceback__)
            raise PreviewError(f"{self.path}: cannot create preview movie: {e}") from e

    def add(self, rgb8: np.ndarray) -> None:
        """Append one ``(H, W, 3) uint8`` sRGB frame."""
        w, h = self.size
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb8[:h, :w]), format="rgb24")
        for packet in self._video.encode(frame):
            self._out.mux(packet)
        self._frames += 1

    def discard(self) -> None:
        """Abandon the movie (after a failed render): nothing is left at the final path, no error raised."""
        try:
            self._out.close()
        except (av.FFmpegError, OSError, ValueError):
            pass
        finally:
            if self._audio is not None:
                self._audio.close()
            self._atomic.__exit__(PreviewError, PreviewError("discarded"), None)

    def close(self, error: BaseException | None = None) -> Path:
        """Finish the movie (flush, mux audio, rename into place); on ``error`` discard it."""
        try:
            if error is None:
                for packet in self._video.encode(None):
                    self._out.mux(packet)
                if self._audio is not None:
                    self._audio.write(self._out)
                    self.has_audio = True
            self._out.close()
        except (av.FFmpegError, OSError, ValueError) as e:
            error = error or PreviewError(f"{self.path}: writing the preview failed: {e}"
                                          f"{no_space_note(self.path.parent, e)}")
        finally:
            if self._audio is not None:
                self._audio.close()
        if error is None:
            self._atomic.__exit__(None, None, None)
            return self.path
        self._atomic.__exit__(type(error), error, error.__traceback__)
        raise error if isinstance(error, PreviewError) else PreviewError(f"{self.path}: {error}")


def audio_span(source: PlateSource, start_frame: int) -> tuple[Path | None, tuple[float, float] | None]:
    """The movie holding the shot's audio and the seconds the rendered frames cover, if it is a movie."""
    info = source.info
    if info.kind != "movie" or info.fps is None:
        return None, None
    first, last = info.frames[0], info.frames[-1]
    fps = float(info.fps)
    return Path(info.path), ((first - start_frame) / fps, (last + 1 - start_frame) / fps)
