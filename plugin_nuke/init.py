"""NED plugin folder init (run by Nuke for every session, UI or terminal): makes ned_protocol importable."""

import os
import sys

import nuke

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

from ned_nuke.plugin_paths import add_plugin_paths

# The installer puts ned_protocol and its dependencies (pyzmq, msgpack) for Nuke's Python into lib/.
add_plugin_paths(_here)

import ned_nuke.callbacks

ned_nuke.callbacks.register_callbacks(nuke)
