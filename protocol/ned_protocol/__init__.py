"""Client side of the NED render node protocol (pure Python, pyzmq + msgpack only).

The import name is ``ned_protocol`` so that it cannot clash with other ``protocol``
modules inside a host application's Python. The message set is built by the render-node
issue; this package carries only the version constants until then.
"""

PROTOCOL_VERSION = (1, 0)
__version__ = "0.1.0"
