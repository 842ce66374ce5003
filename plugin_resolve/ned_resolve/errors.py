"""Errors of the NED Resolve script, one class per failure; messages say what to select or fix."""


class NedResolveError(Exception):
    """Base class of the Resolve script's errors."""


class NoShotError(NedResolveError):
    """No project, timeline or video item under the playhead, or the item has no source file."""


class ImportPlatesError(NedResolveError):
    """Resolve refused to import the plates or to place them on the timeline."""


class RenderJobError(NedResolveError):
    """The render node failed or cancelled the job; the message is the node's."""


class UnsupportedResolveError(NedResolveError):
    """The running Resolve is older than the versions this script supports."""
