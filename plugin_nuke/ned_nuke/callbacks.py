"""What init.py and menu.py register: the Nodes menu entry, the plate lookup and job re-attach on open."""

from __future__ import annotations

from typing import Any

MENU_ENTRY = "NED/NED emotion"


def _follow_up(node: Any) -> None:
    """Shows the plates a NED node finds on disk (no render) and follows its job again while it may run."""
    from .comp import sync_existing_plates
    from .render import reattach

    sync_existing_plates(node)
    reattach(node)


def _on_create() -> None:
    """A NED node pasted or created with its children: follow it up. While a script loads, a Group's onCreate
    may run before its children exist (the .nk lists them after the Group); the script-load callback then
    follows it up."""
    import nuke

    from .node_builder import PLATE_READ, is_ned_node

    node = nuke.thisNode()
    if is_ned_node(node) and node.node(PLATE_READ) is not None:
        _follow_up(node)


def _on_script_load() -> None:
    """After a script is loaded: every NED node of it, groups inside groups included."""
    import nuke

    from .node_builder import is_ned_node

    for node in nuke.allNodes("Group", nuke.root(), recurseGroups=True):
        if is_ned_node(node):
            _follow_up(node)


def register_callbacks(nuke: Any) -> None:
    """onScriptLoad (every session, UI or terminal) and onCreate for Groups: find existing plates, no render,
    and follow the node's job again while it may still be running on the render node (UI only)."""
    nuke.addOnScriptLoad(_on_script_load)
    nuke.addOnCreate(_on_create, nodeClass="Group")


def register_menu(nuke: Any) -> None:
    """Nodes → NED → NED emotion creates a NED node."""
    nuke.menu("Nodes").addCommand(MENU_ENTRY, "import ned_nuke.node_builder\nned_nuke.node_builder.create_ned_node()")
