"""NED plugin folder init (run by Nuke for every session, UI or terminal): makes ned_protocol importable."""

import os
import sys

import nuke

_here = os.path.dirname(os.path.abspath(__file__))
# The installer puts ned_protocol and its dependencies (pyzmq, msgpack) for Nuke's Python into lib/.
for _path in (_here, os.path.join(_here, "lib")):
    if os.path.isdir(_path) and _path not in sys.path:
        sys.path.insert(0, _path)

import ned_nuke.callbacks

ned_nuke.callbacks.register_callbacks(nuke)
