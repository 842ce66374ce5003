"""Plate metadata: what lands in the EXR header (checked byte-level) and what reads back."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import pytest

from ned_core.exceptions import PlateMetadataError
from ned_core.io.exr import PlateMetadata, empty_plate, fps_fraction, read_face_plate, write_face_plate

PARAMS = {
    "emotion": "happy",
    "intensity": 0.7,
    "seed": 1234567,
    "source/path": "/shots/sh010/plate.####.exr",
    "source/frame": 1001,
    "model/face_landmark/sha256": "9f2c" * 16,
    "software_version": "0.1.0",
    "noncommercial_models": "flame_generic_model,deca_model",
}


def exr_header(path: Path) -> dict[str, tuple[str, bytes]]:
    """Attributes of a single-part EXR as stored on disk: name -> (type name, raw value bytes).

    Layout from the OpenEXR file-format spec: magic + version, then ``name\\0 type\\0 int32 size value``
    repeated, ended by an empty name.
    """
    data = path.read_bytes()
    assert data[:4] == b"\x76\x2f\x31\x01"
    attrs, pos = {}, 8
    while data[pos] != 0:
        name_end = data.index(b"\0", pos)
        type_end = data.index(b"\0", name_end + 1)
        (size,) = struct.unpack_from("<i", data, type_end + 1)
        value_at = type_end + 5
        attrs[data[pos:name_end].decode()] = (data[name_end + 1:type_end].decode(), data[value_at:value_at + size])
        pos = value_at + size
    return attrs


def write(tmp_path: Path, meta: PlateMetadata, frame: int = 1001) -> Path:
    return write_face_plate(tmp_path / f"p.{frame}.exr", empty_plate(frame, (1920, 1080)), meta)


def test_full_metadata_round_trip(tmp_path: Path):
    meta = PlateMetadata(fps=Fraction(24000, 1001), timecode="10:59:59:23", owner="Studio Ünïcode ✓",
                         comments="sh010 happy take 3", cap_date="2024:05:01 12:00:00", params=PARAMS)
    plate, back = read_face_plate(write(tmp_path, meta))
    assert back == meta
    assert back.params["intensity"] == 0.7 and isinstance(back.params["seed"], int)
    assert plate.frame == 1001


def test_standard_attributes_have_their_exr_names_and_types_on_disk(tmp_path: Path):
    meta = PlateMetadata(fps=Fraction(24000, 1001), timecode="01:02:03:04", owner="me", comments="note",
                         cap_date="2024:05:01 12:00:00", params={"emotion": "sad", "seed": 9, "intensity": 0.5})
    header = exr_header(write(tmp_path, meta))
    assert header["framesPerSecond"] == ("rational", struct.pack("<iI", 24000, 1001))
    assert header["timeCode"] == ("timecode", struct.pack("<II", 0x01020304, 0))
    assert header["owner"] == ("string", b"me")
    assert header["comments"] == ("string", b"note")
    assert header["capDate"] == ("string", b"2024:05:01 12:00:00")
    assert header["ned/emotion"] == ("string", b"sad")
    assert header["ned/seed"] == ("int", struct.pack("<i", 9))
    assert header["ned/intensity"] == ("float", struct.pack("<f", 0.5))
    assert header["ned/frame"] == ("int", struct.pack("<i", 1001))
    assert header["compression"][0] == "compression"


def test_no_cap_date_means_none_written_not_now(tmp_path: Path):
    header = exr_header(write(tmp_path, PlateMetadata(fps=25)))
    assert "capDate" not in header and "timeCode" not in header and "owner" not in header
    _, back = read_face_plate(tmp_path / "p.1001.exr")
    assert back == PlateMetadata(fps=25)


def test_drop_frame_timecode_sets_the_drop_flag(tmp_path: Path):
    meta = PlateMetadata(fps=Fraction(30000, 1001), timecode="00:10:00;00")
    header = exr_header(write(tmp_path, meta))
    assert header["timeCode"][1][0] & 0x40  # drop-frame flag, bit 6 of the time word
    assert read_face_plate(tmp_path / "p.1001.exr")[1].timecode == "00:10:00;00"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fps": 23.976}, "fps_fraction"),
    ({"fps": 0}, "positive"),
    ({"fps": True}, "positive Fraction"),
    ({"fps": 24, "timecode": "1:00:00:00"}, "HH:MM:SS:FF"),
    ({"fps": 24, "timecode": "01:00:00:24"}, "frames 00-23"),
    ({"fps": 50, "timecode": "01:00:00:00"}, "up to 30 fps"),
    ({"fps": 24, "timecode": "01:00:00;05"}, "30000/1001"),
    ({"fps": Fraction(30000, 1001), "timecode": "00:01:00;00"}, "does not exist"),
    ({"fps": 24, "cap_date": "2024-05-01T12:00:00"}, "YYYY:MM:DD HH:MM:SS"),
    ({"fps": 24, "params": {"seed": 2**40}}, "32-bit"),
    ({"fps": 24, "params": {"flag": True}}, "str, int or float"),
    ({"fps": 24, "params": {"gain": float("nan")}}, "finite"),
    ({"fps": 24, "params": {"frame": 3}}, "reserved"),
    ({"fps": 24, "params": {"bad key": 1}}, "param key"),
    ({"fps": 24, "params": {"a//b": 1}}, "param key"),
    ({"fps": 24, "params": {"trailing/": 1}}, "param key"),
])
def test_invalid_metadata_is_refused_on_construction(kwargs: dict, message: str):
    with pytest.raises(PlateMetadataError, match=message):
        PlateMetadata(**kwargs)


@pytest.mark.parametrize(("value", "expected"), [
    (23.976, Fraction(24000, 1001)), ("23.98", Fraction(24000, 1001)), (29.97, Fraction(30000, 1001)),
    (59.94, Fraction(60000, 1001)), ("25", Fraction(25)), (24, Fraction(24)), (12.5, Fraction(25, 2)),
    (Fraction(48), Fraction(48)),
])
def test_fps_fraction_snaps_ntsc_rates(value, expected: Fraction):
    assert fps_fraction(value) == expected


@pytest.mark.parametrize("bad", ["fast", -24, 0, float("inf")])
def test_fps_fraction_refuses_nonsense(bad):
    with pytest.raises(PlateMetadataError, match="frame rate"):
        fps_fraction(bad)
