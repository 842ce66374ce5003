"""The render node's own errors (each with the protocol error ``code`` a client receives), and any exception ->
the protocol's structured error ``{code, ename, evalue, details}`` (tracebacks stay in the log)."""

from __future__ import annotations

from ned_core.exceptions import (
    ColourError,
    JobCancelledError,
    LicenceOptInError,
    ModelMissingError,
    NedError,
    PlateError,
    PlateWriteError,
    UnknownModelError,
)
from ned_protocol.messages import clip_evalue


class NodeError(NedError):
    """Base class of render-node errors; ``code`` is the protocol error code a client receives.

    Attributes:
        details: structured facts sent with the error (e.g. ``{"field": "content.source.path"}``).
    """

    code = "internal_error"

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = dict(details or {})


class NodeConfigError(NodeError, ValueError):
    """`ned node serve` options are invalid or inconsistent; the message names the option."""


class NodeStateError(NodeError):
    """The node's state directory or job store cannot be used (permissions, newer schema, corrupt file)."""


class JobNotFoundError(NodeError, KeyError):
    """No job with this id on the node (never submitted, or removed after its retention time)."""

    code = "job_not_found"

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else "job not found"


class QueueFullError(NodeError):
    """The node holds its maximum number of unfinished jobs; the client should retry later."""

    code = "queue_full"


class JobRequestError(NodeError, ValueError):
    """A submitted job breaks a node rule; ``details['field']`` names the offending field."""

    code = "invalid_field"


class PathNotAllowedError(JobRequestError):
    """A request path lies outside the node's configured roots once symlinks are resolved."""


class SourceCheckError(NodeError):
    """A path source fails the node's checks at submit time (no such file, frames missing)."""

    code = "source_error"


class OutputExistsError(NodeError):
    """Plates already exist where a job would write them and the job did not ask to overwrite."""

    code = "output_error"


class NotAvailableError(NodeError):
    """A job asks for a tier, director, renderer or face selection this node does not provide."""

    code = "not_available"


class InlineFrameError(NodeError):
    """An inline frame does not match the job's declared source (shape, dtype, frame number)."""

    code = "buffer_mismatch"


class FramesIncompleteError(NodeError):
    """An inline job's last chunk arrived, or its upload timed out, with frames still missing."""

    code = "frames_incomplete"


class MissingPlatesError(NodeError):
    """The pipeline finished a job without a plate for every frame (a bug; ``details['frames']`` lists them)."""


class WorkerCrashError(NodeError):
    """A worker process died running a job more often than the node's retry limit."""


class GpuOutOfMemoryError(NodeError):
    """A job ran out of GPU memory even at the smallest batch size."""

    code = "render_failed"


class JobStateWriteError(NodeStateError):
    """The node cannot save a job's state (its state dir is full or unwritable): the job fails in memory and its
    clients are told; the message says "no space left" when that is the cause."""


class KeyManagementError(NodeError):
    """`ned node keys` cannot create, list or revoke a key (name taken, unknown, bad folder)."""

    code = "bad_key_file"


#: Pipeline error classes and the protocol code they are reported with (first match wins).
_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (JobCancelledError, "cancelled"),
    (LicenceOptInError, "noncommercial_not_allowed"),
    (ModelMissingError, "not_available"),
    (UnknownModelError, "not_available"),
    (PlateWriteError, "output_error"),
    (PlateError, "source_error"),
    (ColourError, "source_error"),
)


def error_info(exc: BaseException) -> dict:
    """The structured error a client receives for ``exc``.

    Node errors carry their own code and details; pipeline errors (``NedError``) are ``render_failed``
    unless a more precise code applies; anything else is ``internal_error`` and points at the node log.
    """
    if isinstance(exc, NodeError):
        code, details = exc.code, exc.details
    elif isinstance(exc, NedError):
        code = next((c for cls, c in _CODES if isinstance(exc, cls)), "render_failed")
        details = {}
    else:  # its text may name node internals (paths, link targets, process ids): the log keeps it
        return {"code": "internal_error", "ename": type(exc).__name__,
                "evalue": f"unexpected {type(exc).__name__} on the node; the node log has the message and the "
                          "traceback", "details": {}}
    return {"code": code, "ename": type(exc).__name__, "evalue": clip_evalue(str(exc)), "details": details}
