"""Deadline 10: `ned farm deadline` job files match the reference files, and the NED plugin builds the right
`ned` command line from them.

The plugin (installer/deadline/NED/NED.py) runs inside Deadline's own Python, which provides the modules
``Deadline.Plugins`` and ``Deadline.Scripting``. This test fakes exactly what the plugin uses of them, in
``fake_deadline`` below: ``DeadlinePlugin`` (callback events, plugin-info/config entries, frames, stdout
handlers, SetProgress/FailRender), ``PluginType.Simple``, ``FileUtils.SearchFileList`` and
``RepositoryUtils.CheckPathMapping`` (here: the path mapping rule ``/shots/`` -> ``/mnt/farm/shots/``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import types
from pathlib import Path

import pytest

from ned_core.farm.commands import literal_tokens, render_command
from ned_core.farm.deadline import submit_command, write_job_files
from ned_core.farm.job import FarmJob

REPO = Path(__file__).resolve().parents[2]
BASELINES = Path(__file__).parent / "baselines" / "deadline"
JOB = FarmJob(name="NED talk", source="/shots/talk/talk.####.exr", frames=tuple(range(1001, 1065)),
              out_dir="/shots/talk/ned", cache_dir="/shots/.ned-analysis", chunk_size=25,
              source_args=("--ocio", "/shots/config.ocio"),
              render_args=("--emotion", "fear:0.8", "--seed", "3", "--unit", "brow_inner_up=-0.5"), preview=True)


def test_job_files_match_the_reference_files(tmp_path):
    files = write_job_files(JOB, tmp_path)
    assert [f.name for f in files] == ["ned_analysis.job", "ned_analysis.plugin", "ned_render.job",
                                       "ned_render.plugin", "ned_preview.job", "ned_preview.plugin"]
    for f in files:
        assert f.read_text() == (BASELINES / f.name).read_text(), f.name
    assert submit_command(files) == ["deadlinecommand", "-SubmitMultipleJobs", "-dependent",
                                     *[a for pair in zip(files[::2], files[1::2]) for a in ("-job", *map(str, pair))]]


class _Event:
    """A .NET-style event: ``+=`` adds a handler, calling it calls them."""

    def __init__(self):
        self.handlers = []

    def __iadd__(self, handler):
        self.handlers.append(handler)
        return self

    def __call__(self, *args):
        return [h(*args) for h in self.handlers][-1]


class _Handler:
    def __init__(self, regex):
        self.regex, self.HandleCallback = regex, _Event()


@pytest.fixture()
def fake_deadline(monkeypatch, tmp_path):
    """The Deadline modules the plugin imports (see the module docstring); returns the plugin's base class."""

    class DeadlinePlugin:
        def __init__(self):
            self.InitializeProcessCallback, self.RenderExecutableCallback = _Event(), _Event()
            self.RenderArgumentCallback = _Event()
            self.StdoutHandlers, self.progress, self.failure, self.match = [], None, None, None
            self.plugin_info, self.config, self.frames = {}, {}, (0, 0)

        def GetPluginInfoEntry(self, key):
            return self.plugin_info[key]

        def GetConfigEntry(self, key):
            return self.config[key]

        def GetStartFrame(self):
            return self.frames[0]

        def GetEndFrame(self):
            return self.frames[1]

        def AddStdoutHandlerCallback(self, regex):
            self.StdoutHandlers.append(_Handler(regex))
            return self.StdoutHandlers[-1]

        def GetRegexMatch(self, group):
            return self.match.group(group)

        def SetProgress(self, value):
            self.progress = value

        def FailRender(self, message):
            self.failure = message
            raise RuntimeError(message)

        def stdout(self, line):  # what Deadline does with each line the process prints
            for handler in self.StdoutHandlers:
                self.match = re.search(handler.regex, line)
                if self.match:
                    handler.HandleCallback()

    def search_file_list(listed):
        return next((p for p in listed.split(";") if Path(p).is_file()), "")

    plugins = types.ModuleType("Deadline.Plugins")
    plugins.DeadlinePlugin, plugins.PluginType = DeadlinePlugin, types.SimpleNamespace(Simple="Simple")
    scripting = types.ModuleType("Deadline.Scripting")
    scripting.FileUtils = types.SimpleNamespace(SearchFileList=search_file_list)
    scripting.RepositoryUtils = types.SimpleNamespace(
        CheckPathMapping=lambda p: p.replace("/shots/", "/mnt/farm/shots/"))
    package = types.ModuleType("Deadline")
    package.Plugins, package.Scripting = plugins, scripting
    for name, module in (("Deadline", package), ("Deadline.Plugins", plugins), ("Deadline.Scripting", scripting)):
        monkeypatch.setitem(sys.modules, name, module)
    spec = importlib.util.spec_from_file_location("NED", REPO / "installer" / "deadline" / "NED" / "NED.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plugin_info(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def test_the_plugin_runs_the_chunk_command_with_mapped_paths(fake_deadline, tmp_path):
    files = write_job_files(JOB, tmp_path)
    plugin = fake_deadline.GetDeadlinePlugin()
    plugin.plugin_info = _plugin_info(tmp_path / "ned_render.plugin")
    plugin.frames = (1026, 1050)
    exe = tmp_path / "ned"
    exe.write_text("")
    plugin.config = {"NED_Executable": f"/nowhere/ned;{exe}"}
    plugin.InitializeProcessCallback()
    assert plugin.RenderExecutableCallback() == str(exe)

    expected = [a.replace("/shots/", "/mnt/farm/shots/")
                for a in render_command(JOB, literal_tokens(JOB, "1026-1050", progress="deadline"))[1:]]
    assert fake_deadline.build_arguments(plugin.plugin_info["Arguments"], 1026, 1050,
                                         sys.modules["Deadline.Scripting"].RepositoryUtils.CheckPathMapping) == expected
    assert expected[:4] == ["farm", "task", "render", "/mnt/farm/shots/talk/talk.####.exr"]
    assert expected[expected.index("--frames") + 1] == "1026-1050"
    assert expected[expected.index("--shot-frames") + 1] == "1001-1064"
    assert plugin.RenderArgumentCallback() == " ".join(expected)  # no argument needs quotes here
    assert files  # the job files exist for the plugin to read

    # what the chunk prints (`--progress deadline`, 25 of the shot's 64 frames) becomes the task's progress
    from ned_core.farm.progress import progress_printer
    from ned_core.progress import ProgressEvent

    lines: list[str] = []
    printer = progress_printer("deadline", "render", lines.append, skipped=39)
    seen = []
    for done in (39, 52, 64):
        printer(ProgressEvent("render", done, 64, 2.0, None))
        plugin.stdout(lines[-1])
        seen.append(plugin.progress)
    assert seen == [0.0, 52.0, 100.0]
    with pytest.raises(RuntimeError):
        plugin.stdout("ned: error: the analysis task of /shots/talk failed, so no chunk can render: ...")
    assert plugin.failure.startswith("the analysis task of /shots/talk failed")


def test_arguments_with_spaces_are_quoted_for_deadline(fake_deadline):
    args = json.dumps(["farm", "task", "render", "/shots/my shot/a.####.exr", "--frames", "<STARTFRAME>-<ENDFRAME>"])
    built = fake_deadline.build_arguments(args, 7, 9, lambda p: p)
    assert fake_deadline.quote_arguments(built) == 'farm task render "/shots/my shot/a.####.exr" --frames 7-9'


def test_no_ned_executable_fails_the_task_with_the_setting_to_fix(fake_deadline, monkeypatch):
    plugin = fake_deadline.GetDeadlinePlugin()
    plugin.config = {"NED_Executable": "/nowhere/ned"}
    monkeypatch.setenv("PATH", "/nowhere")
    with pytest.raises(RuntimeError):
        plugin.RenderExecutableCallback()
    assert "NED_Executable" in plugin.failure and "/nowhere/ned" in plugin.failure


def test_export_without_deadlinecommand_names_it_and_keeps_the_files(run, tmp_path, long_shot):
    jobs = tmp_path / "jobs"
    done = run("ned", "farm", "deadline", long_shot, "--emotion", "sad", "--out", tmp_path / "plates",
               "--chunk-size", "30", "--job-dir", jobs, "--submit", ok=False)
    assert done.returncode == 2
    assert "deadlinecommand not found on PATH: install the Deadline 10 client (deadlinecommand)" in done.stderr
    assert "deadlinecommand -SubmitMultipleJobs -dependent -job" in done.stderr
    assert sorted(p.name for p in jobs.iterdir()) == ["ned_analysis.job", "ned_analysis.plugin", "ned_render.job",
                                                      "ned_render.plugin"]
    render = _plugin_info(jobs / "ned_render.job")
    assert render["Frames"] == "1-64" and render["ChunkSize"] == "30" and render["Plugin"] == "NED"
