"""Every `ned render` option given to an export reaches the render tasks as given (paths made absolute), the
source options reach every task, and what the export handles itself (--frames, --preview, ...) is not repeated."""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import yaml


def test_render_options_are_repeated_on_the_task_command_lines(run, tmp_path):
    for n in (1, 2, 3):
        assert oiio.ImageBuf(np.full((32, 32, 3), 128, np.uint8)).write(str(tmp_path / f"grey.{n:04d}.png"))
    (tmp_path / "keys.json").write_text('{"schema": "EmotionKeys.2", "keys": [{"frame": 2, "emotion": "happy"}]}')
    given = ["--seed", "4", "--unit", "brow_inner_up=-0.5", "--unit", "jaw_open=0.2",
             "--full-frame", "--compression", "zip", "--track", "0", "--pattern", "{stem}.x.####.exr",
             "--director", "prior", "--stmap"]
    done = run("ned", "farm", "openjd", "grey.####.png", *given, "--keys", "keys.json", "--ocio", "ocio://default",
               "--input-space", "sRGB", "--frames", "2-3", "--out", "plates", "--bundle", "bundle", "--preview",
               "--chunk-size", "1", cwd=tmp_path)  # relative paths, as typed in that folder
    assert "2 render tasks" in done.stdout
    steps = {s["name"]: s["script"]["actions"]["onRun"]["args"]
             for s in yaml.safe_load((tmp_path / "bundle" / "template.yaml").read_text())["steps"]}
    render, analysis = steps["Render"], steps["Analysis"]
    assert render[render.index("--frames") + 1] == "{{Task.Param.Frames}}"
    tail = render[render.index("{{Task.Param.Frames}}") + 1:]
    assert tail[-2:] == ["--progress", "openjd"]
    assert sorted(tail[:-2]) == sorted([*given, "--keys", str(tmp_path / "keys.json")])  # each one, as given
    assert tail[tail.index("--keys") + 1] == str(tmp_path / "keys.json")  # a path made absolute
    assert [tail[i + 1] for i, a in enumerate(tail) if a == "--unit"] == ["brow_inner_up=-0.5", "jaw_open=0.2"]
    for args in (render, analysis, steps["Preview"]):
        assert args[args.index("--ocio"):args.index("--ocio") + 4] == ["--ocio", "ocio://default", "--input-space",
                                                                        "sRGB"]
    assert "--preview" not in render and "--keys" not in analysis

