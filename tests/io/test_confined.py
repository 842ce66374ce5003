"""Confined writes: each write walks from its root without following symlinks (real folders, real symlinks)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from ned_core.exceptions import UnsafeInputPathError, UnsafeOutputPathError
from ned_core.io.atomic import atomic_path, atomic_write_bytes
from ned_core.io.confined import confine_reads, confine_writes, open_folder, readable_output
from ned_core.io.exr import FacePlate, PlateMetadata, read_face_plate, write_face_plate
from ned_core.io.image_read import read_pixels
from ned_core.synthetic import write_png_sequence


@pytest.fixture
def root(tmp_path):
    """An output root this process is confined to for the test (lifted afterwards)."""
    folder = tmp_path / "root"
    folder.mkdir()
    confine_writes([folder])
    yield folder
    confine_writes([])


def _plate(frame: int = 1) -> FacePlate:
    return FacePlate(frame, (64, 64), (8, 8, 40, 40), np.full((32, 32, 4), 0.5, np.float32),
                     np.full((32, 32), 1.0, np.float32))


def test_plates_are_written_below_the_root_and_missing_folders_created(root):
    path = root / "show" / "sh010" / "v1" / "a.0001.exr"
    write_face_plate(path, _plate(), PlateMetadata(fps=Fraction(24)))
    plate, _ = read_face_plate(path)
    assert plate.data_window == (8, 8, 40, 40)
    assert [p.name for p in path.parent.iterdir()] == ["a.0001.exr"]  # no temporary file left


def test_a_symlinked_folder_inside_the_root_is_never_written_through(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "v1").mkdir()
    (root / "v1" / "composite").symlink_to(outside)
    with pytest.raises(UnsafeOutputPathError, match="'composite'"):
        write_face_plate(root / "v1" / "composite" / "a.0001.exr", _plate(), PlateMetadata(fps=Fraction(24)))
    (root / "v2").symlink_to(outside)
    with pytest.raises(UnsafeOutputPathError, match="'v2'") as err:
        atomic_write_bytes(root / "v2" / "x" / "analysis.json", b"{}")
    assert list(outside.iterdir()) == [] and str(outside) not in str(err.value)


def test_a_symlink_at_the_final_name_is_replaced_not_followed(root, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (root / "out.bin").symlink_to(victim)
    atomic_write_bytes(root / "out.bin", b"new")
    assert victim.read_text() == "keep" and not (root / "out.bin").is_symlink()
    assert (root / "out.bin").read_bytes() == b"new"


def test_a_folder_swapped_while_a_file_is_written_gets_nothing_outside(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "v1").mkdir()
    with atomic_path(root / "v1" / "a.bin") as tmp:
        (root / "v1").rename(root / "v1.moved")
        (root / "v1").symlink_to(outside)
        with open(tmp, "wb") as out:  # the writer's path goes through the folder opened before the swap
            out.write(b"data")
    assert list(outside.iterdir()) == [] and (root / "v1.moved" / "a.bin").read_bytes() == b"data"
    with pytest.raises(UnsafeOutputPathError):
        atomic_write_bytes(root / "v1" / "b.bin", b"x")


def test_writes_outside_every_root_and_reads_through_symlinks_are_refused(root, tmp_path):
    with pytest.raises(UnsafeOutputPathError, match="outside every folder"):
        atomic_write_bytes(tmp_path / "elsewhere.bin", b"x")
    (root / "real.bin").write_bytes(b"x")
    (root / "link.bin").symlink_to(root / "real.bin")
    with readable_output(root / "real.bin") as path:
        assert open(path, "rb").read() == b"x"
    with pytest.raises(UnsafeOutputPathError, match="symlink"):
        with readable_output(root / "link.bin"):
            pass


def test_without_confinement_paths_are_used_as_given(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    atomic_write_bytes(tmp_path / "alias" / "a.bin", b"x")  # the CLI writes through the user's own links
    assert (tmp_path / "real" / "a.bin").read_bytes() == b"x"
    with open_folder(tmp_path / "new" / "deep") as fd:
        assert fd >= 0


def test_confined_reads_follow_links_inside_the_roots_and_refuse_the_rest(tmp_path):
    shots, other = tmp_path / "shots", tmp_path / "other"
    for folder in (shots, other):
        folder.mkdir()
        write_png_sequence(np.full((2, 16, 16, 3), 99, np.uint8), folder, "f", 1)
    (shots / "alias.0001.png").symlink_to(shots / "f.0001.png")  # inside the root: fine
    (shots / "leak.0001.png").symlink_to(other / "f.0001.png")
    confine_reads([shots])
    try:
        assert read_pixels(shots / "alias.0001.png", "alias").rgb.shape == (16, 16, 3)
        with pytest.raises(UnsafeInputPathError, match="leads outside") as err:
            read_pixels(shots / "leak.0001.png", "leak")
        assert str(other) not in str(err.value)
    finally:
        confine_reads([])
    assert read_pixels(shots / "leak.0001.png", "leak").rgb.shape == (16, 16, 3)  # unconfined: as given
