"""What init.py and menu.py register: the Nodes menu entry and the on-create plate lookup."""

from __future__ import annotations

from typing import Any

MENU_ENTRY = "NED/NED emotion"


def _on_create() -> None:
    import nuke

    from .comp import sync_existing_plates
    from .node_builder import is_ned_node

    node = nuke.thisNode()
    if is_ned_node(node):
        sync_existing_plates(node)


def register_callbacks(nuke: Any) -> None:
    """onCreate for Groups (also runs when a script is opened): finds existing plates, no render."""
    nuke.addOnCreate(_on_create, nodeClass="Group")


def register_menu(nuke: Any) -> None:
    """Nodes → NED → NED emotion creates a NED node."""
    nuke.menu("Nodes").addCommand(MENU_ENTRY, "import ned_nuke.node_builder\nned_nuke.node_builder.create_ned_node()")
