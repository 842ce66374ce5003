"""The protocol version this package speaks and the package's own version (no imports: every module may use it)."""

PROTOCOL_VERSION = (1, 4)
__version__ = "0.1.0"
