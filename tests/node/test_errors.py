"""error_info: the one place an exception becomes the protocol's ``{code, ename, evalue, details}``."""

from __future__ import annotations

import pytest

from ned_core.exceptions import (
    ColourError,
    JobCancelledError,
    LicenceOptInError,
    ModelMissingError,
    NedError,
    PlateWriteError,
    ShapeError,
    SourceNotFoundError,
)
from ned_node.errors import (
    FramesIncompleteError,
    JobRequestError,
    MissingPlatesError,
    NodeError,
    QueueFullError,
    error_info,
)
from ned_protocol import ERROR_CODES
from ned_protocol.messages import MAX_EVALUE_LEN


@pytest.mark.parametrize("exc, code", [
    (JobCancelledError("stopped"), "cancelled"),
    (LicenceOptInError("FLAME"), "noncommercial_not_allowed"),
    (ModelMissingError("face_landmark"), "not_available"),
    (PlateWriteError("disk full"), "output_error"),
    (SourceNotFoundError("no such file"), "source_error"),
    (ColourError("unknown colour space"), "source_error"),
    (ShapeError("rgb", "(H, W, 3)", (4, 4)), "render_failed"),
    (QueueFullError("full"), "queue_full"),
    (FramesIncompleteError("frames missing"), "frames_incomplete"),
    (MissingPlatesError("no plates for 2 frames"), "internal_error"),
])
def test_every_error_gets_a_known_code_and_its_message(exc, code):
    info = error_info(exc)
    assert info == {"code": code, "ename": type(exc).__name__, "evalue": str(exc), "details": info["details"]}
    assert code in ERROR_CODES


def test_node_errors_carry_their_details_and_are_nederrors():
    exc = JobRequestError("content.source.path: outside the input roots", {"field": "content.source.path"})
    assert isinstance(exc, NodeError) and isinstance(exc, NedError)
    assert error_info(exc)["details"] == {"field": "content.source.path"}
    assert error_info(MissingPlatesError("gaps", {"frames": [3, 4]}))["details"] == {"frames": [3, 4]}


def test_a_bug_is_an_internal_error_pointing_at_the_log_and_messages_are_bounded():
    info = error_info(KeyError("row"))
    assert info["code"] == "internal_error" and info["ename"] == "KeyError" and "node log" in info["evalue"]
    assert len(error_info(NedError("x" * (MAX_EVALUE_LEN + 500)))["evalue"]) == MAX_EVALUE_LEN
