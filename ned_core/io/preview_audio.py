"""A movie's audio for a preview: decoded packet by packet (damaged packets skipped), any PCM re-encoded as AAC.

Real deliveries carry damaged packets now and then; a packet FFmpeg cannot decode is skipped and silence of
its length keeps the rest in sync. Any sample format, depth and layout (24/32-bit, float, planar, unlabelled
"N channels" layouts from MXF) is resampled to the AAC encoder's planar float at a rate it accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from ned_core.exceptions import DemuxerNotAllowedError
from ned_core.io.demuxers import open_movie_container

#: Audio packets tried when deciding whether a stream decodes at all.
PROBE_PACKETS = 50
#: Times listed in one damaged-packets warning.
LISTED_TIMES = 5
#: FFmpeg's usual layout for a channel count (MXF and WAV often leave the layout unlabelled).
_LAYOUTS = {1: "mono", 2: "stereo", 3: "3.0", 4: "4.0", 5: "5.0", 6: "5.1", 7: "6.1", 8: "7.1"}


def aac_format(rate: int, channels: int) -> tuple[int, str]:
    """The AAC rate and layout for a source of ``rate`` Hz and ``channels`` channels (stereo downmix if needed).

    Raises:
        ValueError: FFmpeg's AAC encoder refuses even the stereo fallback.
    """
    rates = av.Codec("aac", "w").audio_rates or ()
    rate = rate if rate in rates else 48000
    for layout in (_LAYOUTS.get(channels, "stereo"), "stereo"):
        ctx = av.CodecContext.create("aac", "w")
        ctx.sample_rate, ctx.layout, ctx.format = rate, layout, "fltp"
        try:
            ctx.open()
        except (av.FFmpegError, ValueError):
            continue
        return rate, layout
    raise ValueError("FFmpeg's AAC encoder accepts neither the source's layout nor stereo")


def times_note(times: list[float]) -> str:
    """``"0.21 s, 0.46 s"`` (the first few, then how many more)."""
    shown = ", ".join(f"{t:.2f} s" for t in times[:LISTED_TIMES])
    return shown + (f" and {len(times) - LISTED_TIMES} more" if len(times) > LISTED_TIMES else "")


def _packet_time(packet: av.Packet) -> float:
    return float(packet.pts * packet.time_base) if packet.pts is not None and packet.time_base else float("nan")


class SourceAudio:
    """The first audio stream of ``movie`` between two times, as planar float blocks at ``rate``/``layout``.

    Attributes:
        damaged: times (s) of the packets that could not be decoded and were replaced by silence.
    """

    def __init__(self, movie: Path, span_s: tuple[float, float], rate: int, layout: str):
        self.movie, self.span_s, self.rate, self.layout = movie, span_s, rate, layout
        self.damaged: list[float] = []

    @staticmethod
    def probe(movie: Path) -> tuple[int, int] | None:
        """``(rate, channels)`` of the movie's first audio stream, or None when it has none.

        Raises:
            av.FFmpegError: the stream has packets and none of the first :data:`PROBE_PACKETS` decodes.
        """
        try:
            container = open_movie_container(movie)
        except (av.FFmpegError, OSError, DemuxerNotAllowedError):
            return None
        with container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            error: av.FFmpegError | None = None
            for count, packet in enumerate(container.demux(stream)):
                if count >= PROBE_PACKETS:
                    break
                try:
                    for frame in packet.decode():
                        return frame.sample_rate, len(frame.layout.channels)
                except av.FFmpegError as e:
                    error = e
            if error is not None:
                raise error
            return None

    def blocks(self) -> Iterator[np.ndarray]:
        """``(C, n) float32`` blocks covering the span exactly, gaps (damaged packets) filled with silence."""
        first, last = (int(round(t * self.rate)) for t in self.span_s)
        channels = len(av.AudioLayout(self.layout).channels)
        slack = self.rate // 50  # resampler delay and rounding: closer than 20 ms counts as continuous
        pos = first
        for at, block in self._decoded(first):
            if at >= first and abs(at - pos) <= slack:
                at = pos  # continuous: ignore the resampler's delay and rounding
            elif at - pos > slack:  # a gap (damaged packets, late start): silence up to the decoded audio
                gap = min(at, last) - pos
                yield np.zeros((channels, gap), np.float32)
                pos += gap
            lo, hi = max(pos - at, 0), min(last - at, block.shape[1])
            if hi > lo:
                yield block[:, lo:hi]
                pos = at + hi
            if pos >= last:
                return
        if pos < last:  # audio ends early (or its last packets were damaged)
            yield np.zeros((channels, last - pos), np.float32)

    def _decoded(self, first: int) -> Iterator[tuple[int, np.ndarray]]:
        """``(sample position, (C, n) block)`` of every decodable frame from just before ``first``."""
        with open_movie_container(self.movie) as container:
            stream = container.streams.audio[0]
            if first > 0:
                container.seek(int(self.span_s[0] / stream.time_base), stream=stream, backward=True)
            resampler = av.AudioResampler(format="fltp", layout=self.layout, rate=self.rate)
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.FFmpegError:
                    self.damaged.append(_packet_time(packet))
                    continue
                for frame in frames:
                    if frame.pts is None:
                        continue
                    at = int(round(float(frame.pts * stream.time_base) * self.rate))
                    for out in resampler.resample(frame):
                        yield at, out.to_ndarray().astype(np.float32, copy=False)
                        at += out.samples
