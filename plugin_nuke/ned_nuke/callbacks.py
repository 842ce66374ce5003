"""What init.py and menu.py register: the Nodes menu entry, the on-create plate lookup and job re-attach."""

from __future__ import annotations

from typing import Any

MENU_ENTRY = "NED/NED emotion"


def _on_create() -> None:
    import nuke

    from .comp import sync_existing_plates
    from .node_builder import is_ned_node
    from .render import reattach

    node = nuke.thisNode()
    if is_ned_node(node):
        sync_existing_plates(node)
        reattach(node)


def register_callbacks(nuke: Any) -> None:
    """onCreate for Groups (also runs when a script is opened): finds existing plates, no render, and
    follows the node's job again while it may still be running on the render node."""
    nuke.addOnCreate(_on_create, nodeClass="Group")


def register_menu(nuke: Any) -> None:
    """Nodes → NED → NED emotion creates a NED node."""
    nuke.menu("Nodes").addCommand(MENU_ENTRY, "import ned_nuke.node_builder\nned_nuke.node_builder.create_ned_node()")
