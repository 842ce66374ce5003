"""Worker-side path mapping (``$NED_PATH_MAP``, for engines without their own: OpenCue): a task given the
submitting machine's paths opens and writes the worker's. (OpenJD's own mapping: test_openjd.py; Deadline's: the
plugin, test_deadline.py.)"""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.exceptions import FarmJobError
from ned_core.farm.path_map import map_path, parse_rules

RULES = "/mnt/submit/shows=/shows; /mnt/submit=/data ;/Volumes/cache/=/cache"


@pytest.mark.parametrize("path, mapped", [
    ("/mnt/submit/shows/abc/sh010/plate.####.exr", "/shows/abc/sh010/plate.####.exr"),  # the longest rule wins
    ("/mnt/submit/other/keys.json", "/data/other/keys.json"),
    ("/mnt/submit", "/data"),
    ("/mnt/submitted/x.exr", "/mnt/submitted/x.exr"),  # a whole folder only, not a prefix of a name
    ("/Volumes/cache/ab.npz", "/cache/ab.npz"),
    ("relative/plate.exr", "relative/plate.exr"),
])
def test_paths_map_by_their_longest_folder_rule(path, mapped):
    assert map_path(path, parse_rules(RULES)) == mapped


@pytest.mark.parametrize("text", ["/a", "a=/b", "/a=b", "/a;/b=/c"])
def test_a_malformed_rule_is_named(text):
    with pytest.raises(FarmJobError, match=r"\$NED_PATH_MAP: '.*' is not FROM=TO with two absolute folders"):
        parse_rules(text)


def test_a_task_opens_and_writes_the_workers_paths(run, farm_env, tmp_path):
    for n in (1, 2, 3):
        assert oiio.ImageBuf(np.full((32, 32, 3), 128, np.uint8)).write(str(tmp_path / f"grey.{n:04d}.png"))
    submitter = "/nonexistent/submit"  # how the submitting machine saw the storage
    argv = ("ned", "farm", "task", "analyse", f"{submitter}/grey.####.png", "--out", f"{submitter}/plates",
            "--cache-dir", f"{submitter}/cache", "--frames", "1-3")
    unmapped = run(*argv, ok=False)
    assert unmapped.returncode == 2 and "/nonexistent/submit/grey" in unmapped.stderr
    mapped = dict(farm_env, NED_PATH_MAP=f"{submitter}={tmp_path}")
    done = run(*argv, env=mapped)
    assert f"analysis of {tmp_path}/grey.####.png: written to the cache {tmp_path}/cache" in done.stdout
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 1
    # an option whose file must exist (--keys) is mapped before it is checked: the chunk gets to the render
    (tmp_path / "keys.json").write_text('{"schema": "EmotionKeys.2", "keys": [{"frame": 1, "emotion": "sad"}]}')
    chunk = run("ned", "farm", "task", "render", *argv[4:9], "--shot-frames", "1-3", "--frames", "2-3", "--keys",
                f"{submitter}/keys.json", ok=False, env=mapped)
    assert chunk.returncode == 2 and "no face found in shot 0 (frames 1-3)" in chunk.stderr, chunk.stderr
