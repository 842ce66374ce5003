"""Window-only YUV -> RGB (yuv_window) and OpenCV's whole-picture conversion against swscale's accurate whole-frame
conversion, on a real photo in YUV."""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest
from av.video.reformatter import ColorRange, Interpolation

from ned_core.io import yuv_window
from ned_core.io.movie_pyav import _SCALE_FLAGS, _plane_samples
from ned_core.io.yuv_window import PLANAR_FORMATS, picture_codes, window_codes
from ned_core.synthetic import sample_photo

WIDTH, HEIGHT = 256, 192  # the photo's colourful, detailed middle at 2x: real chroma edges, both parities of a crop
COLORSPACES = {"bt709": 1, "bt601": 6}


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    image = sample_photo("astronaut")
    h, w = image.shape[:2]
    middle = image[h // 4: h // 4 + HEIGHT // 2 * 2, w // 4: w // 4 + WIDTH // 2 * 2]
    return cv2.resize(np.ascontiguousarray(middle), (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)


def _picture(photo: np.ndarray, fmt: str, colorspace: int, full: bool) -> av.VideoFrame:
    """The photo in ``fmt``, as an encoder would get it (swscale's RGB -> YUV)."""
    rgb = av.VideoFrame.from_ndarray(photo, format="rgb24")
    return rgb.reformat(format=fmt, dst_colorspace=colorspace, dst_color_range=ColorRange.JPEG if full
                        else ColorRange.MPEG, interpolation=Interpolation.BICUBIC)


def _swscale(picture: av.VideoFrame, colorspace: int, full: bool, deep: bool) -> np.ndarray:
    """The whole frame as the decoder converts it (movie_pyav._convert), as 0-1 floats: swscale's 16-bit output puts
    white at less than 65535 (65283 limited, 65472 full range), so deep codes are scaled by that white."""
    def convert(frame):
        return frame.to_ndarray(format="rgb48le" if deep else "rgb24", src_colorspace=colorspace,
                                src_color_range=ColorRange.JPEG if full else ColorRange.MPEG,
                                dst_color_range=ColorRange.JPEG, interpolation=_SCALE_FLAGS)
    codes = convert(picture).astype(np.float64)
    if not deep:
        return codes / 255.0
    white = av.VideoFrame(16, 16, picture.format.name)
    layout = PLANAR_FORMATS[picture.format.name]
    top = (1 << layout.bits) - 1
    for plane, value in zip(white.planes, (top if full else 235 << (layout.bits - 8), 1 << (layout.bits - 1),
                                           1 << (layout.bits - 1))):
        np.frombuffer(plane, np.uint16)[:] = value
    return codes / float(convert(white)[8, 8, 0])


def _window(picture: av.VideoFrame, colorspace: int, full: bool, box) -> np.ndarray:
    layout = PLANAR_FORMATS[picture.format.name]
    planes = tuple(_plane_samples(p, layout.bits) for p in picture.planes)
    deep = layout.bits > 8
    codes = window_codes(planes, layout, colorspace, full, box, np.uint16 if deep else np.uint8)
    return codes / (65535.0 if deep else 255.0)


CASES = [(fmt, full, space) for fmt in ("yuv420p", "yuv422p", "yuv420p10le", "yuv422p10le")
         for full in (False, True) for space in COLORSPACES]


@pytest.mark.parametrize("fmt, full, space", CASES)
def test_windows_convert_as_the_whole_frame_does(photo, fmt, full, space):
    """Windows (odd and even origins, touching the frame's edges or not) of a real photo in 8/10-bit 4:2:0/4:2:2,
    limited and full range, BT.709/BT.601: within 1 code of 8 bits of swscale's whole frame at every pixel, 0.05
    on average; and a pixel converts the same in every window holding it."""
    colorspace = COLORSPACES[space]
    picture = _picture(photo, fmt, colorspace, full)
    whole = _swscale(picture, colorspace, full, PLANAR_FORMATS[fmt].bits > 8)
    mine_whole = _window(picture, colorspace, full, (0, 0, WIDTH, HEIGHT))
    for box in [(0, 0, WIDTH, HEIGHT), (37, 21, 150, 133), (64, 50, 200, 180), (1, 1, 90, 77),
                (181, 101, WIDTH, HEIGHT)]:
        x0, y0, x1, y1 = box
        part = _window(picture, colorspace, full, box)
        error = np.abs(part - whole[y0:y1, x0:x1]) * 255.0
        assert error.max() <= 1.0 + 1e-9 and error.mean() <= 0.05, (box, error.max(), error.mean())
        np.testing.assert_array_equal(part, mine_whole[y0:y1, x0:x1])


def test_a_wrong_matrix_or_chroma_siting_fails_the_tolerance(photo, monkeypatch):
    """The checks above catch the mistakes they guard against: BT.601 read as BT.709, and chroma sited left
    (co-sited with the even luma samples, MPEG-2 style) instead of centred as swscale does."""
    picture = _picture(photo, "yuv420p", 1, False)
    whole = _swscale(picture, 1, False, False)
    wrong_matrix = _window(picture, 6, False, (0, 0, WIDTH, HEIGHT))
    assert (np.abs(wrong_matrix - whole) * 255.0).max() > 5.0

    def left_sited(t: float) -> np.ndarray:  # every output sample moved by a quarter chroma sample
        return centred(min(t + 0.25, 0.999))

    centred = yuv_window._kernel_weights
    monkeypatch.setattr(yuv_window, "_kernel_weights", left_sited)
    shifted = _window(picture, 1, False, (0, 0, WIDTH, HEIGHT))
    assert (np.abs(shifted - whole) * 255.0).max() > 2.0


def test_twelve_bit_and_four_four_four_and_frame_edges(photo):
    """4:4:4 needs no chroma filter (within rounding of swscale); 12-bit 4:2:0 converts as 10-bit does."""
    for fmt in ("yuv444p", "yuv444p10le", "yuv420p12le"):
        picture = _picture(photo, fmt, 1, False)
        whole = _swscale(picture, 1, False, PLANAR_FORMATS[fmt].bits > 8)
        part = _window(picture, 1, False, (WIDTH - 40, HEIGHT - 30, WIDTH, HEIGHT))
        assert (np.abs(part - whole[HEIGHT - 30:, WIDTH - 40:]) * 255.0).max() <= 1.0 + 1e-9, fmt


def _opencv(picture: av.VideoFrame, colorspace: int, full: bool, planes_order=(0, 1, 2)) -> np.ndarray:
    """The whole picture by :func:`picture_codes` (8-bit), in 8-bit code values (float); ``planes_order`` reorders
    the Y, U, V planes (a deliberately broken reader)."""
    planes = tuple(_plane_samples(picture.planes[k], 8) for k in planes_order)
    return picture_codes(planes, PLANAR_FORMATS[picture.format.name], colorspace, full,
                         (0, 0, WIDTH, HEIGHT)).astype(np.float64)


OPENCV_CASES = [(fmt, full, space) for fmt in ("yuv420p", "yuv422p", "yuv444p") for full in (False, True)
                for space in COLORSPACES]


@pytest.mark.parametrize("fmt, full, space", OPENCV_CASES)
def test_opencv_pictures_are_within_a_few_codes_of_swscale(photo, fmt, full, space):
    """8-bit pictures of a real photo (4:2:0/4:2:2/4:4:4, limited and full range, BT.709/BT.601) converted by
    OpenCV (what the analysis and large windows read): within 4 codes of swscale's accurate conversion at every
    pixel and 0.4 on average (OpenCV's bicubic chroma filter is Keys' a = -0.75, swscale's -0.6; measured 3-4 and
    0.27-0.33; 4:4:4 within 1 and 0.05)."""
    colorspace = COLORSPACES[space]
    picture = _picture(photo, fmt, colorspace, full)
    error = np.abs(_opencv(picture, colorspace, full) - _swscale(picture, colorspace, full, False) * 255.0)
    assert error.max() <= 4.0 and error.mean() <= 0.4, (error.max(), error.mean())


def test_a_wrong_range_matrix_or_chroma_order_fails_the_opencv_tolerance(photo):
    """The bound above catches a limited-range picture read as full range (off by up to ~20 codes), BT.601 read as
    BT.709 (~14) and the chroma planes swapped (~200)."""
    picture = _picture(photo, "yuv420p", 1, False)
    whole = _swscale(picture, 1, False, False) * 255.0
    for wrong in (_opencv(picture, 1, True), _opencv(picture, 6, False), _opencv(picture, 1, False, (0, 2, 1))):
        assert np.abs(wrong - whole).max() > 10.0


def test_opencv_converts_eight_bit_samples_only(photo):
    picture = _picture(photo, "yuv420p10le", 1, False)
    planes = tuple(_plane_samples(p, 10) for p in picture.planes)
    with pytest.raises(ValueError, match="8-bit samples only"):
        picture_codes(planes, PLANAR_FORMATS["yuv420p10le"], 1, False, (0, 0, WIDTH, HEIGHT))


@pytest.mark.parametrize("fmt, full, space", OPENCV_CASES)
def test_shrunk_pictures_are_the_box_average_of_the_whole_conversion(photo, fmt, full, space):
    """An 8-bit picture shrunk by 2 plane by plane before its conversion (what the analysis of a UHD frame reads) is
    the whole picture's OpenCV conversion box-averaged by 2, within 10 codes at every pixel and 0.7 on average
    (measured 2-7.75 and 0.43-0.60: the averaged planes are rounded to 8 bits before the matrix, and colours the
    matrix takes past 0 or 255 are clipped after the average rather than before it; the analysis' landmarks on the
    benchmark's UHD clip move 0.85 px mean, 0.3 % of the inter-ocular distance). Luma decimated instead of averaged
    (mean ~4.9) or the chroma planes swapped fails it."""
    colorspace = COLORSPACES[space]
    picture = _picture(photo, fmt, colorspace, full)
    layout = PLANAR_FORMATS[fmt]
    planes = tuple(_plane_samples(p, 8) for p in picture.planes)
    shrunk = yuv_window.shrunk_codes(planes, layout, colorspace, full, 2)
    whole = picture_codes(planes, layout, colorspace, full, (0, 0, WIDTH, HEIGHT))
    averaged = cv2.resize(whole.astype(np.float32), (WIDTH // 2, HEIGHT // 2), interpolation=cv2.INTER_AREA)
    error = np.abs(shrunk - averaged)
    assert shrunk.shape == (HEIGHT // 2, WIDTH // 2, 3) and shrunk.dtype == np.uint8
    assert error.max() <= 10.0 and error.mean() <= 0.7, (error.max(), error.mean())


def test_shrinking_needs_eight_bits_and_a_dividing_factor(photo):
    """Deeper samples and a factor that does not divide every plane are left to the caller (None)."""
    deep = _picture(photo, "yuv420p10le", 1, False)
    assert yuv_window.shrunk_codes(tuple(_plane_samples(p, 10) for p in deep.planes),
                                   PLANAR_FORMATS["yuv420p10le"], 1, False, 2) is None
    picture = _picture(photo, "yuv420p", 1, False)
    planes = tuple(_plane_samples(p, 8) for p in picture.planes)
    assert yuv_window.shrunk_codes(planes, PLANAR_FORMATS["yuv420p"], 1, False, 5) is None  # 256 / 5
    assert yuv_window.shrunk_codes(planes, PLANAR_FORMATS["yuv420p"], 1, False, 4).shape == (HEIGHT // 4, WIDTH // 4, 3)
