"""Deadline 10 plugin ``NED``: runs the ``ned farm task ...`` command a job's plugin info describes.

Install: copy this folder to ``<DeadlineRepository>/custom/plugins/NED``. Jobs come from ``ned farm deadline``
(job-info + plugin-info files). The plugin info holds ``Arguments``, the task's ``ned`` arguments as a JSON
list with ``<STARTFRAME>``/``<ENDFRAME>`` tokens; the repository's path mapping rules are applied to every
argument, so paths written on the submitting machine resolve on each worker. Progress: the task prints
``NED progress: 42%`` lines; a ``ned: error: ...`` line fails the task with that message.
"""

from __future__ import annotations

import json
import shutil

from Deadline.Plugins import DeadlinePlugin, PluginType
from Deadline.Scripting import FileUtils, RepositoryUtils

PROGRESS = r"NED progress: ([0-9.]+)%"
ERROR = r"ned: error: (.*)"


def build_arguments(arguments_json, start_frame, end_frame, map_path):
    """The ``ned`` arguments of one task: the plugin info's ``Arguments`` with this task's frames filled in and
    every argument passed through ``map_path`` (the repository's path mapping)."""
    out = []
    for arg in json.loads(arguments_json):
        arg = arg.replace("<STARTFRAME>", str(start_frame)).replace("<ENDFRAME>", str(end_frame))
        out.append(map_path(arg))
    return out


def quote_arguments(args):
    """One argument string as Deadline hands it to the process (double quotes where needed)."""
    quoted = []
    for arg in args:
        if arg and not any(c in arg for c in ' \t"'):
            quoted.append(arg)
        else:
            quoted.append('"' + arg.replace('"', '\\"') + '"')
    return " ".join(quoted)


def GetDeadlinePlugin():
    return NEDPlugin()


def CleanupDeadlinePlugin(deadlinePlugin):
    deadlinePlugin.Cleanup()


class NEDPlugin(DeadlinePlugin):
    """Simple (command-line) plugin: one ``ned`` process per task."""

    def __init__(self):
        super().__init__()
        self.InitializeProcessCallback += self.InitializeProcess
        self.RenderExecutableCallback += self.RenderExecutable
        self.RenderArgumentCallback += self.RenderArgument

    def Cleanup(self):
        for handler in self.StdoutHandlers:
            del handler.HandleCallback
        del self.InitializeProcessCallback
        del self.RenderExecutableCallback
        del self.RenderArgumentCallback

    def InitializeProcess(self):
        self.PluginType = PluginType.Simple
        self.SingleFramesOnly = False
        self.StdoutHandling = True
        self.AddStdoutHandlerCallback(PROGRESS).HandleCallback += self.HandleProgress
        self.AddStdoutHandlerCallback(ERROR).HandleCallback += self.HandleError

    def RenderExecutable(self):
        listed = self.GetConfigEntry("NED_Executable")
        found = FileUtils.SearchFileList(listed) or shutil.which("ned")
        if not found:
            self.FailRender(f"no ned executable on this worker: none of {listed!r} exists and `ned` is not on "
                            "PATH (plugin configuration NED_Executable)")
        return found

    def RenderArgument(self):
        args = build_arguments(self.GetPluginInfoEntry("Arguments"), self.GetStartFrame(), self.GetEndFrame(),
                               RepositoryUtils.CheckPathMapping)
        return quote_arguments(args)

    def HandleProgress(self):
        self.SetProgress(float(self.GetRegexMatch(1)))

    def HandleError(self):
        self.FailRender(self.GetRegexMatch(1))
