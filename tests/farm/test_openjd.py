"""`ned farm openjd` writes a job bundle that `openjd check` accepts and `openjd run` renders end to end: the
plates equal one `ned render` of the shot, byte for byte; a re-run chunk touches no other chunk's plates."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import yaml

FRAMES = 64  # long_shot's length
OPTIONS = ("--emotion", "fear", "--seed", "3")


def openjd(*args) -> list[str]:
    return [str(Path(sys.executable).parent / "openjd"), *args]


def test_openjd_bundle_renders_the_same_plates_as_ned_render(long_shot, run, exr_pixels, tmp_path):
    """Exported where the studio's storage is mounted at one path (``submit_view``), run on a worker that mounts
    it elsewhere (``storage``): OpenJD's path mapping rules remap the PATH job parameters."""
    single = tmp_path / "single"
    run("ned", "render", long_shot, *OPTIONS, "--out", single, "--cache-dir", tmp_path / "cache_single", "--quiet")
    storage, submit_view = tmp_path / "storage", tmp_path / "submit_view"
    storage.mkdir()
    (storage / "shots").symlink_to(Path(long_shot).parent)
    submit_view.symlink_to(storage)  # the submitting machine's mount of the same storage
    source = str(submit_view / "shots" / Path(long_shot).name)
    plates, bundle, cache = submit_view / "plates", tmp_path / "bundle", submit_view / "cache"
    exported = run("ned", "farm", "openjd", source, *OPTIONS, "--out", plates, "--cache-dir", cache,
                   "--chunk-size", "25", "--bundle", bundle, "--report")
    assert "3 render tasks" in exported.stdout
    assert sorted(p.name for p in bundle.iterdir()) == ["asset_references.yaml", "parameter_values.yaml",
                                                        "template.yaml"]
    assert "passes validation" in run(*openjd("check", bundle / "template.yaml")).stdout
    values = {v["name"]: v["value"] for v in yaml.safe_load((bundle / "parameter_values.yaml").read_text())[
        "parameterValues"]}
    assert values["Frames"] == f"1-{FRAMES}" and values["ChunkSize"] == 25 and values["CacheDir"] == str(cache)
    assert values["Source"] == source and values["OutputDir"] == str(plates)

    submit_view.unlink()  # the worker does not see the submitter's mount point
    plates, cache = storage / "plates", storage / "cache"
    rules = {"version": "pathmapping-1.0", "path_mapping_rules": [
        {"source_path_format": "POSIX", "source_path": str(submit_view), "destination_path": str(storage)}]}
    done = run(*openjd("run", bundle / "template.yaml", *[a for k, v in values.items() for a in ("-p", f"{k}={v}")],
                       "--path-mapping-rules", json.dumps(rules)))
    log = done.stdout
    chunks = [tuple(map(int, m)) for m in re.findall(r"chunk (\d+)-(\d+) of 1-64: ", log)]
    assert len(chunks) == 3  # (openjd's local runner evens out the chunks: 22 + 21 + 21 frames)
    assert sorted(n for a, b in chunks for n in range(a, b + 1)) == list(range(1, FRAMES + 1))
    assert log.count("openjd_progress: 100.0") == 5  # the analysis task, each chunk and the report report progress
    names = sorted(p.name for p in single.glob("*.exr"))
    assert len(names) == FRAMES and sorted(p.name for p in plates.glob("*.exr")) == names
    assert [n for n in names if exr_pixels(single / n) != exr_pixels(plates / n)] == []
    assert [p.name for p in plates.iterdir() if p.name not in names] == ["eval"]  # no temporary or partial file
    # the finishing task's eval report of the chunked plates: fear measured on all 64 frames
    report = json.loads((plates / "eval" / "eval.json").read_text())
    assert len(report["source_emotion"]) == FRAMES and report["source_emotion_rate"] is not None
    assert any(note.startswith("emotion recognised as fear: source ") for note in report["notes"])
    assert (plates / "eval" / "eval.html").is_file()

    # a failed chunk re-run by the engine: its own plates are replaced (same bytes), no other file is touched
    before = {p.name: os.stat(p) for p in plates.glob("*.exr")}
    run("ned", "farm", "task", "render", storage / "shots" / Path(long_shot).name, "--out", plates, "--cache-dir",
        cache, "--shot-frames", f"1-{FRAMES}", "--frames", "26-50", *OPTIONS)
    after = {p.name: os.stat(p) for p in plates.glob("*.exr")}
    rewritten = sorted(n for n in names if after[n].st_ino != before[n].st_ino)
    assert rewritten == [f"talk.ned.{n:04d}.exr" for n in range(26, 51)]
    assert all(after[n].st_mtime_ns == before[n].st_mtime_ns for n in names if n not in rewritten)
    assert [n for n in rewritten if exr_pixels(single / n) != exr_pixels(plates / n)] == []
