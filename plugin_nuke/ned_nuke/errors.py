"""Errors of the NED Nuke node, one class per failure; messages name the node and the knob to fix."""


class NedNukeError(Exception):
    """Base class of the Nuke plugin's errors."""


class SettingsError(NedNukeError):
    """A knob of the NED node has a value a render cannot use (e.g. no output directory)."""


class SourceError(NedNukeError):
    """The node's input cannot be sent to the render node (not connected, or the bake failed)."""


class RenderError(NedNukeError):
    """A render started from the farm command failed or was cancelled; the message is the node's."""


class AnalysisError(NedNukeError):
    """The render node could not analyse the input's faces (terminal mode; the UI shows it in the status)."""


class FarmSubmitError(NedNukeError):
    """Submit to farm did not submit: a submission is still running, or ``ned submit --farm`` or the engine
    refused (terminal mode; the UI shows it in the status and a dialog, with where the job files are)."""
