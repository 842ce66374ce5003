"""A large window of a movie frame not kept whole is converted from a crop of the picture's planes (8-bit by OpenCV,
deeper by swscale): the same codes as the whole frame converted and cut, in every planar YUV layout, without
converting the whole frame."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from skimage.data import astronaut

from ned_core.io.movie_pyav import WINDOW_SHARE, PyAVDecoder
from ned_core.io.picture_crop import CROP_GRID, crop_box

WIDTH, HEIGHT, FRAMES = 352, 288, 3


def _movie(folder: Path, codec: str, pix_fmt: str, options: dict[str, str]) -> Path:
    """Three frames of the astronaut (real detail, sharp colour edges) moving, with a little noise."""
    rng = np.random.default_rng(0)
    photo = astronaut()
    path = folder / f"{codec}_{pix_fmt}.{'mov' if codec == 'prores_ks' else 'mkv'}"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, pix_fmt
        stream.options = options
        for i in range(FRAMES):
            image = photo[20 + 7 * i:20 + 7 * i + HEIGHT, 40 + 5 * i:40 + 5 * i + WIDTH].astype(np.int16)
            image = np.clip(image + rng.integers(-6, 7, image.shape), 0, 255).astype(np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format=pix_fmt)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def _boxes(rng: np.random.Generator, count: int) -> list[tuple[int, int, int, int]]:
    """Windows larger than WINDOW_SHARE of the frame, anywhere (touching edges too), any parity."""
    boxes = [(0, 0, WIDTH, HEIGHT // 2 + 1), (WIDTH // 3 + 1, 1, WIDTH, HEIGHT - 3)]
    while len(boxes) < count:
        w, h = int(rng.integers(WIDTH // 3, WIDTH)), int(rng.integers(HEIGHT // 3, HEIGHT))
        if w * h <= WINDOW_SHARE * WIDTH * HEIGHT:
            continue
        x0, y0 = int(rng.integers(0, WIDTH - w + 1)), int(rng.integers(0, HEIGHT - h + 1))
        boxes.append((x0, y0, x0 + w, y0 + h))
    return boxes


@pytest.mark.parametrize(("codec", "pix_fmt", "options"), [
    ("libx264", "yuv420p", {"crf": "18"}),
    ("libx264", "yuvj420p", {"crf": "18"}),
    ("libx264", "yuv422p", {"crf": "18"}),
    ("libx264", "yuv444p", {"crf": "18"}),
    ("prores_ks", "yuv422p10le", {"profile": "3"}),
    ("ffv1", "yuv420p10le", {}),
    ("ffv1", "yuv444p12le", {}),
])
def test_windows_have_the_whole_frames_codes(tmp_path, codec, pix_fmt, options):
    path = _movie(tmp_path, codec, pix_fmt, options)
    whole, windows = PyAVDecoder(path), PyAVDecoder(path)
    try:
        rng = np.random.default_rng(1)
        for index in range(FRAMES):
            codes = whole.frame_codes(index, "test")
            for box in _boxes(rng, 12):
                x0, y0, x1, y1 = box
                got = windows.frame_codes(index, "test", box)
                assert got.shape == (y1 - y0, x1 - x0, 3) and got.dtype == codes.dtype
                assert np.array_equal(got, codes[y0:y1, x0:x1]), (pix_fmt, index, box)
        assert windows.converted == 0  # no whole frame converted for the windows
    finally:
        whole.close()
        windows.close()


def test_crops_hold_the_window_and_a_margin_on_the_chroma_grid():
    for box in [(0, 0, 10, 10), (17, 33, 200, 250), (341, 277, 352, 288), (5, 6, 351, 287)]:
        x0, y0, x1, y1 = crop_box(box, (WIDTH, HEIGHT))
        assert x0 % CROP_GRID == 0 and y0 % CROP_GRID == 0
        assert (x1 % CROP_GRID == 0 or x1 == WIDTH) and (y1 % CROP_GRID == 0 or y1 == HEIGHT)
        assert 0 <= x0 <= box[0] and 0 <= y0 <= box[1] and box[2] <= x1 <= WIDTH and box[3] <= y1 <= HEIGHT
        assert x0 == 0 or box[0] - x0 >= 16
        assert x1 == WIDTH or x1 - box[2] >= 16
