"""install_hosts.py into a temporary HOME: files, menu registration, host wheels, idempotence, exact uninstall, dry run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
SCRIPT = REPO / "installer" / "install_hosts.py"


def _run(home: Path, *args: str, env_extra=None, status: int = 0) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), **(env_extra or {})}
    result = subprocess.run([sys.executable, str(SCRIPT), "--home", str(home), "--skip-env", *args],
                            capture_output=True, text=True, env=env)
    assert result.returncode == status, result.stderr
    return result


def _offline(wheel_dir: Path) -> tuple:
    return "--host-python", "3.10", "--wheel-dir", str(wheel_dir)


def _snapshot(home: Path) -> dict:
    """Every path under HOME with its bytes (None for folders)."""
    return {str(p.relative_to(home)): (p.read_bytes() if p.is_file() else None) for p in sorted(home.rglob("*"))}


@pytest.fixture
def home(tmp_path):
    """A HOME where both hosts are present: an existing ~/.nuke/init.py and Resolve's user folder."""
    home = tmp_path / "home"
    (home / ".nuke").mkdir(parents=True)
    (home / ".nuke" / "init.py").write_text("import nuke\nnuke.pluginAddPath('/studio/tools')")  # no final newline
    (home / ".local/share/DaVinciResolve/Fusion").mkdir(parents=True)
    return home


def test_install_registers_both_hosts_and_uninstall_restores_home_exactly(home, wheel_dir):
    before = _snapshot(home)
    _run(home, *_offline(wheel_dir))
    init = (home / ".nuke" / "init.py").read_text()
    assert init.startswith("import nuke\nnuke.pluginAddPath('/studio/tools')\n# >>> NED plugin")
    assert f"nuke.pluginAddPath({str(home / '.nuke' / 'ned')!r})" in init
    plugin = home / ".nuke" / "ned"
    for name in ("init.py", "menu.py", "ned_nuke/render.py", "lib/ned_protocol/jobs.py"):
        assert (plugin / name).is_file(), name
    script = home / ".local/share/DaVinciResolve/Fusion/Scripts/Edit/NED Emotion.py"
    lib = home / ".local/share/ned/resolve"
    assert f'NED_LIB = "{lib}"' in script.read_text()
    assert (lib / "ned_resolve" / "main.py").is_file() and (lib / "ned_protocol" / "client.py").is_file()
    assert not list(home.rglob("__pycache__"))
    manifest = json.loads((home / ".ned" / "install-manifest.json").read_text())
    for folder in (plugin / "lib", lib):
        unpacked = ["zmq/__init__.py", "zmq/backend/__init__.py", "msgpack/__init__.py",
                    "pyzmq-27.0.0.dist-info/METADATA", "msgpack-27.0.0.dist-info/RECORD"]
        for name in unpacked:
            assert (folder / name).is_file() and str(folder / name) in manifest["files"], name
        assert (folder / "zmq/__init__.py").read_text() == "FROM_TEST_WHEEL = 'cp310'\n"
    assert len(manifest["files"]) == len(set(manifest["files"]))
    # re-install: same files and bytes, one block, no duplicate manifest entries
    first = _snapshot(home)
    _run(home, *_offline(wheel_dir))
    assert _snapshot(home) == first
    assert (home / ".nuke" / "init.py").read_text().count("# >>> NED plugin") == 1
    _run(home, "--uninstall")
    assert _snapshot(home) == before


def test_the_installed_plugin_folder_loads_in_a_nuke_session(home, wheel_dir):
    _run(home, *_offline(wheel_dir))
    code = ("import sys, runpy; sys.path.insert(0, %r); import fake_nuke; sys.modules['nuke'] = fake_nuke; "
            "runpy.run_path(%r); runpy.run_path(%r); import zmq, msgpack; "
            "print(sorted(fake_nuke.menus['Nodes'].commands), zmq.__file__, msgpack.__file__)") % (
        str(REPO / "tests" / "fakes"), str(home / ".nuke/ned/init.py"), str(home / ".nuke/ned/menu.py"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(home))
    assert result.returncode == 0, result.stderr
    assert "NED/NED emotion" in result.stdout
    lib = home / ".nuke" / "ned" / "lib"
    assert f"{lib / 'zmq' / '__init__.py'} {lib / 'msgpack' / '__init__.py'}" in result.stdout  # the lib/ copies


def test_dry_run_prints_the_plan_and_changes_nothing(home, wheel_dir):
    before = _snapshot(home)
    out = _run(home, "--dry-run", *_offline(wheel_dir)).stdout
    assert "would copy" in out and "would write" in out and "NED Emotion.py" in out
    assert f"would unpack pyzmq-27.0.0-cp310-cp310-manylinux2014_x86_64.whl -> {home / '.nuke/ned/lib'}" in out
    assert _snapshot(home) == before
    out = subprocess.run([sys.executable, str(SCRIPT), "--home", str(home), "--dry-run", "--host-python", "3.11"],
                         capture_output=True, text=True).stdout
    assert "would run bash" in out and "setup_env.sh" in out
    assert "pip download --only-binary=:all: --no-deps --python-version 3.11 --implementation cp" in out
    assert _snapshot(home) == before


def test_download_failure_installs_the_rest_and_says_what_is_missing(home):
    """pip with no index (as offline) fails: the plugins are still installed, the message names --wheel-dir."""
    result = _run(home, "--host-python", "3.10", status=1,
                  env_extra={"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    assert "--wheel-dir DIR" in result.stderr and "pip could not download pyzmq and msgpack" in result.stderr
    assert "NOT READY: the Nuke (Python 3.10) needs pyzmq and msgpack" in result.stdout
    assert "NOT READY: the Resolve (Python 3.10)" in result.stdout
    assert (home / ".nuke" / "ned" / "menu.py").is_file() and not (home / ".nuke/ned/lib/zmq").exists()
    _run(home, "--uninstall")
    assert not (home / ".nuke" / "ned").exists() and not (home / ".ned").exists()


def test_wheel_dir_without_the_hosts_python_names_the_folder_and_tag(home, wheel_dir):
    result = _run(home, "--host-python", "3.12", "--wheel-dir", str(wheel_dir), "--no-resolve", status=1)
    assert f"no pyzmq or msgpack wheel for cp312 in {wheel_dir}" in result.stderr
    assert (home / ".nuke" / "ned" / "lib" / "ned_protocol").is_dir()


def test_only_found_hosts_are_installed_and_nuke_path_is_honoured(tmp_path, wheel_dir):
    home = tmp_path / "empty"
    home.mkdir()
    assert "no host found" in _run(home).stdout
    _run(home, "--uninstall")
    assert _snapshot(home) == {}
    nuke_path = tmp_path / "studio_nuke"
    nuke_path.mkdir()
    _run(home, *_offline(wheel_dir), env_extra={"NUKE_PATH": str(nuke_path)})
    assert (nuke_path / "ned" / "menu.py").is_file() and (nuke_path / "init.py").is_file()
    assert (nuke_path / "ned" / "lib" / "zmq" / "__init__.py").is_file()
    assert not (home / ".local/share/DaVinciResolve").exists()
    _run(home, "--uninstall")
    assert list(nuke_path.iterdir()) == [] and _snapshot(home) == {}
