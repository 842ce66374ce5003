"""Every Nuke call the plugin makes is in the Nuke fake and in docs/host_api.md's table (with its versions)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import fake_nuke
import pytest
from host_api_doc import documented

PLUGIN = Path(__file__).parents[2] / "plugin_nuke"


def _plugin_trees():
    return [ast.parse(path.read_text()) for path in PLUGIN.rglob("*.py")]


def _nuke_names() -> set:
    """``nuke.X`` the plugin uses (functions, classes, flags)."""
    return {node.attr for tree in _plugin_trees() for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "nuke"}


def _node_classes() -> set:
    """``nuke.nodes.X`` the plugin creates."""
    return {node.attr for tree in _plugin_trees() for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "nodes" and isinstance(node.value.value, ast.Name) and node.value.value.id == "nuke"}


def _object_methods() -> set:
    """Methods the plugin calls on nodes, knobs, progress tasks, menus and layers: the called names that the
    fake's node, knob, task, menu and layer classes have."""
    host = {name for cls in vars(fake_nuke).values()
            if inspect.isclass(cls) and cls.__module__ == fake_nuke.__name__ and not cls.__name__.startswith("_N")
            for name in vars(cls) if not name.startswith("_")}
    called = {node.func.attr for tree in _plugin_trees() for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "nuke")}
    return called & host


def test_every_nuke_function_class_and_flag_the_plugin_uses_is_faked_and_documented():
    names = _nuke_names()
    assert {"Layer", "addOnScriptLoad", "executeInMainThread"} <= names
    assert names - set(dir(fake_nuke)) == set(), "used but not in the Nuke fake"
    assert names - documented("Nuke Python API") == set(), "used but missing from docs/host_api.md"


@pytest.mark.parametrize("version", [14, 17])
def test_every_node_class_the_plugin_creates_exists_in_each_supported_nuke(nuke, version):
    nuke.reset(gui=True, version=version)
    classes = _node_classes()
    assert "Shuffle2" in classes and "Shuffle" not in classes
    assert classes - set(fake_nuke._classes()) == set()
    assert classes - documented("Nuke Python API") == set(), "created but missing from docs/host_api.md"


def test_every_node_and_knob_method_the_plugin_calls_is_documented():
    methods = _object_methods()
    assert {"fromUserText", "setValue", "setInput", "isCancelled", "addCommand"} <= methods
    assert methods - documented("Nuke Python API") == set(), "called but missing from docs/host_api.md"
