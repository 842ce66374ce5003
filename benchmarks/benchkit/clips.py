"""Benchmark footage: a synthetic speaking actor placed in 1080p/4K frames (one or three faces), as MP4 and EXR."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import OpenImageIO as oiio

from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.face3d import EmbeddedFaceModel
from ned_core.io.atomic import atomic_path
from ned_core.io.colour import ColourTransforms
from ned_core.synthetic import SyntheticActorConfig, make_synthetic_actor, sample_photo, write_mp4

from benchkit.errors import FootageError

FIRST_FRAME = 1001
PHOTO = "grace_hopper"
Numbered = tuple[int, np.ndarray]  # (frame number, (H, W, 3) uint8 sRGB)


@dataclass(frozen=True)
class Layout:
    """How actor frames are placed in the benchmark frame.

    Attributes:
        width, height: frame size in pixels (1920x1080, 3840x2160).
        faces: copies of the actor side by side; copy ``k`` plays ``k/faces`` of the clip later, so
            the faces do not move in step.
        fill: fraction of the frame height (and of each copy's share of the width) the photo takes.
    """

    width: int = 1920
    height: int = 1080
    faces: int = 1
    fill: float = 0.9

    @property
    def resolution(self) -> str:
        """``"1080p"``, ``"4K"`` or ``"WxH"``."""
        return {(1920, 1080): "1080p", (3840, 2160): "4K"}.get((self.width, self.height), f"{self.width}x{self.height}")

    @property
    def label(self) -> str:
        """``"1080p, 1 face"``-style name of the layout."""
        return f"{self.resolution}, {self.faces} face{'s' if self.faces > 1 else ''}"


def actor_frames(num_frames: int, models: FaceMeshModels, model: EmbeddedFaceModel, config: AnalysisConfig,
                 seed: int = 0) -> np.ndarray:
    """Grace Hopper talking, smiling, blinking and turning her head (``ned_core.synthetic``).

    Returns:
        ``(T, 600, 512, 3) uint8`` sRGB frames at 25 fps.
    """
    motion = SyntheticActorConfig(num_frames=num_frames, seed=seed)
    return make_synthetic_actor(sample_photo(PHOTO), motion, models, model, config).frames


def background(layout: Layout) -> np.ndarray:
    """A static, smooth colour gradient ``(H, W, 3) uint8`` standing in for the set behind the actor."""
    y = np.linspace(0.0, 1.0, layout.height, dtype=np.float32)[:, None, None]
    x = np.linspace(0.0, 1.0, layout.width, dtype=np.float32)[None, :, None]
    colour = 40 + 60 * x * np.array([0.4, 0.5, 0.7], np.float32) + 50 * y * np.array([0.6, 0.4, 0.3], np.float32)
    return np.broadcast_to(colour, (layout.height, layout.width, 3)).astype(np.uint8)


def compose(actor: np.ndarray, layout: Layout, index: int, canvas: np.ndarray) -> np.ndarray:
    """Frame ``index``: ``layout.faces`` scaled copies of the actor pasted side by side over ``canvas``.

    Args:
        actor: ``(T, h, w, 3) uint8`` actor frames.
        layout: placement.
        index: frame index; copy ``k`` shows actor frame ``(index + k * T // faces) % T``.
        canvas: ``(H, W, 3) uint8`` background (not modified).

    Returns:
        ``(H, W, 3) uint8`` new frame.
    """
    count, h, w = actor.shape[:3]
    cell = layout.width // layout.faces
    scale = layout.fill * min(layout.height / h, cell / w)
    size = (int(w * scale), int(h * scale))
    out = canvas.copy()
    y0 = (layout.height - size[1]) // 2
    for k in range(layout.faces):
        face = cv2.resize(actor[(index + k * count // layout.faces) % count], size, interpolation=cv2.INTER_LINEAR)
        x0 = k * cell + (cell - size[0]) // 2
        out[y0:y0 + size[1], x0:x0 + size[0]] = face
    return out


def clip_frames(actor: np.ndarray, layout: Layout, count: int) -> Iterator[Numbered]:
    """``count`` numbered frames (from :data:`FIRST_FRAME`), composed lazily; the actor loops."""
    canvas = background(layout)
    for i in range(count):
        yield FIRST_FRAME + i, compose(actor, layout, i, canvas)


def noisy_still(still: np.ndarray, count: int, sigma: float, seed: int = 0) -> Iterator[Numbered]:
    """One frame repeated ``count`` times with fresh Gaussian sensor noise (``sigma`` in 8-bit levels) each time."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        noisy = rng.standard_normal(still.shape, dtype=np.float32)
        noisy *= sigma
        noisy += still
        yield FIRST_FRAME + i, np.clip(noisy, 0, 255, out=noisy).round(out=noisy).astype(np.uint8)


def write_movie(actor: np.ndarray, layout: Layout, count: int, path: Path, fps: float = 25.0) -> Path:
    """H.264 MP4 of the first ``count`` frames of :func:`clip_frames` (held in memory once while encoding)."""
    video = np.empty((count, layout.height, layout.width, 3), np.uint8)
    for i, (_, image) in enumerate(clip_frames(actor, layout, count)):
        video[i] = image
    return write_mp4(video, path, fps)


def write_exr_frame(path: Path, rgb: np.ndarray, compression: str) -> Path:
    """``(H, W, 3) float32`` scene-linear pixels as a half RGB EXR plate, atomically."""
    spec = oiio.ImageSpec(rgb.shape[1], rgb.shape[0], 3, "half")
    spec.attribute("compression", compression)
    with atomic_path(path) as tmp:
        out = oiio.ImageOutput.create(str(tmp))
        if out is None or not out.open(str(tmp), spec):
            raise FootageError(f"{path}: OpenImageIO cannot open the EXR for writing: {oiio.geterror()}")
        written = out.write_image(rgb)
        error = out.geterror()
        if not (out.close() and written):
            raise FootageError(f"{path}: OpenImageIO could not write the EXR: {error or out.geterror()}")
    return path


def write_exr_sequence(frames: Iterable[Numbered], directory: Path, colour: ColourTransforms,
                       compression: str = "zip", name: str = "plate") -> str:
    """The frames as a scene-linear (working space) half EXR sequence ``<name>.####.exr``.

    Returns:
        The sequence pattern, for ``open_plates``.
    """
    for number, image in frames:
        linear = colour.to_working(image.astype(np.float32) / 255.0, colour.srgb_space, inplace=True)
        write_exr_frame(Path(directory) / f"{name}.{number:04d}.exr", linear, compression)
    return str(Path(directory) / f"{name}.####.exr")
