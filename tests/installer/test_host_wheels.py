"""host_wheels.py: Nuke's Python from its install folder, pip's platform tag, picking wheels from --wheel-dir."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location("host_wheels", Path(__file__).parents[2] / "installer" / "host_wheels.py")
host_wheels = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(host_wheels)


def test_nuke_python_follows_the_newest_known_nuke_install(tmp_path):
    for name in ("Nuke14.0v5", "Nuke15.1v3", "Nuke99.0v1", "NukeStudio"):
        (tmp_path / name).mkdir()
    version, how = host_wheels.nuke_python([str(tmp_path / "Nuke*")])
    assert version == "3.10" and "Nuke15.1v3 is Nuke 15" in how
    (tmp_path / "Nuke16.0v2").mkdir()
    assert host_wheels.nuke_python([str(tmp_path / "Nuke*")])[0] == "3.11"


def test_nuke_python_without_an_install_assumes_310_and_says_so(tmp_path):
    version, how = host_wheels.nuke_python([str(tmp_path / "Nuke*")])
    assert version == "3.10" and "no Nuke" in how and "--host-python" in how


@pytest.mark.parametrize("platform, machine, tag", [("linux", "x86_64", "manylinux2014_x86_64"),
                                                    ("linux", "aarch64", "manylinux2014_aarch64"),
                                                    ("darwin", "arm64", "macosx_11_0_arm64"),
                                                    ("darwin", "x86_64", "macosx_10_9_x86_64"),
                                                    ("win32", "AMD64", "win_amd64")])
def test_wheel_platform_per_os(platform, machine, tag):
    assert host_wheels.wheel_platform(platform, machine) == tag


def test_find_wheels_picks_the_hosts_python_tag(wheel_dir, make_wheel):
    names = [p.name for p in host_wheels.find_wheels(wheel_dir, "3.10")]
    assert names == ["pyzmq-27.0.0-cp310-cp310-manylinux2014_x86_64.whl",
                     "msgpack-27.0.0-cp310-cp310-manylinux2014_x86_64.whl"]
    with pytest.raises(host_wheels.WheelError, match="no msgpack wheel for cp311"):
        host_wheels.find_wheels(wheel_dir, "3.11")
    make_wheel(wheel_dir, "msgpack", "msgpack", "py3", platform="any")
    assert host_wheels.find_wheels(wheel_dir, "3.11")[1].name == "msgpack-27.0.0-py3-py3-any.whl"
