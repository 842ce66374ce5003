"""The protocol version this package speaks and the package's own version (no imports: every module may use it)."""

PROTOCOL_VERSION = (1, 3)
__version__ = "0.1.0"
