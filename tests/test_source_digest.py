"""The sources' digest that plates record as ``ned/code``."""

import shutil
from pathlib import Path

import ned_core
from ned_core.source_digest import digest_of, source_digest

PACKAGE = Path(ned_core.__file__).parent


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "a.py").write_text("A = 1\n")
    (root / "sub" / "b.py").write_text("B = 2\n")
    (root / "sub" / "table.json").write_text('{"x": 1}\n')
    return root


def test_the_digest_of_this_installation_is_the_digest_of_its_package_tree():
    assert source_digest() == digest_of(PACKAGE)
    assert len(source_digest()) == 16 and int(source_digest(), 16) >= 0


def test_a_changed_line_renamed_file_or_changed_data_changes_the_digest(tmp_path):
    root = _tree(tmp_path)
    before = digest_of(root)
    (root / "a.py").write_text("A = 2\n")
    edited = digest_of(root)
    (root / "sub" / "b.py").rename(root / "sub" / "c.py")
    renamed = digest_of(root)
    (root / "sub" / "table.json").write_text('{"x": 2}\n')
    assert len({before, edited, renamed, digest_of(root)}) == 4


def test_the_digest_does_not_depend_on_where_the_tree_lives_or_on_compiled_files(tmp_path):
    root = _tree(tmp_path)
    before = digest_of(root)
    moved = shutil.copytree(root, tmp_path / "elsewhere" / "pkg")
    (moved / "__pycache__").mkdir()
    (moved / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\x00compiled")
    (moved / "notes.txt").write_text("not source\n")
    assert digest_of(moved) == before
