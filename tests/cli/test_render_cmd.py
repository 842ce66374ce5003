"""`ned render` as a user runs it: a real subprocess on real files; plates, composites, preview, errors.

The shot is a short synthetic speaking actor (Grace Hopper, 384x384, 12 frames) written as PNGs;
its ground-truth mesh says where the face is in every frame.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.composite import merge_over
from ned_core.face3d import EmbeddedFaceModel
from ned_core.face3d.channels import EMOTIONS
from ned_core.io.exr import read_face_plate
from ned_core.io.plates import open_plates
from ned_core.models import ModelStore
from ned_core.source_digest import source_digest
from ned_core.synthetic import SyntheticActorConfig, make_synthetic_actor, sample_photo, write_png_sequence

NED = [sys.executable, "-m", "ned_core.cli.main"]
FIRST, FRAMES = 1001, 12
HOPPER_CROP = (slice(40, 424), slice(70, 454))  # 384x384 around Grace Hopper's face (rows, columns)
PLATE_CHANNELS = ("R", "G", "B", "A", "facemask.A")
ANALYSIS_MODELS = ("face_detection_short_range", "face_detection_full_range", "face_landmark", "iris_landmark")


def _command(workdir: Path, *args: str) -> dict:
    return {"args": [*NED, *map(str, args)], "cwd": workdir, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE,
            "text": True, "env": {**os.environ, "NED_CACHE_DIR": str(workdir / "cache")}}


def run_ned(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(**_command(workdir, *args), timeout=300, check=False)


def run_ned_together(workdir: Path, commands: dict[str, list[str]]) -> dict[str, subprocess.CompletedProcess]:
    """Run several ``ned`` commands at once (they share nothing but the analysis cache); wait for all."""
    started = {name: subprocess.Popen(**_command(workdir, *args)) for name, args in commands.items()}
    done = {}
    for name, proc in started.items():
        out, err = proc.communicate(timeout=300)
        done[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return done


def _write_png(path: Path, rgb: np.ndarray) -> Path:
    assert oiio.ImageBuf(np.ascontiguousarray(rgb)).write(str(path))
    return path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("render_cmd")


@pytest.fixture(scope="module")
def actor(workdir):
    """The 12-frame speaking actor (``SyntheticClip``) and its PNG sequence pattern ``actor.####.png``."""
    config = AnalysisConfig(num_threads=1)
    clip = make_synthetic_actor(np.ascontiguousarray(sample_photo("grace_hopper")[HOPPER_CROP]),
                                SyntheticActorConfig(num_frames=FRAMES, seed=1, smile_episodes=0,
                                                     blinks_per_minute=0.0),
                                FaceMeshModels.load(config=config), EmbeddedFaceModel.from_mean_face(), config)
    write_png_sequence(clip.frames, workdir / "actor", "actor", FIRST)
    return clip, str(workdir / "actor" / "actor.####.png")


@pytest.fixture(scope="module")
def renders(workdir, actor):
    """The same job run twice (the second run takes the analysis from the cache): plates, composites, preview."""
    args = ["render", actor[1], "--emotion", "happy:0.8", "--seed", "7", "--preview", "--composite", "--json"]
    runs = [run_ned(workdir, *args, "--out", workdir / name) for name in ("first", "second")]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
    return [json.loads(proc.stdout) for proc in runs]


def _plate_header(path: str) -> oiio.ImageSpec:
    inp = oiio.ImageInput.open(path)
    assert inp is not None, oiio.geterror()
    spec = inp.spec()
    inp.close()
    return spec


def test_same_request_and_seed_give_identical_files(renders):
    first, second = renders
    assert len(first["plates"]) == FRAMES and first["no_face_frames"] == [] and first["warnings"] == []
    for key in ("plates", "composite"):
        assert [Path(p).name for p in first[key]] == [Path(p).name for p in second[key]]
        for a, b in zip(first[key], second[key]):
            assert Path(a).read_bytes() == Path(b).read_bytes(), f"{Path(a).name} differs between the two runs"
    assert Path(first["preview"]).read_bytes() == Path(second["preview"]).read_bytes()


def test_plates_have_the_documented_layout(renders, actor):
    clip, _ = actor
    height, width = clip.frames.shape[1:3]
    checksums = {name: ModelStore().checksum(name) for name in ANALYSIS_MODELS}
    for index, path in enumerate(renders[0]["plates"]):
        spec = _plate_header(path)
        assert (spec.full_x, spec.full_y, spec.full_width, spec.full_height) == (0, 0, width, height)
        x0, y0, x1, y1 = spec.x, spec.y, spec.x + spec.width, spec.y + spec.height
        lo, hi = clip.landmarks[index, :, :2].min(axis=0), clip.landmarks[index, :, :2].max(axis=0)
        assert x0 <= lo[0] and y0 <= lo[1] and hi[0] <= x1 and hi[1] <= y1  # the face is inside the data window
        assert spec.width * spec.height < 0.75 * width * height  # and the window is a face box, not the frame
        assert tuple(spec.channelnames) == PLATE_CHANNELS and spec.format == oiio.HALF
        assert spec.get_string_attribute("compression") == "dwaa"
        assert spec.getattribute("openexr:dwaCompressionLevel") == 45
        frame = FIRST + index
        assert Path(path).name == f"actor.ned.{frame}.exr"
        assert spec.getattribute("ned/frame") == frame and spec.getattribute("ned/source_frame") == frame
        assert spec.getattribute("ned/has_face") == 1
        assert spec.getattribute("ned/emotion") == "happy:0.8" and spec.getattribute("ned/seed") == "7"
        for name, checksum in checksums.items():
            assert spec.getattribute(f"ned/model/{name}") == checksum
        assert spec.getattribute("ned/code") == source_digest()  # the code that made it, not only the version


def _composites(first: dict, pattern: str):
    """Per frame: the composite EXR's RGB, the source frame and the plate read from its file."""
    with open_plates(pattern) as source:
        for plate_path, comp_path in zip(first["plates"], first["composite"]):
            plate, _ = read_face_plate(plate_path)
            spec = _plate_header(comp_path)
            assert (spec.x, spec.y, spec.width, spec.height) == (0, 0, *plate.display_size)
            yield oiio.ImageBuf(comp_path).get_pixels(oiio.FLOAT)[..., :3], source.read(plate.frame).rgb, plate


def test_composite_is_the_source_outside_the_face_and_edited_inside(renders, actor):
    for comp, source, plate in _composites(renders[0], actor[1]):
        x0, y0, x1, y1 = plate.data_window
        outside = np.ones(source.shape[:2], bool)
        outside[y0:y1, x0:x1] = False
        np.testing.assert_array_equal(comp[outside], source[outside].astype(np.float16))
        assert np.abs(comp[~outside] - source[~outside]).max() > 0.01
        np.testing.assert_allclose(comp, merge_over(source, plate), atol=0.05)  # within DWAA:45 of the plate


def test_composite_is_the_plate_file_merged_over_the_source(renders, actor):
    for comp, source, plate in _composites(renders[0], actor[1]):
        # both sides carry half rounding: the written composite, and the plate it is compared with
        np.testing.assert_allclose(comp, merge_over(source, plate), rtol=2.0**-9, atol=2.0**-12)


def test_preview_has_every_frame(renders, actor):
    preview = renders[0]["preview"]
    assert preview is not None and Path(preview).suffix == ".mp4"
    with av.open(preview) as movie:
        stream = movie.streams.video[0]
        frames = list(movie.decode(stream))
        assert stream.average_rate == Fraction(24)  # a PNG sequence has no rate: the default
    assert len(frames) == FRAMES
    assert (frames[0].width, frames[0].height) == actor[0].frames.shape[2:0:-1]


def test_frames_without_a_face_get_transparent_plates(workdir, actor):
    clip, _ = actor
    black = (FIRST + 2, FIRST + 3)
    frames = clip.frames[:8].copy()
    frames[[b - FIRST for b in black]] = 0
    write_png_sequence(frames, workdir / "gap", "gap", FIRST)
    proc = run_ned(workdir, "render", workdir / "gap" / "gap.####.png", "--emotion", "sad",
                   "--out", workdir / "gap_out", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "no face in 2 frames (1003..1004)" in proc.stdout
    assert "warning:" in proc.stderr and "transparent" in proc.stderr
    plates = sorted((workdir / "gap_out").glob("gap.ned.*.exr"))
    assert [int(p.name.split(".")[2]) for p in plates] == list(range(FIRST, FIRST + 8))
    for path in plates:
        plate, meta = read_face_plate(path)
        if plate.frame in black:
            assert meta.params["has_face"] == 0 and not plate.rgba.any() and not plate.mask.any()
        else:
            assert meta.params["has_face"] == 1 and plate.mask.max() > 0.99


def test_keyframed_change(workdir, actor):
    keys = {"schema": "EmotionKeys.1",
            "keys": [{"frame": FIRST, "emotion": "neutral"}, {"frame": FIRST + 8, "emotion": "happy", "transition": 4}]}
    (workdir / "keys.json").write_text(json.dumps(keys))
    proc = run_ned(workdir, "render", actor[1], "--keys", workdir / "keys.json", "--out", workdir / "keys_out",
                   "--quiet", "--json")
    assert proc.returncode == 0, proc.stderr
    plates = json.loads(proc.stdout)["plates"]
    assert len(plates) == FRAMES
    change = []
    with open_plates(actor[1]) as source:
        for path in plates:
            plate, meta = read_face_plate(path)
            assert json.loads(meta.params["emotion_keys"])["keys"][1]["emotion"] == {"happy": 1.0}
            x0, y0, x1, y1 = plate.data_window
            rgb = source.read(plate.frame).rgb
            srgb = source.colour.working_to_srgb8
            diff = srgb(merge_over(rgb, plate)).astype(float) - srgb(rgb)
            change.append(np.abs(diff[y0:y1, x0:x1]).mean(axis=2)[plate.mask > 0.5].mean())
    # neutral on a neutral actor changes nothing but DWA noise (measured ~1 level); the smile arrives over
    # frames 1005-1009 (measured 1.1, 2.4, 4.8, 6.4, 7.2, then ~7)
    assert max(change[:4]) < 1.5 and min(change[8:]) > 4.0
    assert all(later >= earlier - 0.3 for earlier, later in itertools.pairwise(change[:9]))  # a smooth rise


@pytest.fixture(scope="module")
def bad_runs(workdir, actor):
    """Every bad request at once: ``{name: (completed process, output folder)}``."""
    astronaut, hopper = sample_photo("astronaut"), sample_photo("grace_hopper")
    pair = np.zeros((hopper.shape[0], astronaut.shape[1] + hopper.shape[1], 3), np.uint8)
    pair[: astronaut.shape[0], : astronaut.shape[1]] = astronaut
    pair[:, astronaut.shape[1]:] = hopper
    two_faces = _write_png(workdir / "two_faces.png", pair)
    no_face = _write_png(workdir / "no_face.png", np.full((256, 256, 3), 40, np.uint8))
    cases = {
        "track": [two_faces, "--emotion", "happy", "--track", "7"],
        "intensity": [actor[1], "--emotion", "happy:2"],
        "emotion": [actor[1], "--emotion", "joy"],
        "reference": [actor[1], "--reference", no_face],
        "learned": [actor[1], "--emotion", "happy", "--director", "learned"],
        "unit_name": [actor[1], "--emotion", "happy", "--unit", "brow_up=0.5"],
        "unit_range": [actor[1], "--emotion", "happy", "--unit", "brow_inner_up=-2"],
    }
    done = run_ned_together(workdir, {name: ["render", *args, "--out", workdir / f"bad_{name}", "--quiet"]
                                      for name, args in cases.items()})
    return {name: (proc, workdir / f"bad_{name}") for name, proc in done.items()}


@pytest.mark.parametrize(("case", "mentions"), [
    ("track", ("7", "[0, 1]")),  # the ids the shot has
    ("intensity", ("happy:2", "1.5")),
    ("emotion", ("joy", *EMOTIONS)),
    ("reference", ("no_face.png", "no face")),
    ("learned", ("--checkpoint",)),
    ("unit_name", ("brow_up", "valid units", "brow_inner_up", "lip_corner_pull_L")),
    ("unit_range", ("brow_inner_up", "-1.5..1.5")),
])
def test_bad_request_is_a_one_line_error(bad_runs, case, mentions):
    proc, out_dir = bad_runs[case]
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and errors[0].startswith("ned: error: ") and proc.stderr.rstrip().endswith(errors[0])
    for text in mentions:
        assert text in errors[0]
    assert not list(out_dir.glob("**/*.exr"))  # nothing written


def test_two_renders_into_one_folder_one_writes_the_other_gets_a_clear_error(workdir, actor):
    folder = workdir / "together"
    done = run_ned_together(workdir, {emotion: ["render", actor[1], "--emotion", emotion, "--frames", "1001-1004",
                                                "--out", folder, "--json", "--quiet"] for emotion in ("sad", "happy")})
    winners = [name for name, proc in done.items() if proc.returncode == 0]
    assert len(winners) == 1, {name: proc.stderr[-500:] for name, proc in done.items()}
    loser = done[{"sad": "happy", "happy": "sad"}[winners[0]]]
    assert loser.returncode == 2 and "Traceback" not in loser.stderr
    assert "another render is writing into this folder right now" in loser.stderr.strip().splitlines()[-1]
    plates = json.loads(done[winners[0]].stdout)["plates"]
    assert sorted(str(p) for p in folder.glob("*.exr")) == sorted(plates) and len(plates) == 4
    for plate in plates:  # every plate is the winner's
        assert winners[0] in _plate_header(plate).get_string_attribute("ned/emotion")


def test_broken_files_give_one_line_on_stderr_without_library_noise(workdir, tmp_path):
    good = _write_png(tmp_path / "good.png", np.full((64, 64, 3), 90, np.uint8)).read_bytes()
    (tmp_path / "truncated.png").write_bytes(good[:len(good) // 2])  # libpng complains on its own
    (tmp_path / "garbage.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + bytes(range(256)) * 20)  # FFmpeg does too
    done = run_ned_together(workdir, {name: ["render", tmp_path / name, "--emotion", "happy", "--out",
                                             tmp_path / f"out_{name}", "--quiet"]
                                      for name in ("truncated.png", "garbage.mp4")})
    for name, proc in done.items():
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1, proc.stderr
        assert lines[0].startswith("ned: error: ") and name in lines[0]


def test_stmap_flag_adds_a_float_stmap_layer_to_every_plate(workdir, actor):
    """`--stmap`: stmap.u/v in 32-bit float next to the half plate channels, recorded in the header (the map's
    content is checked in tests/pipeline/test_stmap_render.py)."""
    proc = run_ned(workdir, "render", actor[1], "--emotion", "surprised", "--frames", "1001-1003", "--stmap",
                   "--out", workdir / "stmap", "--json")
    assert proc.returncode == 0, proc.stderr
    plates = json.loads(proc.stdout)["plates"]
    assert len(plates) == 3
    for path in plates:
        spec = _plate_header(path)
        formats = dict(zip(spec.channelnames, (str(f) for f in spec.channelformats)))
        assert formats == {**{c: "half" for c in PLATE_CHANNELS}, "stmap.u": "float", "stmap.v": "float"}
        assert "u = (x + 0.5) / width, v = 1 - (y + 0.5) / height" in spec.get_string_attribute("ned/stmap")
        plate, _ = read_face_plate(path)
        assert plate.stmap.shape == (spec.height, spec.width, 2)


def test_paint_bridged_flag_sets_which_bridged_frames_are_painted_and_records_it(workdir, actor):
    """`--paint-bridged held|all|none` (default held: frames where another face passes in front) reaches the
    compositor and every plate records it; an unknown choice is refused before any work."""
    for choice, recorded in ((None, "held"), ("none", "none"), ("all", "all")):
        flag = () if choice is None else ("--paint-bridged", choice)
        proc = run_ned(workdir, "render", actor[1], "--emotion", "happy", "--frames", "1001-1002", *flag,
                       "--out", workdir / f"paint_{recorded}", "--json")
        assert proc.returncode == 0, proc.stderr
        for path in json.loads(proc.stdout)["plates"]:
            assert _plate_header(path).get_string_attribute("ned/bridged_painted") == recorded
    proc = run_ned(workdir, "render", actor[1], "--emotion", "happy", "--paint-bridged", "some",
                   "--out", workdir / "paint_bad")
    assert proc.returncode == 2 and "--paint-bridged" in proc.stderr and not (workdir / "paint_bad").exists()
