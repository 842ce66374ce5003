"""Compression names are parsed and refused before anything is written."""

from __future__ import annotations

import pytest

from ned_core.exceptions import PlateCompressionError
from ned_core.io.exr_compression import compression_label, parse_compression


@pytest.mark.parametrize(("text", "parsed"), [
    ("dwaa:45", ("dwaa", 45)), ("DWAA", ("dwaa", 45)), (" dwab:200 ", ("dwab", 200)), ("zip", ("zip", None)),
    ("PIZ", ("piz", None)), ("none", ("none", None)),
])
def test_valid_names(text: str, parsed: tuple):
    assert parse_compression(text) == parsed
    assert parse_compression(compression_label(*parsed)) == parsed


@pytest.mark.parametrize(("text", "message"), [
    ("htj2k", "unknown EXR compression"), ("dwaa:4.5", "unknown EXR compression"), ("zip:9", "takes no level"),
    ("dwaa:0", "1..1000"), ("dwab:5000", "1..1000"), ("", "unknown EXR compression"),
])
def test_invalid_names(text: str, message: str):
    with pytest.raises(PlateCompressionError, match=message):
        parse_compression(text)
