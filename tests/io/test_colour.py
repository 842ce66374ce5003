"""Colour management: config loading, default spaces, exact round trips, display sRGB for the models."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import PyOpenColorIO as ocio
import pytest

from ned_core.exceptions import ColourError, ShapeError
from ned_core.io import colour
from ned_core.io.colour import ColourConfig, ColourTransforms, unit_scale

HALF_EPS = float(np.finfo(np.float16).eps)  # 2**-10
SRGB = "sRGB Encoded Rec.709 (sRGB)"


@pytest.fixture(scope="module")
def transforms() -> ColourTransforms:
    return ColourTransforms()


def _relative_error(got: np.ndarray, want: np.ndarray) -> float:
    """Max |got - want| relative to the pixel's magnitude (its largest |channel|; half's tiny at black).

    Per pixel, not per channel: colour matrices mix channels, so a 0 next to a 1 carries the 1's rounding.
    """
    scale = np.maximum(np.max(np.abs(want), axis=-1, keepdims=True), np.finfo(np.float16).tiny)
    return float(np.max(np.abs(got - want) / scale))


def test_builtin_config_defaults(transforms, monkeypatch):
    monkeypatch.delenv("OCIO", raising=False)
    t = ColourTransforms()
    assert t.config_path == "ocio://default"
    assert t.working_space == "ACEScg"  # the built-in CG config's scene_linear role
    assert t.srgb_space == SRGB
    assert t.input_space("half") == t.input_space("float") == "ACEScg"
    assert t.input_space("uint8") == t.input_space("uint16") == SRGB
    assert t.output_space(SRGB) == SRGB


def test_explicit_spaces_and_aliases_resolve_to_canonical_names():
    t = ColourTransforms(ColourConfig(working_space="lin_rec709", input_space="srgb_tx", output_space="ACEScct"))
    assert t.working_space == "Linear Rec.709 (sRGB)"
    assert t.input_space("half") == SRGB  # configured input space wins over the pixel type
    assert t.output_space(SRGB) == "ACEScct"


def test_exr_interop_id_picks_the_tagged_space(transforms):
    assert transforms.input_space("half", "lin_rec709_scene") == "Linear Rec.709 (sRGB)"
    assert transforms.input_space("half", "no_such_interop_id") == "ACEScg"  # unknown tag: default rule


def test_ocio_environment_variable_is_used(tmp_path: Path, monkeypatch):
    config = ocio.Config.CreateFromFile("ocio://default")
    config.setRole("scene_linear", "Linear Rec.709 (sRGB)")
    path = tmp_path / "studio.ocio"
    path.write_text(config.serialize())
    monkeypatch.setenv("OCIO", str(path))
    t = ColourTransforms()
    assert t.config_path == str(path)
    assert t.working_space == "Linear Rec.709 (sRGB)"
    assert ColourTransforms(ColourConfig(config="ocio://default")).working_space == "ACEScg"  # explicit wins


def test_bad_config_and_unknown_space_raise_colour_error(tmp_path: Path):
    with pytest.raises(ColourError, match="missing.ocio"):
        ColourTransforms(ColourConfig(config=str(tmp_path / "missing.ocio")))
    broken = tmp_path / "broken.ocio"
    broken.write_text("ocio_profile_version: 2\nroles: [not yaml")
    with pytest.raises(ColourError, match="broken.ocio"):
        ColourTransforms(ColourConfig(config=str(broken)))
    with pytest.raises(ColourError, match="'Rec.9999'"):
        ColourTransforms(ColourConfig(working_space="Rec.9999"))
    with pytest.raises(ColourError, match="'no_such_space'"):
        ColourTransforms().to_working(np.zeros((2, 2, 3), np.float32), "no_such_space")


def test_config_without_srgb_asks_for_an_input_space(tmp_path: Path):
    path = tmp_path / "tiny.ocio"
    path.write_text("ocio_profile_version: 2\n"
                    "roles: {default: raw, scene_linear: linear}\n"
                    "file_rules: [!<Rule> {name: Default, colorspace: default}]\n"
                    "displays: {}\n"
                    "colorspaces:\n"
                    "  - !<ColorSpace> {name: raw, isdata: true}\n"
                    "  - !<ColorSpace> {name: linear}\n")
    t = ColourTransforms(ColourConfig(config=str(path)))
    assert t.input_space("float") == "linear"
    with pytest.raises(ColourError, match="input_space"):
        t.input_space("uint8")


@pytest.mark.parametrize("levels", [255, 65535], ids=["8bit", "16bit"])
def test_srgb_integer_round_trip_is_exact_within_half_precision(transforms, levels):
    codes = np.arange(levels + 1, dtype=np.float64)
    if levels > 255:
        codes = codes[::7]
    source = (codes / levels).astype(np.float32)
    rgb = np.ascontiguousarray(np.stack([source, source[::-1], np.roll(source, 17)], -1)[None])
    working = transforms.to_working(rgb, SRGB)
    back = transforms.from_working(working, transforms.output_space(SRGB))
    assert _relative_error(back, rgb) < HALF_EPS
    assert np.array_equal(np.rint(back * levels), np.rint(rgb * levels))  # every code value survives


def test_linear_exr_round_trip_and_other_output_space(transforms):
    rng = np.random.default_rng(0)
    hdr = rng.uniform(-0.05, 40.0, (64, 64, 3)).astype(np.float16).astype(np.float32)  # half EXR values
    back = transforms.from_working(transforms.to_working(hdr, "lin_rec709"), "lin_rec709")
    assert _relative_error(back, hdr) < HALF_EPS
    assert np.array_equal(transforms.to_working(hdr, "ACEScg"), hdr)  # source = working: untouched
    # To a different output space and back again
    cct = transforms.from_working(hdr, "ACEScct")
    assert not np.allclose(cct, hdr)
    assert _relative_error(transforms.to_working(cct, "ACEScct"), hdr) < HALF_EPS


def test_known_conversion_values(transforms):
    white_srgb = np.full((1, 1, 3), 1.0, np.float32)
    mid = np.full((1, 1, 3), 0.5, np.float32)
    lin = ColourTransforms(ColourConfig(working_space="lin_rec709"))
    assert np.allclose(lin.to_working(white_srgb, SRGB), 1.0, atol=1e-6)
    assert np.allclose(lin.to_working(mid, SRGB), 0.21404, atol=1e-4)  # sRGB EOTF(0.5)
    red = np.array([[[1.0, 0.0, 0.0]]], np.float32)
    assert np.allclose(transforms.to_working(red, "lin_rec709"), [0.61310, 0.07019, 0.02062], atol=1e-4)


def test_working_to_srgb8_returns_the_source_codes(transforms, astronaut):
    working = transforms.to_working(astronaut.astype(np.float32) / 255.0, SRGB)
    srgb8 = transforms.working_to_srgb8(working)
    assert srgb8.dtype == np.uint8 and srgb8.shape == astronaut.shape
    assert np.array_equal(srgb8, astronaut)
    hot = transforms.working_to_srgb8(np.array([[[8.0, -1.0, 0.0]]], np.float32))
    assert hot.tolist() == [[[255, 0, 0]]]


def test_inplace_and_copy_semantics(transforms):
    rgb = np.full((2, 2, 3), 0.5, np.float32)
    copy = transforms.to_working(rgb, SRGB)
    assert copy is not rgb and np.all(rgb == 0.5)
    same = transforms.to_working(rgb, SRGB, inplace=True)
    assert same is rgb and np.allclose(rgb, copy)


def test_threaded_conversion_matches_single_thread():
    rgb = np.random.default_rng(3).random((700, 500, 3), dtype=np.float32)  # above the parallel threshold
    one = ColourTransforms(threads=1).to_working(rgb, SRGB)
    four = ColourTransforms(threads=4).to_working(rgb, SRGB)
    assert np.array_equal(one, four) and not np.array_equal(one, rgb)


def test_every_ocio_call_runs_after_the_avx_state_is_cleared_on_its_thread(monkeypatch):
    """OCIO's SSE code runs ~10x slower on a thread an EXR read left with dirty upper AVX registers (issue 13): each
    band of a conversion clears them on the thread that converts it, float and integer paths alike."""
    cleared = []
    real = colour.clear_avx_upper_state
    monkeypatch.setattr(colour, "clear_avx_upper_state", lambda: (cleared.append(threading.get_ident()), real()))
    transforms = ColourTransforms(threads=2)
    rgb = np.random.default_rng(3).random((600, 640, 3), dtype=np.float32)  # past _PARALLEL_MIN_PIXELS: 2 bands
    transforms.convert(rgb, "ACEScg", SRGB)
    assert len(cleared) == 2 and threading.get_ident() not in cleared
    cleared.clear()
    transforms.convert(rgb[:8], "ACEScg", SRGB)  # small: one call, on the caller's thread
    assert cleared == [threading.get_ident()]
    codes = np.zeros((600, 640, 3), np.uint16)
    transforms.to_working_codes(codes, SRGB)  # builds and checks the table processor first
    cleared.clear()
    transforms.to_working_codes(codes, SRGB)
    assert len(cleared) == 2 and threading.get_ident() not in cleared


def test_shape_guard(transforms):
    with pytest.raises(ShapeError, match=r"expected \(H, W, 3\) float32, got \(4, 4\) float32"):
        transforms.to_working(np.zeros((4, 4), np.float32), SRGB)
    with pytest.raises(ShapeError, match="float64"):
        transforms.to_working(np.zeros((4, 4, 3)), SRGB)


@pytest.mark.parametrize("depth", [np.uint8, np.uint16])
@pytest.mark.parametrize("space", [SRGB, "ACEScct", "Linear Rec.709 (sRGB)", "Gamma 2.2 Rec.709 - Texture"])
def test_integer_conversion_is_bit_identical_to_the_float_path(space, depth):
    transforms = ColourTransforms(threads=2)
    top = np.iinfo(depth).max
    codes = np.random.default_rng(1).integers(0, top + 1, (700, 600, 3)).astype(depth)  # banded on two threads
    codes[0, :256] = np.linspace(0, top, 256).astype(depth)[:, None]
    want = transforms.to_working(unit_scale(codes), space)
    got = transforms.to_working_codes(codes[:, 50:], space)  # a window: a strided view of the decoded frame
    assert got.dtype == np.float32 and np.array_equal(got, want[:, 50:])
    assert transforms._codes_processor(space, depth) is not None  # the fast table path was taken


def test_integer_conversion_falls_back_where_the_table_would_change_the_result(monkeypatch):
    import ned_core.io.colour as colour

    real = colour._apply_codes

    def off_by_a_bit(proc, codes, out):
        real(proc, codes, out)
        out += np.float32(1e-6)

    monkeypatch.setattr(colour, "_apply_codes", off_by_a_bit)
    transforms = ColourTransforms()
    codes = np.arange(256 * 3, dtype=np.uint16).reshape(16, 16, 3).astype(np.uint8)
    assert np.array_equal(transforms.to_working_codes(codes, SRGB), transforms.to_working(unit_scale(codes), SRGB))
    assert transforms._codes_processor(SRGB, np.uint8) is None


@pytest.mark.parametrize("src,dst", [("ACEScg", SRGB), (SRGB, "ACEScg"), ("ACEScg", "ACES2065-1"),
                                     ("ACEScg", "ACEScct"), ("Linear Rec.709 (sRGB)", "Gamma 2.2 Rec.709 - Texture")])
def test_conversion_gives_exactly_what_ocio_apply_rgb_gives(src, dst):
    """The packed-image apply (faster) changes no value: negatives, above 1, huge, inf and NaN included, banded."""
    rng = np.random.default_rng(5)
    rgb = rng.uniform(-0.5, 4.0, (600, 640, 3)).astype(np.float32)  # past _PARALLEL_MIN_PIXELS: banded
    rgb[0, :6] = [[np.inf, 0, 1], [-np.inf, 2, 0], [np.nan, 0.5, 0.5], [1e30, -1e30, 0], [0, 0, 0], [1, 1, 1]]
    want = rgb.copy()
    transforms = ColourTransforms(threads=2)
    transforms.processor(src, dst).applyRGB(want)
    got = transforms.convert(rgb, src, dst)
    assert np.array_equal(got, want, equal_nan=True) and not np.array_equal(got, rgb, equal_nan=True)


def test_quantise8_clips_scales_and_rounds_half_to_even_in_place():
    ties = (np.arange(255, dtype=np.float32) + np.float32(0.5)) / np.float32(255)  # about k + 0.5 after * 255
    values = np.concatenate([ties, np.random.default_rng(2).uniform(-0.2, 1.2, 3000).astype(np.float32),
                             np.float32([-np.inf, np.inf, 0, 1, 1e-9, 0.9999999])])
    srgb = values.reshape(-1, 1, 3)
    want = np.rint(np.clip(srgb, 0, 1) * np.float32(255)).astype(np.uint8)  # the float32 product, half to even
    got = colour.quantise8(srgb)
    assert got.dtype == np.uint8 and np.array_equal(got, want)
    assert np.array_equal(srgb, want.astype(np.float32))  # overwritten: no frame-sized temporaries
    assert colour.quantise8(np.float32([[[0.5 / 255, 1.5 / 255, 2.5 / 255]]])).tolist() == [[[0, 2, 2]]]


def test_display_codes_stay_within_one_of_the_lossless_conversion_and_rarely_move(transforms):
    """``to_srgb8`` (the analysis' input from float sources, issue 13: OCIO's default optimisation, half the CPU of the
    lossless processor) gives the lossless conversion's 8-bit codes but where a value lay within ~1e-5 of a rounding
    edge: never more than one code off, on few samples, over scene-linear pictures with highlights."""
    rng = np.random.default_rng(7)
    scene = np.concatenate([rng.random((256, 256, 3), np.float32) ** 3 * 1.2,
                            np.exp(rng.normal(-2.0, 2.0, (256, 256, 3))).astype(np.float32)])
    lossless = colour.quantise8(transforms.convert(scene, "ACEScg", SRGB))
    fast = transforms.to_srgb8(scene.copy(), "ACEScg")
    moved = np.abs(fast.astype(int) - lossless)
    assert fast.dtype == np.uint8 and moved.max() <= 1
    assert 0 < moved.sum() <= 1e-3 * moved.size  # the cheaper processor is in use, and its codes seldom move
    assert transforms.display_processor("ACEScg").getCacheID() != transforms.processor("ACEScg", SRGB).getCacheID()


def test_to_srgb8_overwrites_its_input_and_refuses_strided_arrays(transforms):
    rgb = np.full((4, 4, 3), 0.18, np.float32)
    codes = transforms.to_srgb8(rgb, "ACEScg")
    assert codes.shape == (4, 4, 3) and np.array_equal(rgb, codes.astype(np.float32))
    with pytest.raises(ShapeError):
        transforms.to_srgb8(np.zeros((4, 8, 3), np.float32)[:, ::2], "ACEScg")
