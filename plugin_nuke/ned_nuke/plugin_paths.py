"""Where the plugin's imports live: the plugin folder, its ``lib/`` and, in a source checkout, ``protocol/``.

Used by the plugin folder's init.py (every Nuke session) and by farm.py when Nuke runs it as a file
(``nuke -t plugin_nuke/ned_nuke/farm.py ...``), where no init.py may have run.
"""

from __future__ import annotations

import os
import sys


def add_plugin_paths(plugin_dir: str) -> None:
    """Puts ``plugin_dir`` (holding ``ned_nuke``) and the folders holding ``ned_protocol`` and its
    dependencies on ``sys.path``: ``plugin_dir/lib`` (the installer puts them there) or, in a source
    checkout, ``<repo>/protocol``."""
    candidates = (os.path.join(os.path.dirname(os.path.abspath(plugin_dir)), "protocol"),
                  os.path.join(plugin_dir, "lib"), plugin_dir)
    for path in candidates:  # the last one inserted comes first
        if os.path.isdir(path) and path not in sys.path and (
                path == plugin_dir or os.path.isdir(os.path.join(path, "ned_protocol"))):
            sys.path.insert(0, path)
