"""NED Emotion: Resolve Scripts-menu entry (Workspace → Scripts → Edit → NED Emotion); also runs from a shell.

The installer copies this file into Resolve's Fusion/Scripts/Edit folder as ``NED Emotion.py`` and fills in
NED_LIB, the folder holding ``ned_resolve`` and ``ned_protocol`` (with pyzmq and msgpack for this Python).
"""

import sys

NED_LIB = "@NED_LIB@"
if NED_LIB not in sys.path:
    sys.path.insert(0, NED_LIB)

from ned_resolve.launch import launch

_status = launch(globals())
if __name__ == "__main__":
    sys.exit(_status)
