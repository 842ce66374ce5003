"""pyzmq and msgpack wheels for a host's Python (Nuke, Resolve): which Python, which platform, where the wheels come from.

Standalone like install_hosts.py (it runs before the node environment exists), so it has its own error class
rather than ned_core's.
"""

from __future__ import annotations

import glob
import platform as platform_module
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

PACKAGES = ("pyzmq", "msgpack")
HOST_PYTHONS = ("3.9", "3.10", "3.11", "3.12")
DEFAULT_PYTHON = "3.10"
# Python shipped with each Nuke major version (Foundry's release notes / VFX Reference Platform).
NUKE_PYTHON: Dict[int, str] = {14: "3.9", 15: "3.10", 16: "3.11"}
NUKE_INSTALL_GLOBS = ("/usr/local/Nuke*", "/opt/Nuke*", "/Applications/Nuke*", "C:/Program Files/Nuke*")


class WheelError(Exception):
    """The host's pyzmq/msgpack wheels could not be downloaded or were not found in --wheel-dir."""


def nuke_python(install_globs: Sequence[str] = NUKE_INSTALL_GLOBS) -> Tuple[str, str]:
    """Nuke's Python version from the newest known Nuke install found (``Nuke15.1v1`` -> 15 -> "3.10").

    Returns:
        (version, how it was chosen) — ``DEFAULT_PYTHON`` and a note when no known Nuke install is found.
    """
    found = {}
    for pattern in install_globs:
        for folder in glob.glob(pattern):
            match = re.match(r"Nuke(\d+)", Path(folder).name)
            if match and int(match.group(1)) in NUKE_PYTHON:
                found[int(match.group(1))] = folder
    if not found:
        return DEFAULT_PYTHON, (f"no Nuke {'/'.join(map(str, NUKE_PYTHON))} install found in "
                                f"{', '.join(install_globs)}: assuming Nuke 15 (Python {DEFAULT_PYTHON}); "
                                "use --host-python to choose")
    major = max(found)
    return NUKE_PYTHON[major], f"{found[major]} is Nuke {major}: Python {NUKE_PYTHON[major]}"


def system_python() -> Tuple[str, str]:
    """The system ``python3``'s version (Resolve runs its scripts with it); ``DEFAULT_PYTHON`` + note if unusable."""
    executable = shutil.which("python3")
    if executable:
        result = subprocess.run([executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                capture_output=True, text=True)
        version = result.stdout.strip()
        if result.returncode == 0 and version in HOST_PYTHONS:
            return version, f"{executable} is Python {version}"
        return DEFAULT_PYTHON, (f"{executable} is Python {version or '?'}, not one of {', '.join(HOST_PYTHONS)}: "
                                f"assuming {DEFAULT_PYTHON}; use --host-python to choose")
    return DEFAULT_PYTHON, f"no python3 on PATH: assuming Python {DEFAULT_PYTHON}; use --host-python to choose"


def wheel_platform(platform: str = sys.platform, machine: str = platform_module.machine()) -> str:
    """pip's ``--platform`` tag for this OS and CPU (pip also accepts older compatible tags from it)."""
    machine = {"amd64": "x86_64", "arm64": "arm64", "aarch64": "aarch64"}.get(machine.lower(), machine.lower())
    if platform == "darwin":
        return "macosx_11_0_arm64" if machine == "arm64" else "macosx_10_9_x86_64"
    if platform.startswith("win"):
        return "win_amd64"
    return f"manylinux2014_{machine}"


def download_command(python: str, platform_tag: str, dest: Path) -> List[str]:
    """The ``pip download`` command for binary wheels of ``PACKAGES`` for CPython ``python`` on ``platform_tag``."""
    return [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--no-deps", "--python-version",
            python, "--implementation", "cp", "--platform", platform_tag, *PACKAGES, "-d", str(dest)]


def download_wheels(python: str, platform_tag: str, dest: Path) -> List[Path]:
    """Downloads the wheels into ``dest``; raises WheelError (with pip's last lines) when pip fails."""
    result = subprocess.run(download_command(python, platform_tag, dest), capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-3:])
        raise WheelError(f"pip could not download {' and '.join(PACKAGES)} for Python {python} "
                         f"({platform_tag}):\n{tail}")
    return find_wheels(dest, python)


def find_wheels(wheel_dir: Path, python: str) -> List[Path]:
    """One wheel per package in ``wheel_dir`` for CPython ``python`` (``cp310`` or ``py3`` tag; newest name wins).

    Raises:
        WheelError: a package has no matching wheel (the message names the folder and the expected tag).
    """
    tag = "cp" + python.replace(".", "")
    chosen, missing = [], []
    for package in PACKAGES:
        candidates = sorted(p for p in wheel_dir.glob(f"{package}-*.whl")
                            if set(p.name.split("-")[-3].split(".")) & {tag, "py3"})
        if candidates:
            chosen.append(candidates[-1])
        else:
            missing.append(package)
    if missing:
        raise WheelError(f"no {' or '.join(missing)} wheel for {tag} in {wheel_dir} "
                         f"(expected a name like {missing[0]}-VERSION-{tag}-{tag}-PLATFORM.whl)")
    return chosen
