"""SMPTE timecode: frame counting (incl. 29.97 drop-frame) and the EXR packing, checked against OpenImageIO."""

from __future__ import annotations

from fractions import Fraction

import OpenImageIO as oiio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ned_core.exceptions import PlateMetadataError
from ned_core.io.exr import PlateMetadata, empty_plate, write_face_plate
from ned_core.io.exr_timecode import (
    frames_to_timecode,
    parse_timecode,
    timecode_at,
    timecode_to_frames,
    unpack_timecode,
)

DF = Fraction(30000, 1001)


@pytest.mark.parametrize(("count", "label"), [
    (0, "00:00:00;00"), (1799, "00:00:59;29"), (1800, "00:01:00;02"), (17981, "00:09:59;29"),
    (17982, "00:10:00;00"), (107892, "01:00:00;00"),  # 1 h of 29.97 DF = 107892 frames (SMPTE 12M)
])
def test_drop_frame_counting_matches_smpte(count: int, label: str):
    assert str(frames_to_timecode(count, DF, drop_frame=True)) == label
    assert timecode_to_frames(parse_timecode(label, DF), DF) == count


@given(st.integers(0, 24 * 107892 - 1))
def test_drop_frame_labels_round_trip(count: int):
    tc = frames_to_timecode(count, DF, drop_frame=True)
    assert timecode_to_frames(parse_timecode(str(tc), DF), DF) == count


@given(st.integers(0, 24 * 3600 * 24 - 1))
def test_non_drop_labels_round_trip(count: int):
    rate = Fraction(24000, 1001)
    tc = frames_to_timecode(count, rate)
    assert timecode_to_frames(parse_timecode(str(tc), rate), rate) == count


def test_timecode_at_adds_frames_and_wraps_at_24h():
    assert timecode_at("01:00:00:00", 49, Fraction(25)) == "01:00:01:24"
    assert timecode_at("00:59:59;29", 1, DF) == "01:00:00;00"
    assert timecode_at("23:59:59:23", 2, Fraction(24)) == "00:00:00:01"
    assert timecode_at("00:00:00:00", -1, Fraction(24)) == "23:59:59:23"


@pytest.mark.parametrize(("label", "fps"), [("00:00:00:00", 30), ("01:02:03:04", 30), ("23:59:59:29", 30),
                                             ("12:34:56:17", 30), ("00:10:00;00", DF), ("09:59:59;29", DF)])
def test_written_timecode_decodes_the_same_in_openimageio_and_here(tmp_path, label: str, fps):
    path = write_face_plate(tmp_path / "p.exr", empty_plate(1, (8, 8)), PlateMetadata(Fraction(fps), label))
    inp = oiio.ImageInput.open(str(path))
    spec = inp.spec()
    inp.close()
    assert spec.get_string_attribute("smpte:TimeCode") == label.replace(";", ":")  # OpenImageIO drops the ';'
    word, user = spec.getattribute("smpte:TimeCode")
    assert unpack_timecode(int(word)) == parse_timecode(label, Fraction(fps)) and user == 0


def test_unpack_refuses_non_bcd():
    with pytest.raises(PlateMetadataError, match="not valid BCD"):
        unpack_timecode(0x0000000F)
