"""Keeps native libraries' own stderr lines from surrounding our one-line errors.

libpng prints ``libpng error: ...`` / ``libpng warning: ...`` straight to file descriptor 2 before OpenImageIO
turns the failure into an error we report (and warns on many valid files, e.g. "iCCP: known incorrect sRGB
profile"). :func:`without_libpng_lines` points descriptor 2 at a temporary file while a PNG is read and then
passes on everything else that was written meanwhile (from any thread), so only libpng's lines are dropped;
they go to the debug log. FFmpeg's log lines are switched off where movies are opened (``demuxers``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator

log = logging.getLogger(__name__)
_LOCK = threading.Lock()
_PREFIX = b"libpng "


@contextlib.contextmanager
def without_libpng_lines() -> Iterator[None]:
    """Drops the ``libpng ...`` lines printed on stderr (descriptor 2) inside the block."""
    with _LOCK, tempfile.TemporaryFile() as capture:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().splitlines(keepends=True)
            kept = b"".join(line for line in lines if not line.startswith(_PREFIX))
            if kept:
                os.write(2, kept)
            for line in lines:
                if line.startswith(_PREFIX):
                    log.debug("%s", line.decode(errors="replace").rstrip())
