"""Slow work off the node's loop thread (inline frames to disk), with a pipe that wakes the loop when it is done."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Pending:
    """Work in progress: once ``future`` is done, ``finish()`` (called on the loop thread) gives the result."""

    future: Future
    finish: Callable[[], Any]


class Background:
    """A small thread pool whose finished tasks make :meth:`fileno` readable (register it in the loop's poller).

    Args:
        threads: tasks run at once (file writes release the GIL).
    """

    def __init__(self, threads: int = 2):
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="ned-io")
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def submit(self, function: Callable, *args) -> Future:
        future = self._executor.submit(function, *args)
        future.add_done_callback(self._wake)
        return future

    def _wake(self, _: Future) -> None:
        try:
            os.write(self._write, b"x")
        except BlockingIOError:
            pass  # the pipe is full of wake-ups already

    def fileno(self) -> int:
        return self._read

    def drain(self) -> None:
        """Empties the wake-up pipe (call after the poller reported it)."""
        try:
            while os.read(self._read, 4096):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        """Waits for running tasks, then releases the threads and the pipe."""
        self._executor.shutdown(wait=True)
        os.close(self._read)
        os.close(self._write)
