"""Terminal-mode render of NED nodes (no UI calls)::

    nuke -t plugin_nuke/ned_nuke/farm.py SCRIPT.nk NED_NODE [FIRST LAST]

Nuke runs this file as ``__main__``, outside the ``ned_nuke`` package and maybe without the plugin's
init.py, so it puts the plugin's folders on ``sys.path`` itself and imports absolutely. Nuke keeps a last
argument that is a number (LAST) out of ``sys.argv``, so the arguments are read from ``nuke.rawArgs``.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

if __package__ in (None, ""):  # run as a file
    _PLUGIN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if _PLUGIN not in sys.path:
        sys.path.insert(0, _PLUGIN)
    from ned_nuke.plugin_paths import add_plugin_paths

    add_plugin_paths(_PLUGIN)

import nuke

from ned_nuke.errors import NedNukeError
from ned_nuke.node_builder import is_ned_node
from ned_nuke.render import start_render

USAGE = "usage: nuke -t plugin_nuke/ned_nuke/farm.py SCRIPT.nk NED_NODE [FIRST LAST]"


def render_node(name: str, first: Optional[int] = None, last: Optional[int] = None) -> int:
    """Renders the NED node ``name`` of the open script for ``first..last``, on the calling thread.

    Returns:
        The number of frames rendered.

    Raises:
        NedNukeError: no such NED node, a knob is unusable, or the job failed (the node's message).
    """
    group = nuke.toNode(name)
    if group is None or not is_ned_node(group):
        raise NedNukeError(f"{name!r} is not a NED node of this script")
    runner = start_render(group, first, last)
    return runner.request.source["frames"]["last"] - runner.request.source["frames"]["first"] + 1


def script_args() -> List[str]:
    """The arguments after this file on Nuke's command line (``nuke.rawArgs``; ``sys.argv[1:]`` when this file
    is not found there)."""
    here = os.path.abspath(sys.argv[0])
    raw = list(nuke.rawArgs)
    for index, arg in enumerate(raw):
        if arg.endswith(".py") and os.path.abspath(arg) == here:
            return raw[index + 1:]
    return sys.argv[1:]


def main(argv: List[str]) -> int:
    """``SCRIPT NODE [FIRST LAST]``: opens the script, renders, returns an exit status (0 ok, 1 failed, 2 usage)."""
    if len(argv) not in (2, 4) or (len(argv) == 4 and not all(arg.lstrip("-").isdigit() for arg in argv[2:])):
        print(USAGE, file=sys.stderr)
        return 2
    nuke.scriptOpen(argv[0])
    first, last = (int(argv[2]), int(argv[3])) if len(argv) == 4 else (None, None)
    try:
        frames = render_node(argv[1], first, last)
    except NedNukeError as exc:
        print(f"NED: {exc}", file=sys.stderr)
        return 1
    print(f"NED: {argv[1]} rendered {frames} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main(script_args()))
