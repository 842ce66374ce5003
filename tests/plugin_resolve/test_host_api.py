"""The Resolve fake against Blackmagic's API as the ``fusionscript-stubs`` 21.0 stubs describe it, and every host
call the Resolve script makes against the fakes and against the table in docs/host_api.md."""

from __future__ import annotations

import ast
import inspect
import re
from importlib import metadata
from pathlib import Path
from typing import Dict, List

import fake_fusion_ui
import fake_resolve
import pytest
from host_api_doc import documented

REPO = Path(__file__).parents[2]
PLUGIN = REPO / "plugin_resolve"
#: Resolve API names are CamelCase methods (GetName, AppendToTimeline, ...); the script's own are snake_case.
_API_NAME = re.compile(r"^[A-Z][A-Za-z0-9]+$")
#: Fake classes that model a stub class of another name.
_STUB_CLASS = {"TimelineItem19": "TimelineItem"}


def _stubs() -> ast.Module:
    files = metadata.files("fusionscript-stubs") or []
    stub = next(f for f in files if str(f).endswith("fusionscript.pyi"))
    return ast.parse(Path(stub.locate()).read_text())


@pytest.fixture(scope="module")
def stubs() -> Dict[str, Dict[str, List[ast.arguments]]]:
    """Class → method → the argument lists of its overloads, from the 21.0 stubs."""
    classes: Dict[str, Dict[str, List[ast.arguments]]] = {}
    for node in _stubs().body:
        if isinstance(node, ast.ClassDef):
            methods = classes.setdefault(node.name, {})
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    methods.setdefault(item.name, []).append(item.args)
    return classes


def _typed_dict_keys(name: str) -> set:
    node = next(n for n in _stubs().body if isinstance(n, ast.ClassDef) and n.name == name)
    return {item.target.id for item in node.body if isinstance(item, ast.AnnAssign)}


def _compatible(fake: inspect.Signature, stub: ast.arguments) -> bool:
    """The fake takes every argument the stub names, by the same name and position; what the fake takes on
    top has a default. (The stubs list some optional arguments, e.g. ``subframe_precision``, as required;
    the fake may give those a default.)"""
    stub_names = [arg.arg for arg in stub.args][1:]  # without self
    fake_params = [p for p in fake.parameters.values() if p.name != "self"]
    if [p.name for p in fake_params[:len(stub_names)]] != stub_names:
        return False
    return all(p.default is not inspect.Parameter.empty for p in fake_params[len(stub_names):])


def _fake_api(module) -> Dict[str, Dict[str, inspect.Signature]]:
    """Fake class → its Resolve-API methods (CamelCase, defined in the module) → signature."""
    api = {}
    for name, cls in vars(module).items():
        if inspect.isclass(cls) and cls.__module__ == module.__name__:
            api[name] = {m: inspect.signature(f) for m, f in vars(cls).items() if _API_NAME.match(m) and callable(f)}
    return api


def test_every_method_of_the_resolve_fake_is_in_the_21_stubs_with_a_compatible_signature(stubs):
    checked = 0
    for cls, methods in _fake_api(fake_resolve).items():
        if not methods:
            continue
        stub_class = stubs[_STUB_CLASS.get(cls, cls)]
        for method, signature in methods.items():
            assert method in stub_class, f"{cls}.{method} is not in fusionscript-stubs 21.0"
            assert any(_compatible(signature, args) for args in stub_class[method]), \
                f"{cls}.{method}{signature} does not match the stubs' {method}"
            checked += 1
    assert checked >= 30


def test_the_fakes_clip_info_keys_are_the_stubs(stubs):
    assert fake_resolve.MediaPool.IMPORT_KEYS == _typed_dict_keys("ImportClipInfo")
    assert fake_resolve.MediaPool.APPEND_KEYS == _typed_dict_keys("MediaPoolClipInfo")


def _api_calls(paths) -> set:
    """Host methods the files call: CamelCase ``x.GetName()`` (not on a standard-library module such as
    ``argparse.ArgumentParser``), and every call on the ``DaVinciResolveScript`` module."""
    calls = set()
    for path in paths:
        tree = ast.parse(path.read_text())
        modules = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                   for alias in node.names}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value.id if isinstance(node.func.value, ast.Name) else None
            if receiver == "DaVinciResolveScript" or (_API_NAME.match(node.func.attr) and receiver not in modules):
                calls.add(node.func.attr)
    return calls


def test_every_resolve_call_of_the_script_is_faked_in_the_stubs_anddocumented(stubs):
    scripts = [p for p in PLUGIN.rglob("*.py") if p.name != "dialog.py"]
    calls = _api_calls(scripts)
    faked = {m for methods in _fake_api(fake_resolve).values() for m in methods}
    in_stubs = {m for methods in stubs.values() for m in methods}
    assert {"AppendToTimeline", "GetVersion", "GetSourceStartFrame", "GetLeftOffset"} <= calls
    assert calls - faked == {"scriptapp"}, "called but not in the Resolve fake"  # shell launch: not faked
    assert calls - in_stubs == {"scriptapp"}, "called but not in fusionscript-stubs 21.0"
    assert calls - documented("Resolve scripting API") == set(), "called but missing from docs/host_api.md"


def test_every_ui_call_of_the_dialog_is_faked_anddocumented():
    calls = _api_calls([PLUGIN / "ned_resolve" / "dialog.py"])
    faked = {name for cls in vars(fake_fusion_ui).values() if inspect.isclass(cls) for name in dir(cls)}
    assert {"AddWindow", "RunLoop", "ExitLoop", "ComboBox"} <= calls
    assert calls - faked == set(), "called but not in the UIManager fake"
    assert calls - documented("Fusion UIManager (Resolve dialog)") == set(), "missing from docs/host_api.md"
