"""Write a synthetic clip's frames as a PNG sequence or an H.264 MP4 (atomically)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from ned_core.exceptions import SyntheticActorError
from ned_core.io.atomic import atomic_path


def _check_frames(frames: np.ndarray) -> np.ndarray:
    arr = np.asarray(frames)
    if arr.ndim != 4 or arr.shape[3] != 3 or arr.dtype != np.uint8 or len(arr) == 0:
        raise SyntheticActorError(f"frames: expected (T >= 1, H, W, 3) uint8, got {arr.shape} {arr.dtype}")
    return arr


def write_png_sequence(
    frames: np.ndarray, directory: Path | str, name: str = "frame", first_frame: int = 1
) -> list[Path]:
    """Write ``(T, H, W, 3) uint8`` sRGB frames as ``<directory>/<name>.<NNNN>.png``, numbered from ``first_frame``.

    Returns:
        The written paths, in frame order.
    """
    arr = _check_frames(frames)
    out = []
    for i, frame in enumerate(arr):
        path = Path(directory) / f"{name}.{first_frame + i:04d}.png"
        with atomic_path(path) as tmp:
            if not cv2.imwrite(str(tmp), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)):
                raise SyntheticActorError(f"{path}: OpenCV could not write the PNG")
        out.append(path)
    return out


def write_mp4(frames: np.ndarray, path: Path | str, fps: float, crf: int = 18) -> Path:
    """Encode ``(T, H, W, 3) uint8`` sRGB frames as H.264 (yuv420p, libx264) at ``fps``.

    Odd widths/heights are padded by one edge pixel (yuv420p needs even sizes).

    Returns:
        ``path``.
    """
    arr = _check_frames(frames)
    pad_h, pad_w = arr.shape[1] % 2, arr.shape[2] % 2
    if pad_h or pad_w:
        arr = np.pad(arr, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")
    rate = Fraction(fps).limit_denominator(1001)
    with atomic_path(path) as tmp:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height = arr.shape[2], arr.shape[1]
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": str(crf)}
            for frame in arr:
                container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
            container.mux(stream.encode(None))
    return Path(path)
