"""The README's farm command, run as Nuke runs it: ``nuke -t plugin_nuke/ned_nuke/farm.py SCRIPT NODE FIRST LAST``.

A subprocess runs farm.py as a file (``__main__``, no package), with only a ``nuke`` stand-in on PYTHONPATH
(tests/plugin_nuke/nuke_t): the plugin must find ned_nuke and ned_protocol itself, against a real render node.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
STAND_IN = Path(__file__).parent / "nuke_t"


def _nuke_t(*args: str, version: int = 17, farm: str = "plugin_nuke/ned_nuke/farm.py") -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env.update(PYTHONPATH=str(STAND_IN), NED_FAKE_NUKE_VERSION=str(version))
    return subprocess.run([sys.executable, farm, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=180)


def _saved_script(nuke, node, shot: str, out_dir: Path, path: Path) -> str:
    from ned_nuke.node_builder import create_ned_node

    group = create_ned_node()
    group.setInput(0, nuke.nodes.Read(file=shot, first=1001, last=1003))
    group["output_dir"].setValue(str(out_dir))
    group["node_address"].setValue(node.address)
    nuke.scriptSave(str(path))
    return str(path)


@pytest.mark.parametrize("version", [14, 17])
def test_the_farm_command_renders_a_chunk_of_a_saved_script(nuke, real_node, shot, tmp_path, version):
    node, _, out = real_node
    nuke.reset(gui=True, version=version)
    script = _saved_script(nuke, node, shot, out / tmp_path.name, tmp_path / "shot.nk")
    done = _nuke_t(script, "NED1", "1002", "1003", version=version)
    assert done.returncode == 0, done.stderr
    assert "NED: NED1 rendered 2 frames" in done.stdout
    assert sorted(os.listdir(out / tmp_path.name)) == ["NED1.1002.exr", "NED1.1003.exr"]
    outside = _nuke_t(script, "NED1", "990", "1003", version=version)
    assert outside.returncode == 1 and "outside its range 1001-1003" in outside.stderr
    missing = _nuke_t(script, "Blur1", version=version)
    assert missing.returncode == 1 and "'Blur1' is not a NED node" in missing.stderr
    usage = _nuke_t(script, version=version)
    assert usage.returncode == 2 and "usage: nuke -t plugin_nuke/ned_nuke/farm.py" in usage.stderr


def test_the_installed_farm_script_uses_the_plugins_own_lib(nuke, real_node, shot, tmp_path):
    """``~/.nuke/ned/ned_nuke/farm.py`` as the installer lays it out imports ned_protocol from ``~/.nuke/ned/lib``."""
    home = tmp_path / "home"
    (home / ".nuke").mkdir(parents=True)
    (tmp_path / "no_wheels").mkdir()
    install = subprocess.run([sys.executable, str(REPO / "installer" / "install_hosts.py"), "--home", str(home),
                              "--skip-env", "--no-resolve", "--host-python", "3.11", "--wheel-dir",
                              str(tmp_path / "no_wheels")], capture_output=True, text=True, timeout=120,
                             env={"PATH": "/usr/bin:/bin", "HOME": str(home)})
    assert install.returncode == 1 and "pyzmq" in install.stdout + install.stderr  # no wheels: the rest installed
    plugin = home / ".nuke" / "ned"
    node, _, out = real_node
    script = _saved_script(nuke, node, shot, out / tmp_path.name, tmp_path / "shot.nk")
    done = _nuke_t(script, "NED1", "1001", "1003", farm=str(plugin / "ned_nuke" / "farm.py"))
    assert done.returncode == 0, done.stderr
    assert len(os.listdir(out / tmp_path.name)) == 3
    assert list((plugin / "lib" / "ned_protocol" / "__pycache__").glob("jobs.*.pyc"))  # imported from the lib copy
