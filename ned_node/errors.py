"""Exceptions -> the protocol's structured error ``{code, ename, evalue, details}`` (tracebacks stay in the log)."""

from __future__ import annotations

from ned_core.exceptions import (
    ColourError,
    JobCancelledError,
    LicenceOptInError,
    ModelMissingError,
    NedError,
    NodeError,
    PlateError,
    PlateWriteError,
    UnknownModelError,
)
from ned_protocol.messages import MAX_EVALUE_LEN

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
    return {"code": code, "ename": type(exc).__name__, "evalue": str(exc)[:MAX_EVALUE_LEN], "details": details}
