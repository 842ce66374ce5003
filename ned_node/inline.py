"""Inline source frames: checked against the job's declared source and written to its input folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenImageIO as oiio

from ned_core.io.atomic import atomic_path
from ned_core.io.sequence import parse_pattern
from ned_node.errors import InlineFrameError, JobRequestError
from ned_node.jobspec import inline_input_pattern, job_frames
from ned_protocol import Buffer

_CHANNEL_NAMES = {1: ("Y",), 2: ("Y", "A"), 3: ("R", "G", "B"), 4: ("R", "G", "B", "A")}
_OIIO_TYPES = {"float16": "half", "float32": "float", "uint8": "uint8", "uint16": "uint16"}


def inline_bytes(source: dict) -> int:
    """Total size of an inline source's frames, bytes."""
    itemsize = np.dtype(source["dtype"]).itemsize
    return len(job_frames(source["frames"])) * source["width"] * source["height"] * source["channels"] * itemsize


def input_path(job_dir: Path, source: dict, frame: int) -> Path:
    """Where inline frame ``frame`` is kept (the pattern the pipeline reads the job's source from)."""
    pattern = parse_pattern(job_dir / "input" / inline_input_pattern(source["dtype"]))
    return pattern.directory / f"{pattern.prefix}{frame:0{pattern.padding}d}{pattern.suffix}"


def check_chunk(source: dict, frames: list[int], buffers: tuple[Buffer, ...]) -> None:
    """Every listed frame belongs to the source's range and each buffer has its declared shape and dtype.

    Raises:
        JobRequestError: a frame number outside the range, or listed twice.
        InlineFrameError: a buffer's dtype or shape differs from the declared source.
    """
    wanted = set(job_frames(source["frames"]))
    outside = [f for f in frames if f not in wanted]
    if outside or len(set(frames)) != len(frames):
        raise JobRequestError(f"content.frames: {outside[:10] or frames[:10]} are outside the job's frames "
                              f"{source['frames']['first']}-{source['frames']['last']} (step "
                              f"{source['frames']['step']}) or listed twice", {"field": "content.frames"})
    shape = (source["height"], source["width"], source["channels"])
    for frame, buffer in zip(frames, buffers):
        if buffer.dtype != source["dtype"] or tuple(buffer.shape) != shape:
            raise InlineFrameError(f"frame {frame}: got {buffer.dtype} {list(buffer.shape)}, the job's source "
                                   f"declares {source['dtype']} {list(shape)} (height, width, channels)",
                                   {"frame": frame, "expected": [source["dtype"], list(shape)]})


def write_frame(path: Path, source: dict, buffer: Buffer) -> None:
    """Writes one frame's pixels losslessly (EXR for floats, TIFF for integers), atomically."""
    pixels = np.frombuffer(buffer.data, dtype=source["dtype"]).reshape(buffer.shape)
    height, width, channels = pixels.shape
    spec = oiio.ImageSpec(width, height, channels, _OIIO_TYPES[source["dtype"]])
    spec.channelnames = _CHANNEL_NAMES[channels]
    if channels in (2, 4):
        spec.alpha_channel = channels - 1
    spec.attribute("compression", "none")
    with atomic_path(path) as tmp:
        out = oiio.ImageOutput.create(str(tmp))
        if out is None or not out.open(str(tmp), spec):
            raise OSError(f"cannot open {tmp} for writing: {oiio.geterror()}")
        written = out.write_image(pixels)
        error = out.geterror()
        if not (out.close() and written):
            raise OSError(f"cannot write {tmp}: {error}")
