"""H.264 preview movies of a render, with the source's audio muxed back in sync (PyAV)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ned_core.exceptions import PreviewError
from ned_core.io.atomic import atomic_path, no_space_note
from ned_core.io.plate_source import PlateSource
from ned_core.io.preview_audio import SourceAudio, aac_format, times_note
from ned_core.io.provenance import movie_metadata



def _even(n: int) -> int:
    return n - (n % 2)


class _AudioCopy:
    """The source movie's audio between two times, re-encoded to AAC into the preview.

    The output stream must exist before the first video packet is muxed, so it is added on creation
    and filled when the preview is closed. Problems that leave the preview usable become ``warnings``.
    """

    def __init__(self, out, audio: SourceAudio):
        self.audio = audio
        self.stream = out.add_stream("aac", rate=audio.rate, layout=audio.layout)
        self.stream.format = "fltp"

    @classmethod
    def open(cls, out, source_movie: Path | None, span_s: tuple[float, float] | None,
             warnings: list[str]) -> _AudioCopy | None:
        """The audio copy, or None when the source has no audio or none of it can be decoded or encoded."""
        if source_movie is None or span_s is None:
            return None
        try:
            found = SourceAudio.probe(source_movie)
            if found is None:
                return None
            rate, layout = aac_format(*found)
        except (av.FFmpegError, ValueError) as e:
            warnings.append(f"{source_movie}: the audio stream cannot be decoded or encoded as AAC ({e}); "
                            "the preview has no audio")
            return None
        return cls(out, SourceAudio(source_movie, span_s, rate, layout))

    def write(self, out, warnings: list[str]) -> None:
        """Encode the span's audio; an encoding failure keeps what was muxed before it, with a warning."""
        pts = 0
        try:
            for block in self.audio.blocks():
                piece = av.AudioFrame.from_ndarray(np.ascontiguousarray(block), format="fltp",
                                                   layout=self.audio.layout)
                piece.sample_rate, piece.pts = self.audio.rate, pts
                pts += piece.samples
                for packet in self.stream.encode(piece):
                    out.mux(packet)
            for packet in self.stream.encode(None):
                out.mux(packet)
        except (av.FFmpegError, ValueError) as e:
            warnings.append(f"{self.audio.movie}: audio encoding stopped at {pts / self.audio.rate:.2f} s of the "
                            f"preview ({e}); the preview keeps the audio before it")
        if self.audio.damaged:
            warnings.append(f"{self.audio.movie}: {len(self.audio.damaged)} damaged audio packet(s) skipped at "
                            f"{times_note(self.audio.damaged)}; silence in their place in the preview")


class PreviewWriter:
    """Collects sRGB frames into an H.264 (yuv420p, CRF 18) movie; audio is added when closed.

    The container's metadata says the movie is synthetic (:mod:`ned_core.io.provenance`).

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
        self.warnings: list[str] = []  # what was skipped but left the preview usable (damaged audio)
        self._frames = 0
        self._atomic = atomic_path(self.path)
        tmp = self._atomic.__enter__()
        try:
            self._out = av.open(str(tmp), "w", options={"movflags": "use_metadata_tags"})
            self._out.metadata.update(movie_metadata())
            self._video = self._out.add_stream("libx264", rate=self.fps)
            self._video.width, self._video.height = self.size
            self._video.pix_fmt = "yuv420p"
            self._video.options = {"crf": "18", "preset": "veryfast"}
            self._audio = _AudioCopy.open(self._out, audio, audio_span_s, self.warnings)
        except (av.FFmpegError, OSError, ValueError) as e:
            self._atomic.__exit__(type(e), e, e.__traceback__)
            raise PreviewError(f"{self.path}: cannot create preview movie: {e}") from e

    def add(self, rgb8: np.ndarray) -> None:
        """Append one ``(H, W, 3) uint8`` sRGB frame."""
        w, h = self.size
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb8[:h, :w]), format="rgb24")
        try:
            for packet in self._video.encode(frame):
                self._out.mux(packet)
        except (av.FFmpegError, OSError, ValueError) as e:
            raise PreviewError(f"{self.path}: encoding frame {self._frames} of the preview failed: {e}"
                               f"{no_space_note(self.path.parent, e)}") from e
        self._frames += 1

    def discard(self) -> None:
        """Abandon the movie (after a failed render): nothing is left at the final path, no error raised."""
        try:
            self._out.close()
        except (av.FFmpegError, OSError, ValueError):
            pass
        finally:
            self._atomic.__exit__(PreviewError, PreviewError("discarded"), None)

    def close(self, error: BaseException | None = None) -> Path:
        """Finish the movie (flush, mux audio, rename into place); on ``error`` discard it."""
        try:
            if error is None:
                for packet in self._video.encode(None):
                    self._out.mux(packet)
                if self._audio is not None:
                    self._audio.write(self._out, self.warnings)
                    self.has_audio = True
            self._out.close()
        except (av.FFmpegError, OSError, ValueError) as e:
            error = error or PreviewError(f"{self.path}: writing the preview failed: {e}"
                                          f"{no_space_note(self.path.parent, e)}")
        if error is None:
            try:
                self._atomic.__exit__(None, None, None)  # fsync + rename into place
            except OSError as e:
                raise PreviewError(f"{self.path}: cannot put the preview in place: {e}"
                                   f"{no_space_note(self.path.parent, e)}") from e
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
