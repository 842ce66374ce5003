"""Small real movies for the media tests: a face photo in motion, a tone, any codec, damaged packets on request."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import skimage.data

NED = [sys.executable, "-m", "ned_core.cli.main"]
RATE = 48000


def face_frames(count: int, size: int = 128) -> list[np.ndarray]:
    """``count`` (size, size, 3) uint8 frames of the astronaut's face, shifting a pixel per frame."""
    face = cv2.resize(skimage.data.astronaut()[20:260, 130:370], (size, size), interpolation=cv2.INTER_AREA)
    return [np.ascontiguousarray(np.roll(face, i % 4, axis=1)) for i in range(count)]


@dataclass(frozen=True)
class Movie:
    """What to build.

    Attributes:
        name: file name (the extension picks the container).
        codec: FFmpeg video encoder; ``pix_fmt`` its pixel format; ``options`` encoder options.
        audio: FFmpeg audio encoder (None: no audio); ``audio_format`` its sample format, ``layout`` its layout.
        damage_audio / damage_video: indices of packets whose bytes are scrambled after encoding.
        frames, fps, size: picture count, rate and square size.
        pts: presentation times in 1/1000 s per frame (variable frame rate), or None for constant.
        alpha: encode RGBA pictures (alpha 200/255) for pixel formats with alpha.
    """

    name: str
    codec: str = "libx264"
    pix_fmt: str = "yuv420p"
    options: dict | None = None
    audio: str | None = "aac"
    audio_format: str | None = None
    layout: str = "stereo"
    damage_audio: tuple[int, ...] = ()
    damage_video: tuple[int, ...] = ()
    frames: int = 8
    fps: int = 24
    size: int = 128
    pts: tuple[int, ...] | None = None
    alpha: bool = False


def _scrambled(packet: av.Packet, full: bool) -> av.Packet:
    data = bytearray(bytes(packet))
    if full:  # the coded picture after its first eighth: the decoder refuses the packet
        for i in range(len(data) // 8, len(data)):
            data[i] = (data[i] * 7 + 13) & 0xFF
    else:  # the sync word: the audio decoder refuses the packet
        data[0] ^= 0xFF
        data[1] ^= 0xFF
    damaged = av.Packet(bytes(data))
    damaged.pts, damaged.dts, damaged.time_base, damaged.stream = packet.pts, packet.dts, packet.time_base, packet.stream
    damaged.is_keyframe = packet.is_keyframe
    return damaged


def _tone(seconds: float, channels: int) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return np.ascontiguousarray(np.repeat((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None], channels, 0))


def build_movie(folder: Path, spec: Movie) -> Path:
    """Encode ``spec`` into ``folder``; returns the file's path."""
    path = folder / spec.name
    with av.open(str(path), "w") as out:
        video = out.add_stream(spec.codec, rate=spec.fps)
        video.width = video.height = spec.size
        video.pix_fmt = spec.pix_fmt
        if spec.options:
            video.options = dict(spec.options)
        if spec.pts is not None:
            video.codec_context.time_base = video.time_base = Fraction(1, 1000)
        audio = out.add_stream(spec.audio, rate=RATE, layout=spec.layout) if spec.audio else None
        if audio is not None and spec.audio_format:
            audio.format = spec.audio_format
        packets = []
        for i, rgb in enumerate(face_frames(spec.frames, spec.size)):
            pixels = np.dstack([rgb, np.full(rgb.shape[:2], 200, np.uint8)]) if spec.alpha else rgb
            frame = av.VideoFrame.from_ndarray(pixels, format="rgba" if spec.alpha else "rgb24")
            if spec.pts is not None:
                frame.pts = spec.pts[i]
            packets += [("v", p) for p in video.encode(frame)]
        packets += [("v", p) for p in video.encode(None)]
        if audio is not None:
            seconds = (spec.pts[-1] / 1000 + 1 / spec.fps) if spec.pts else spec.frames / spec.fps
            channels = len(av.AudioLayout(spec.layout).channels)
            tone, step = _tone(seconds, channels), 1024
            resampler = av.AudioResampler(format=audio.codec_context.format.name, layout=spec.layout, rate=RATE)
            for start in range(0, tone.shape[1], step):
                piece = av.AudioFrame.from_ndarray(np.ascontiguousarray(tone[:, start:start + step]), format="fltp",
                                                   layout=spec.layout)
                piece.sample_rate, piece.pts = RATE, start
                for converted in resampler.resample(piece):
                    packets += [("a", p) for p in audio.encode(converted)]
            packets += [("a", p) for p in audio.encode(None)]
        counts = {"v": 0, "a": 0}
        for kind, packet in packets:
            damage = spec.damage_video if kind == "v" else spec.damage_audio
            if counts[kind] in damage:
                packet = _scrambled(packet, full=kind == "v")
            counts[kind] += 1
            out.mux(packet)
    return path


def run_ned(workdir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "NED_CACHE_DIR": str(workdir / "cache"), "OMP_NUM_THREADS": "1"}
    return subprocess.run([*NED, *map(str, args)], cwd=workdir, capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)
