"""Request paths are confined to the node's roots: no traversal, no symlink escapes, plain plate names."""

from __future__ import annotations

import pytest

from ned_node.errors import PathNotAllowedError
from ned_node.paths import check_file_name, confine


def test_paths_inside_a_root_are_resolved(roots):
    inp, _ = roots
    (inp / "shot").mkdir()
    assert confine(str(inp / "shot" / "a.exr"), [inp], "f", "input") == inp / "shot" / "a.exr"
    assert confine(str(inp / "new" / "deeper"), [inp], "f", "input") == inp / "new" / "deeper"
    assert confine(str(inp), [inp], "f", "input") == inp


@pytest.mark.parametrize("path", ["/etc/passwd", "relative/a.exr", "{inp}/../secret", "{inp}/a\x00b"])
def test_escapes_are_refused(roots, path):
    inp, _ = roots
    with pytest.raises(PathNotAllowedError) as err:
        confine(path.format(inp=inp), [inp], "content.source.path", "input")
    assert err.value.details["field"] == "content.source.path"
    assert err.value.code == "invalid_field"


def test_a_sibling_with_a_common_prefix_is_outside(roots):
    inp, _ = roots
    sibling = inp.parent / (inp.name + "2")
    sibling.mkdir()
    with pytest.raises(PathNotAllowedError, match="outside the node's input roots"):
        confine(str(sibling / "a.exr"), [inp], "f", "input")


def test_symlinks_leading_out_are_refused(roots, tmp_path):
    inp, out = roots
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.exr").write_bytes(b"x")
    (inp / "link_dir").symlink_to(outside)
    (inp / "link_file.exr").symlink_to(outside / "a.exr")
    for path in (inp / "link_dir" / "a.exr", inp / "link_file.exr"):
        with pytest.raises(PathNotAllowedError, match="leads through a symlink outside") as err:
            confine(str(path), [inp], "f", "input")
        assert str(outside) not in str(err.value)  # where the link points is not told to the client
    (out / "into_input").symlink_to(inp)
    with pytest.raises(PathNotAllowedError):
        confine(str(out / "into_input" / "v1"), [out], "content.output.directory", "output")


def test_symlinks_within_a_root_are_fine(roots):
    inp, _ = roots
    (inp / "real").mkdir()
    (inp / "alias").symlink_to(inp / "real")
    assert confine(str(inp / "alias" / "a.exr"), [inp], "f", "input") == inp / "real" / "a.exr"


def test_no_roots_means_no_paths(roots):
    with pytest.raises(PathNotAllowedError, match="no output roots"):
        confine(str(roots[1]), [], "f", "output")


@pytest.mark.parametrize("name", ["sub/face.####.exr", "../face.####.exr", ".face.####.exr", "face.####.png",
                                  "a\\b.exr", ".."])
def test_bad_plate_names(name):
    with pytest.raises(PathNotAllowedError):
        check_file_name(name, "content.output.pattern")


def test_good_plate_name():
    assert check_file_name("face.####.exr", "content.output.pattern") == "face.####.exr"
