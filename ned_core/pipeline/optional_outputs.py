"""Outputs a render adds to its plates (preview movie, composite EXRs): their failures become warnings.

The plates are the job's product. When a preview or a composite cannot be written (a full disk, a folder in the
way, an audio stream FFmpeg cannot encode), that output is dropped with a warning naming it and the reason; the
plates are still written, reported and the run succeeds: ``ned render`` exits 0, prints the warning and lists
the output under ``failed_outputs`` in ``--json``; the node ends the job with ``job_done`` carrying the warning.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ned_core.exceptions import C2paSigningError, PreviewError
from ned_core.io.c2pa_sign import C2paConfig, sign_movie
from ned_core.io.preview import PreviewWriter


class OptionalOutputs:
    """Which optional outputs failed, and why (first failure of each wins; any thread may record one)."""

    def __init__(self) -> None:
        self.failed: dict[str, str] = {}
        self._lock = threading.Lock()

    def fail(self, name: str, reason: str) -> None:
        with self._lock:
            self.failed.setdefault(name, reason)

    def ok(self, name: str) -> bool:
        return name not in self.failed

    def warnings(self, plates: int) -> list[str]:
        """One line per failed output, saying that the plates are complete."""
        return [f"{name} not written: {reason} (the {plates} plates are complete)"
                for name, reason in self.failed.items()]


class GuardedPreview:
    """A :class:`PreviewWriter` whose failures are recorded in ``outputs`` instead of raised; with ``c2pa``
    credentials the finished movie gets a signed C2PA manifest (a signing failure leaves it unsigned, warned).

    After a failure the movie is discarded (nothing is left at its path) and later calls do nothing.
    """

    def __init__(self, open_writer: Callable[[], PreviewWriter], outputs: OptionalOutputs,
                 c2pa: C2paConfig = C2paConfig()):
        self.outputs, self.c2pa = outputs, c2pa
        self.writer: PreviewWriter | None = None
        self.media_warnings: list[str] = []  # what the writer skipped but survived (damaged audio)
        try:
            self.writer = open_writer()
        except PreviewError as e:
            outputs.fail("preview", str(e))
            return
        self.media_warnings = self.writer.warnings

    def add(self, make_frame: Callable[[], np.ndarray]) -> None:
        """Append the frame ``make_frame()`` returns (not called once the preview has failed)."""
        if self.writer is None:
            return
        try:
            self.writer.add(make_frame())
        except PreviewError as e:
            self._drop(str(e))

    def close(self) -> Path | None:
        """The finished movie, or None when it failed."""
        if self.writer is None:
            return None
        writer, self.writer = self.writer, None
        try:
            path = writer.close()
        except PreviewError as e:
            self.outputs.fail("preview", str(e))
            return None
        if self.c2pa.cert is not None:
            try:
                sign_movie(path, self.c2pa)
            except C2paSigningError as e:  # the preview stays, unsigned
                self.outputs.fail("C2PA manifest", str(e))
        return path

    def discard(self) -> None:
        if self.writer is not None:
            self.writer.discard()
            self.writer = None

    def _drop(self, reason: str) -> None:
        self.discard()
        self.outputs.fail("preview", reason)
