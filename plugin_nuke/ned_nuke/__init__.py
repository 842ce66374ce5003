"""The NED node for Nuke: a Group whose Render button sends the shot to a NED render node (ned_protocol).

Python 3.9+ (Nuke 15 ships 3.10, Nuke 16 ships 3.11). Imports only ``nuke``, ``ned_protocol`` and the
standard library.
"""

__version__ = "0.1.0"
