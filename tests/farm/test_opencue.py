"""OpenCue: `ned farm opencue` writes a pyoutline job (CJSL XML) whose layers, chunks and dependencies are the
farm job's; a real RQD, driven by a stand-in of Cuebot (``cuebot_standin.py``), runs its frames layer after layer
and they write plates byte-identical to one `ned render`."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import fileseq
import pytest

pytest.importorskip("outline", reason="OpenCue's pyoutline (the farm and dev extras)")
pytest.importorskip("rqd", reason="OpenCue's RQD (the dev extra)")

from cuebot_standin import CuebotStandIn  # noqa: E402 - after the skips: it needs OpenCue's gRPC modules

FRAMES = 64  # long_shot's length


def _layers(spec: str) -> dict[str, ET.Element]:
    return {layer.get("name"): layer for layer in ET.fromstring(spec.split("?>", 1)[1].split(">", 1)[1])
            .iter("layer")}


def test_opencue_job_renders_the_same_plates_as_ned_render(long_shot, run, farm_env, exr_pixels, tmp_path):
    options = ("--emotion", "fear", "--seed", "5")
    single = tmp_path / "single"
    run("ned", "render", long_shot, *options, "--out", single, "--cache-dir", tmp_path / "c1", "--quiet")
    plates, jobs = tmp_path / "cue plates", tmp_path / "jobs"  # a space: commands must be shell-quoted
    done = run("ned", "farm", "opencue", long_shot, *options, "--out", plates, "--cache-dir", tmp_path / "c2",
               "--chunk-size", "25", "--job-dir", jobs, "--preview")
    spec = (jobs / "ned_talk.cjsl.xml").read_text()
    assert spec.startswith('<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" '
                           '"http://localhost:8080/spcue/dtd/cjsl-1.15.dtd">')
    layers = _layers(spec)
    assert list(layers) == ["analysis", "render", "preview"]
    assert [(layers[n].findtext("range"), layers[n].findtext("chunk")) for n in layers] == [
        ("1", "1"), (f"1-{FRAMES}", "25"), ("1", "1")]
    depends = [(d.findtext("deplayer"), d.findtext("onlayer"), d.get("type"))
               for d in ET.fromstring(spec.split("?>", 1)[1].split(">", 1)[1]).iter("depend")]
    assert depends == [("render", "analysis", "LAYER_ON_LAYER"), ("preview", "render", "LAYER_ON_LAYER")]
    assert "3 render frames" in done.stdout

    # Cuebot's part (stand-in): frames of each layer after the layer it depends on, tokens filled in, sent to RQD
    cuebot = CuebotStandIn(tmp_path, farm_env)
    try:
        for name in ("analysis", "render"):
            frames, chunk = list(fileseq.FrameSet(layers[name].findtext("range"))), int(layers[name].findtext("chunk"))
            for task in (frames[i:i + chunk] for i in range(0, len(frames), chunk)):
                status, log = cuebot.run_frame("ned_talk", name, layers[name].findtext("cmd"), task[0], task[-1])
                assert status == 0, log[-3000:]
                if name == "render":  # chunks run in order: the plates of every frame so far are on disk
                    # (not read from the log: RQD stops reading a frame's output once the process has exited, so
                    # its last lines can be missing from the log on a loaded machine)
                    assert len(list(plates.glob("*.exr"))) == task[-1], log[-3000:]
    finally:
        cuebot.close()
    names = sorted(p.name for p in single.glob("*.exr"))
    assert len(names) == FRAMES and sorted(p.name for p in plates.glob("*.exr")) == names
    assert [n for n in names if exr_pixels(single / n) != exr_pixels(plates / n)] == []


def test_submit_without_a_cuebot_keeps_the_job_and_says_how(long_shot, run, farm_env, tmp_path):
    env_free = {k: v for k, v in farm_env.items() if k not in ("CUEBOT_HOSTS", "OPENCUE_CONFIG_FILE")}
    done = subprocess.run(["ned", "farm", "opencue", long_shot, "--emotion", "sad", "--out", str(tmp_path / "p"),
                           "--job-dir", str(tmp_path / "jobs"), "--submit"], env=env_free, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2
    assert "no Cuebot configured (--cuebot HOST, $CUEBOT_HOSTS or $OPENCUE_CONFIG_FILE)" in done.stderr
    assert (tmp_path / "jobs" / "ned_talk.cjsl.xml").is_file()
