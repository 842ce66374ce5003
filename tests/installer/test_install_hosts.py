"""install_hosts.py into a temporary HOME: files and menu registration, idempotence, exact uninstall, dry run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
SCRIPT = REPO / "installer" / "install_hosts.py"


def _run(home: Path, *args: str, env_extra=None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), **(env_extra or {})}
    result = subprocess.run([sys.executable, str(SCRIPT), "--home", str(home), "--skip-env", *args],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result


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


def test_install_registers_both_hosts_and_uninstall_restores_home_exactly(home):
    before = _snapshot(home)
    _run(home)
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
    # re-install: same files, one block
    first = _snapshot(home)
    _run(home)
    assert _snapshot(home).keys() == first.keys()
    assert (home / ".nuke" / "init.py").read_text().count("# >>> NED plugin") == 1
    _run(home, "--uninstall")
    assert _snapshot(home) == before


def test_the_installed_plugin_folder_loads_in_a_nuke_session(home):
    _run(home)
    code = ("import sys, runpy; sys.path.insert(0, %r); import fake_nuke; sys.modules['nuke'] = fake_nuke; "
            "runpy.run_path(%r); runpy.run_path(%r); "
            "print(sorted(fake_nuke.menus['Nodes'].commands))") % (
        str(REPO / "tests" / "fakes"), str(home / ".nuke/ned/init.py"), str(home / ".nuke/ned/menu.py"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(home))
    assert result.returncode == 0, result.stderr
    assert "NED/NED emotion" in result.stdout


def test_dry_run_prints_the_plan_and_changes_nothing(home):
    before = _snapshot(home)
    out = _run(home, "--dry-run").stdout
    assert "would copy" in out and "would write" in out and "NED Emotion.py" in out
    assert _snapshot(home) == before
    out = subprocess.run([sys.executable, str(SCRIPT), "--home", str(home), "--dry-run"], capture_output=True,
                         text=True).stdout
    assert "would run bash" in out and "setup_env.sh" in out


def test_only_found_hosts_are_installed_and_nuke_path_is_honoured(tmp_path):
    home = tmp_path / "empty"
    home.mkdir()
    assert "no host found" in _run(home).stdout
    _run(home, "--uninstall")
    assert _snapshot(home) == {}
    nuke_path = tmp_path / "studio_nuke"
    nuke_path.mkdir()
    _run(home, env_extra={"NUKE_PATH": str(nuke_path)})
    assert (nuke_path / "ned" / "menu.py").is_file() and (nuke_path / "init.py").is_file()
    assert not (home / ".local/share/DaVinciResolve").exists()
    _run(home, "--uninstall")
    assert list(nuke_path.iterdir()) == [] and _snapshot(home) == {}
