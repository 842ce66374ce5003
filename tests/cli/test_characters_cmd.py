"""Characters across cuts: `ned analyze` groups tracks, applies the artist's edits and writes a contact sheet;
`ned render/eval --character ID|all` edit and measure that person in every shot."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from ned_core.cli.main import cli
from ned_core.io.exr import read_face_plate
from ned_core.pipeline.character_sheet import THUMB, TILE
from ned_core.synthetic import sample_photo, write_png_sequence

SIZE = (480, 360)  # W, H
ASTRONAUT_FRAMES = set(range(1001, 1006)) | set(range(1011, 1016))


def _placed(photo: np.ndarray, scale: float, dx: float) -> np.ndarray:
    return cv2.warpAffine(photo, np.array([[scale, 0, dx], [0, scale, 0]]), SIZE)


@pytest.fixture(scope="module")
def cuts(tmp_path_factory) -> str:
    """Astronaut (1001-1005), hard cut to Grace Hopper (1006-1010), cut back to a closer astronaut (1011-1015)."""
    astronaut, hopper = sample_photo("astronaut"), sample_photo("grace_hopper")
    frames = ([_placed(astronaut, 0.7, 60 + 2 * i) for i in range(5)]
              + [_placed(hopper, 0.6, 100 - 2 * i) for i in range(5)]
              + [_placed(astronaut, 0.9, -40 + 2 * i) for i in range(5)])
    folder = tmp_path_factory.mktemp("cuts")
    write_png_sequence(np.stack(frames), folder, "cuts", 1001)
    return str(folder / "cuts.####.png")


def analyze(*args: str):
    return CliRunner().invoke(cli, ["analyze", *args, "--no-cache", "--quiet"])


@pytest.fixture(scope="module")
def analysed(cuts, tmp_path_factory):
    out = tmp_path_factory.mktemp("analysis")
    result = analyze(cuts, "--out", str(out))
    assert result.exit_code == 0, result.output
    return json.loads((out / "analysis.json").read_text()), out, result.stdout


def _frames(doc, track_ids) -> set[int]:
    tracks = {t["id"]: t for t in doc["tracks"]}
    return {f for t in track_ids for f in range(tracks[t]["first_frame"], tracks[t]["last_frame"] + 1)}


def test_the_same_actor_in_two_shots_is_one_character(analysed):
    doc, _, stdout = analysed
    characters = doc["characters"]["characters"]
    astronaut = [c for c in characters if _frames(doc, c["tracks"]) & ASTRONAUT_FRAMES]
    assert len(astronaut) == 1 and _frames(doc, astronaut[0]["tracks"]) == ASTRONAUT_FRAMES
    assert astronaut[0]["frames"] == "1001-1005,1011-1015"
    for c in characters:  # never two faces at once in one character
        spans = [_frames(doc, [t]) for t in c["tracks"]]
        assert sum(map(len, spans)) == len(set().union(*spans)), c
    assert "dlib_face_recognition_resnet_model_v1" in doc["characters"]["method"]
    assert f"character {astronaut[0]['id']}: tracks" in stdout


def test_analyze_prints_and_writes_the_shots(analysed):
    doc, _, stdout = analysed
    assert [(s["first_frame"], s["last_frame"], s["starts_with"]) for s in doc["shots"]] == [
        (1001, 1005, "start"), (1006, 1010, "cut"), (1011, 1015, "cut")]
    for line in ("shot 0: frames 1001-1005 (start)", "shot 1: frames 1006-1010 (cut)",
                 "shot 2: frames 1011-1015 (cut)"):
        assert line in stdout.splitlines(), stdout


def test_contact_sheet_has_a_face_per_character(analysed):
    doc, out, _ = analysed
    sheet = cv2.imread(str(out / doc["characters"]["sheet"]))
    count = len(doc["characters"]["characters"])
    assert sheet.shape[1] == TILE * min(count, 4)
    for i in range(count):  # every tile holds a picture, not the empty background
        tile = sheet[8:188, (i % 4) * TILE + 20:(i % 4) * TILE + 200]
        assert tile.std() > 20, f"tile {i} is empty"
        # under it the caption: its id, its tracks, its frame ranges, three lines of light text on the background
        caption = (sheet[8 + THUMB:, (i % 4) * TILE:(i % 4 + 1) * TILE] > 180).any(axis=(1, 2))
        lines = int(caption[0]) + int((caption[1:] & ~caption[:-1]).sum())
        assert lines >= 3, f"tile {i}: {lines} caption lines"


def test_edits_split_a_track_off_and_are_recorded(cuts, analysed, tmp_path):
    doc, _, _ = analysed
    last = max(t["id"] for t in doc["tracks"] if t["first_frame"] >= 1011)
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps({"schema": "NedCharacterEdits.1", "split": [last]}))
    result = analyze(cuts, "--characters", str(edits), "--json")
    assert result.exit_code == 0, result.output
    people = json.loads(result.stdout)["characters"]
    assert [last] in [c["tracks"] for c in people["characters"]]
    assert people["edits"] == {"schema": "NedCharacterEdits.1", "merge": [], "split": [last]}


def test_edits_naming_unknown_ids_exit_2_listing_them(cuts, tmp_path):
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps({"schema": "NedCharacterEdits.1", "merge": [[0, 41, 42]]}))
    result = analyze(cuts, "--characters", str(edits))
    assert result.exit_code == 2
    assert "unknown track ids [41, 42]; tracks: [0," in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _astronaut(doc) -> dict:
    return next(c for c in doc["characters"]["characters"] if _frames(doc, c["tracks"]) & ASTRONAUT_FRAMES)


def render(*args: str):
    return CliRunner().invoke(cli, ["render", *args, "--emotion", "happy", "--quiet", "--no-cache"])


def test_render_character_edits_that_person_in_every_shot_and_nobody_else(cuts, analysed, tmp_path):
    doc, _, _ = analysed
    person = _astronaut(doc)
    result = render(cuts, "--character", str(person["id"]), "--out", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    for path in sorted(tmp_path.glob("*.exr")):
        plate, meta = read_face_plate(path)
        assert meta.params["character"] == str(person["id"]) and not plate.faces
        edited = plate.mask.max() > 0.5
        assert edited == (plate.frame in ASTRONAUT_FRAMES), plate.frame  # her frames, both shots; no other face


def test_character_ids_do_not_depend_on_frames(cuts, analysed, tmp_path):
    """A sub-range starting in Grace Hopper's shot: the astronaut keeps the id the whole analysis gave her."""
    doc, _, _ = analysed
    person = _astronaut(doc)
    out = tmp_path / "analysis"
    assert analyze(cuts, "--frames", "1006-1013", "--out", str(out)).exit_code == 0
    part = json.loads((out / "analysis.json").read_text())["characters"]["characters"]
    assert [c["tracks"] for c in part if c["id"] == person["id"]] == [person["tracks"]]
    result = render(cuts, "--character", str(person["id"]), "--frames", "1006-1013", "--out", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    edited = {read_face_plate(p)[0].frame for p in (tmp_path / "p").glob("*.exr")
              if read_face_plate(p)[0].mask.max() > 0.5}
    assert edited == {1011, 1012, 1013}  # her frames in the range, not Hopper's
    result = render(cuts, "--character", str(person["id"]), "--frames", "1006-1010", "--out", str(tmp_path / "q"))
    assert result.exit_code == 2 and f"character {person['id']} (tracks" in result.stderr, result.output
    assert "is not in frames 1006-1010" in result.stderr


def test_render_character_all_writes_a_layer_per_face(cuts, analysed, tmp_path):
    doc, _, _ = analysed
    result = render(cuts, "--character", "all", "--frames", "1004-1007", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    for path in sorted(tmp_path.glob("*.exr")):
        plate, meta = read_face_plate(path)
        assert meta.params["track"] == "all" and plate.faces, plate.frame
        for layer in plate.faces.values():
            assert layer[..., 3].max() > 0.5


def test_a_default_render_follows_the_main_face_through_the_cuts(cuts, analysed, tmp_path):
    """No face chosen on a range of several shots: its main actor (the astronaut, on screen in 10 of 15 frames,
    though Grace Hopper's face is the more central) is edited in both her shots, Hopper not; one-face plate layout,
    the character recorded."""
    doc, _, _ = analysed
    person = _astronaut(doc)
    result = render(cuts, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    edited = set()
    for path in sorted(tmp_path.glob("*.exr")):
        plate, meta = read_face_plate(path)
        assert meta.params["character"] == str(person["id"]) and not plate.faces, plate.frame
        if plate.mask.max() > 0.5:
            edited.add(plate.frame)
    assert edited == ASTRONAUT_FRAMES


def test_a_default_eval_measures_the_faces_a_default_render_edits(cuts, analysed):
    doc, _, _ = analysed
    result = CliRunner().invoke(cli, ["eval", "shot", cuts, "--emotion", "happy", "--json", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert sorted(map(int, json.loads(result.stdout)["faces"])) == sorted(_astronaut(doc)["tracks"])


@pytest.mark.parametrize("args, message", [
    (("--character", "9"), "no character 9; characters: [0, 1"),
    (("--character", "0", "--track", "0"), "not both"),
])
def test_bad_character_choices_exit_2(cuts, analysed, tmp_path, args, message):
    result = render(cuts, *args, "--out", str(tmp_path))
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert not list(tmp_path.glob("*.exr"))


def test_eval_character_measures_each_of_its_tracks(cuts, analysed):
    doc, _, _ = analysed
    person = _astronaut(doc)
    result = CliRunner().invoke(cli, ["eval", "shot", cuts, "--emotion", "happy", "--character", str(person["id"]),
                                      "--json", "--no-cache"])
    assert result.exit_code == 0, result.output
    faces = json.loads(result.stdout)["faces"]
    assert sorted(map(int, faces)) == sorted(person["tracks"])
    assert all(doc_["summary"]["fapd"] > 0.5 for doc_ in faces.values())


def test_a_second_run_reuses_the_descriptors_and_edits_still_apply(cuts, tmp_path, monkeypatch):
    """Describing tracks (~0.1 s a sample) is cached beside the analysis: a second analyze, an edited grouping
    and a --character render describe nothing; a changed source describes again."""
    from ned_core.analysis.identity import FaceDescriptor

    described = []
    real = FaceDescriptor.describe
    monkeypatch.setattr(FaceDescriptor, "describe", lambda self, chip: described.append(1) or real(self, chip))
    cache = tmp_path / "cache"

    def run(*args: str, source: str = cuts):
        described.clear()
        result = CliRunner().invoke(cli, ["analyze", source, "--cache-dir", str(cache), "--quiet", "--json", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["characters"], len(described)

    first, count = run()
    assert count > 0 and list(cache.glob("*.identities.npz"))
    again, count = run()
    assert count == 0 and again == first
    last = max(t for c in first["characters"] for t in c["tracks"])
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps({"schema": "NedCharacterEdits.1", "split": [last]}))
    edited, count = run("--characters", str(edits))
    assert count == 0 and [last] in [c["tracks"] for c in edited["characters"]] and edited["edits"]["split"] == [last]
    assert len(edited["characters"]) == len(first["characters"]) + 1  # the split really changed the grouping
    described.clear()
    rendered = CliRunner().invoke(cli, ["render", cuts, "--character", "0", "--frames", "1001-1002", "--emotion",
                                        "happy", "--quiet", "--cache-dir", str(cache), "--out", str(tmp_path / "p")])
    assert rendered.exit_code == 0, rendered.output
    assert len(described) == 0
    changed = tmp_path / "changed"
    changed.mkdir()
    for path in sorted(Path(cuts).parent.glob("cuts.*.png")):
        image = cv2.imread(str(path))
        cv2.imwrite(str(changed / path.name), image if "1003" not in path.name else 255 - image)
    _, count = run(source=str(changed / "cuts.####.png"))
    assert count > 0  # another source (one frame differs): described again
