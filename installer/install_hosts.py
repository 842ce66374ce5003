"""One command: node environment (setup_env.sh), Nuke plugin and Resolve script for the hosts found; --uninstall, --dry-run.

    python installer/install_hosts.py [--home DIR] [--skip-env] [--venv DIR] [--nuke/--no-nuke]
                                      [--resolve/--no-resolve] [--host-python 3.X] [--wheel-dir DIR]
                                      [--dry-run] [--uninstall]

Everything added is listed in ``~/.ned/install-manifest.json``; ``--uninstall`` removes exactly that
(files and folders it created, and its marked block in ~/.nuke/init.py). Re-installing first removes
the previous install, so nothing is duplicated. Each plugin's ``lib/`` also gets pyzmq and msgpack unpacked
from wheels for the host's Python (``pip download``, or the wheels in ``--wheel-dir`` for offline installs); when
they cannot be had, the rest is installed, the summary says so and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import host_wheels

REPO = Path(__file__).resolve().parents[1]
BEGIN, END = "# >>> NED plugin (installer/install_hosts.py) >>>", "# <<< NED plugin <<<"
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")


@dataclass
class Manifest:
    """What an install added: files and folders it created, files it added a marked block to."""

    files: List[str] = field(default_factory=list)
    dirs: List[str] = field(default_factory=list)
    blocks: List[list] = field(default_factory=list)  # [path, separator added before the block]


def resolve_scripts_dir(home: Path, platform: str = sys.platform) -> Path:
    """Resolve's per-user Fusion ``Scripts/Edit`` folder (Workspace → Scripts on the Edit page)."""
    if platform == "darwin":
        base = home / "Library/Application Support/Blackmagic Design/DaVinci Resolve/Fusion/Scripts"
    elif platform.startswith("win"):
        base = home / "AppData/Roaming/Blackmagic Design/DaVinci Resolve/Support/Fusion/Scripts"
    else:
        base = home / ".local/share/DaVinciResolve/Fusion/Scripts"
    return base / "Edit"


def ned_data_dir(home: Path, platform: str = sys.platform) -> Path:
    """Where the Resolve script's packages go (outside Resolve's Scripts folder, which lists every file)."""
    if platform == "darwin":
        return home / "Library/Application Support/NED/resolve"
    if platform.startswith("win"):
        return home / "AppData/Roaming/NED/resolve"
    return home / ".local/share/ned/resolve"


class Installer:
    """Plans and performs (or prints, with ``dry_run``) each change, recording it in the manifest."""

    def __init__(self, home: Path, dry_run: bool):
        self.home, self.dry_run = home, dry_run
        self.manifest_path = home / ".ned" / "install-manifest.json"
        self.manifest = Manifest()

    def say(self, text: str) -> None:
        print(("would " if self.dry_run else "") + text)

    def mkdirs(self, path: Path, quiet: bool = False) -> None:
        missing = []
        while not path.exists():
            missing.append(path)
            path = path.parent
        for folder in reversed(missing):
            if not quiet:
                self.say(f"create folder {folder}")
            if not self.dry_run:
                folder.mkdir()
            self.manifest.dirs.append(str(folder))

    def copy_tree(self, source: Path, target: Path) -> None:
        self.mkdirs(target.parent)
        self.say(f"copy {source} -> {target}")
        if not self.dry_run:
            shutil.copytree(source, target, ignore=_SKIP)
        self.manifest.dirs.append(str(target))

    def write(self, path: Path, text: str) -> None:
        self.mkdirs(path.parent)
        self.say(f"write {path}")
        if not self.dry_run:
            path.write_text(text)
        self.manifest.files.append(str(path))

    def unpack_wheel(self, wheel: Path, lib: Path) -> None:
        """Extracts every file of ``wheel`` into ``lib``, recording each file and each folder it creates."""
        self.mkdirs(lib)
        self.say(f"unpack {wheel.name} -> {lib}")
        if self.dry_run:
            return
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.infolist():
                target = lib / member.filename
                if lib.resolve() not in target.resolve().parents:
                    raise host_wheels.WheelError(f"{wheel}: member {member.filename!r} points outside {lib}")
                if member.is_dir():
                    continue
                self.mkdirs(target.parent, quiet=True)
                target.write_bytes(archive.read(member))
                self.manifest.files.append(str(target))

    def add_block(self, path: Path, lines: str) -> None:
        """Appends a marked block to ``path`` (creating the file if needed; then uninstall deletes it)."""
        if not path.exists():
            self.write(path, f"{BEGIN}\n{lines}\n{END}\n")
            return
        self.say(f"add the NED block to {path}")
        text = path.read_text()
        separator = "" if text.endswith("\n") or not text else "\n"
        if not self.dry_run:
            path.write_text(f"{text}{separator}{BEGIN}\n{lines}\n{END}\n")
        self.manifest.blocks.append([str(path), separator])

    def save(self) -> None:
        self.mkdirs(self.manifest_path.parent)
        self.say(f"record the install in {self.manifest_path}")
        if not self.dry_run:
            self.manifest.files.append(str(self.manifest_path))
            self.manifest_path.write_text(json.dumps(self.manifest.__dict__, indent=1))

    def uninstall(self) -> bool:
        """Removes what the manifest lists; False when nothing is installed."""
        if not self.manifest_path.exists():
            return False
        saved = Manifest(**json.loads(self.manifest_path.read_text()))
        for path, separator in saved.blocks:
            self.say(f"remove the NED block from {path}")
            if not self.dry_run and Path(path).exists():
                text = Path(path).read_text()
                start, end = text.find(separator + BEGIN), text.find(END)
                if start >= 0 and end > start:
                    Path(path).write_text(text[:start] + text[end + len(END) + 1:])
        for path in saved.files:
            self.say(f"remove {path}")
            if not self.dry_run and Path(path).exists():
                Path(path).unlink()
        for path in reversed(saved.dirs):
            self.say(f"remove folder {path}")
            if not self.dry_run and Path(path).exists():
                shutil.rmtree(path)
        return True


def install_nuke(installer: Installer, nuke_dir: Path) -> None:
    """The plugin folder ``<nuke_dir>/ned`` (init.py, menu.py, ned_nuke, lib/ned_protocol) + pluginAddPath."""
    target = nuke_dir / "ned"
    installer.copy_tree(REPO / "plugin_nuke", target)
    installer.copy_tree(REPO / "protocol" / "ned_protocol", target / "lib" / "ned_protocol")
    installer.add_block(nuke_dir / "init.py", f"import nuke\nnuke.pluginAddPath({str(target)!r})")


def install_resolve(installer: Installer, home: Path) -> None:
    """``ned_resolve`` + ``ned_protocol`` in the NED data folder; ``NED Emotion.py`` in Scripts/Edit."""
    lib = ned_data_dir(home)
    installer.copy_tree(REPO / "plugin_resolve" / "ned_resolve", lib / "ned_resolve")
    installer.copy_tree(REPO / "protocol" / "ned_protocol", lib / "ned_protocol")
    script = (REPO / "plugin_resolve" / "ned_emotion_script.py").read_text().replace("@NED_LIB@", str(lib))
    installer.write(resolve_scripts_dir(home) / "NED Emotion.py", script)


def host_python(host: str, given: Optional[str]) -> str:
    """The Python version to fetch wheels for: ``given``, else Nuke's (from its install) or the system python3's."""
    if given:
        return given
    version, how = host_wheels.nuke_python() if host == "Nuke" else host_wheels.system_python()
    print(f"note: {host} Python {version}: {how}")
    return version


def install_wheels(installer: Installer, lib: Path, python: str, wheel_dir: Optional[Path],
                   downloads: Dict[str, List[Path]], tmp: Path) -> None:
    """pyzmq + msgpack for CPython ``python`` unpacked into ``lib``, from ``wheel_dir`` or pip (once per version).

    Raises:
        host_wheels.WheelError: the wheels are not in ``wheel_dir`` or pip could not download them.
    """
    if wheel_dir is not None:
        wheels = host_wheels.find_wheels(wheel_dir, python)
    elif installer.dry_run:
        command = host_wheels.download_command(python, host_wheels.wheel_platform(), tmp / "wheels")
        installer.say("run " + " ".join(command) + f" and unpack the wheels -> {lib}")
        return
    elif python not in downloads:
        dest = tmp / python
        installer.say(f"download {' and '.join(host_wheels.PACKAGES)} wheels for Python {python}")
        wheels = downloads[python] = host_wheels.download_wheels(python, host_wheels.wheel_platform(), dest)
    else:
        wheels = downloads[python]
    for wheel in wheels:
        installer.unpack_wheel(wheel, lib)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path.home(), help="install for this home folder")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv", help="the node environment (setup_env.sh)")
    parser.add_argument("--skip-env", action="store_true", help="do not create/update the node environment")
    parser.add_argument("--nuke", action=argparse.BooleanOptionalAction, default=None,
                        help="install the Nuke plugin (default: when ~/.nuke or $NUKE_PATH exists)")
    parser.add_argument("--resolve", action=argparse.BooleanOptionalAction, default=None,
                        help="install the Resolve script (default: when Resolve's user folder exists)")
    parser.add_argument("--host-python", choices=host_wheels.HOST_PYTHONS,
                        help="the hosts' Python for the pyzmq/msgpack wheels (default: Nuke's from its install, "
                             f"else {host_wheels.DEFAULT_PYTHON}; Resolve: the system python3's)")
    parser.add_argument("--wheel-dir", type=Path,
                        help="take the pyzmq and msgpack wheels from this folder instead of downloading (offline)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
    parser.add_argument("--uninstall", action="store_true", help="remove exactly what the last install added")
    args = parser.parse_args(argv)
    home = args.home.expanduser().absolute()
    installer = Installer(home, args.dry_run)
    if args.uninstall:
        if not installer.uninstall():
            print(f"nothing to uninstall: no {installer.manifest_path}")
        return 0
    nuke_path = os.environ.get("NUKE_PATH", "").split(os.pathsep)[0]
    nuke_dir = Path(nuke_path) if nuke_path else home / ".nuke"
    want_nuke = args.nuke if args.nuke is not None else nuke_dir.exists()
    want_resolve = args.resolve if args.resolve is not None else resolve_scripts_dir(home).parents[2].exists()
    if not args.skip_env:
        command = ["bash", str(REPO / "installer" / "setup_env.sh"), str(args.venv)]
        installer.say("run " + " ".join(command))
        if not args.dry_run:
            subprocess.run(command, check=True)
    if not args.dry_run:
        installer.uninstall()  # a re-install replaces the previous one: nothing is duplicated
    hosts: List[Tuple[str, Path]] = []
    if want_nuke:
        install_nuke(installer, nuke_dir)
        hosts.append(("Nuke", nuke_dir / "ned" / "lib"))
    if want_resolve:
        install_resolve(installer, home)
        hosts.append(("Resolve", ned_data_dir(home)))
    if not want_nuke and not want_resolve:
        print("no host found (Nuke: ~/.nuke or $NUKE_PATH; Resolve: its user folder): use --nuke / --resolve")
    missing = []
    with tempfile.TemporaryDirectory(prefix="ned-wheels-") as tmp:
        downloads: Dict[str, List[Path]] = {}
        for host, lib in hosts:
            python = host_python(host, args.host_python)
            try:
                install_wheels(installer, lib, python, args.wheel_dir, downloads, Path(tmp))
            except host_wheels.WheelError as error:
                print(f"error: {host}: {error}\n  offline or behind a proxy? put the pyzmq and msgpack wheels for "
                      f"Python {python} in a folder and re-run with --wheel-dir DIR", file=sys.stderr)
                missing.append(f"{host} (Python {python}) needs pyzmq and msgpack in {lib}")
    installer.save()
    for line in missing:
        print(f"NOT READY: the {line}: re-run with --wheel-dir DIR holding their wheels")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
