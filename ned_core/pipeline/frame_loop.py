"""The per-frame loop of a render, pipelined: decode ahead, render, write behind, report in frame order.

Decoding (PyAV/OpenImageIO + OCIO) and EXR writing release the GIL, so one reader thread and ``writers`` writer
threads overlap them with the render on the calling thread. Results are reported on the calling thread, strictly
in frame order, as soon as a frame and every frame before it are written (checked after each render). The CPU time
each stage spent on its own threads is added up (:attr:`FrameLoop.cpu`), so a render can say where its time went.
While the loop runs, OpenCV works on the calling thread alone (:func:`one_opencv_thread`): the loop's own threads
keep the cores busy, and OpenCV's pool splitting each call over them only added hand-over work.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

import cv2

from ned_core.exceptions import JobCancelledError

F = TypeVar("F")  # a decoded frame (or None)
P = TypeVar("P")  # a rendered plate
W = TypeVar("W")  # what writing returns


_OPENCV_LOCK = threading.Lock()
_opencv_users = [0, 0]  # loops running now, OpenCV's thread count before the first of them


@contextmanager
def one_opencv_thread() -> Iterator[None]:
    """Run the block with OpenCV's parallel loops on the calling thread (``cv2.setNumThreads(1)``), then give OpenCV
    its thread count back; nested or concurrent blocks share the setting (the last one out restores it).

    The setting is process-wide. OpenCV's results do not depend on it (plates bit-identical); a 1080p close-up's
    render loop took ~4 ms less CPU per frame (of ~74) on 2 cores with it: its pool's worker split each resize,
    remap and blur of a face-sized window with the thread that called it, on cores the loop's threads had busy.
    """
    with _OPENCV_LOCK:
        if _opencv_users[0] == 0:
            _opencv_users[1] = cv2.getNumThreads()
            cv2.setNumThreads(1)
        _opencv_users[0] += 1
    try:
        yield
    finally:
        with _OPENCV_LOCK:
            _opencv_users[0] -= 1
            if _opencv_users[0] == 0:
                cv2.setNumThreads(_opencv_users[1])


class FrameLoop(Generic[F, P, W]):
    """Runs ``load -> render -> write -> report`` over frames with ``depth`` frames in flight each side.

    Args:
        load: decodes frame ``n`` (reader thread; the only thread that reads the source).
        render: turns ``(n, frame)`` into a plate (calling thread).
        write: writes ``(n, frame, plate)`` and returns what ``report`` needs (a writer thread).
        report: called with ``(n, frame, written)`` in frame order on the calling thread.
        depth: frames decoded ahead of the render, and written behind it.
        writers: writer threads (frames written at once).
        discard: called with ``(n, frame, written)`` for a frame that was written but will not be reported
            (its report raised, or the loop stops before reaching it), so staged files can be removed.

    Attributes:
        cpu: stage (``"load"``, ``"render"``, ``"write"``, ``"report"``) -> CPU seconds its calls took on the
            threads that made them (``time.thread_time``; work a call hands to other threads, such as OpenCV's,
            is not counted), summed over the frames of every :meth:`run`.
    """

    def __init__(self, load: Callable[[int], F], render: Callable[[int, F], P], write: Callable[[int, F, P], W],
                 report: Callable[[int, F, W], None], depth: int = 2, writers: int = 2,
                 discard: Callable[[int, F, W], None] | None = None):
        self.load, self.render, self.write, self.report, self.depth = load, render, write, report, depth
        self.writers, self.discard = writers, discard
        self.cpu = {"load": 0.0, "render": 0.0, "write": 0.0, "report": 0.0}
        self._cpu_lock = threading.Lock()  # two writer threads add to cpu["write"]

    def _timed(self, stage: str, call: Callable, *args):
        """``call(*args)``, its thread CPU time added to ``cpu[stage]`` (also when it raises)."""
        start = time.thread_time()
        try:
            return call(*args)
        finally:
            spent = time.thread_time() - start
            with self._cpu_lock:
                self.cpu[stage] += spent

    def run(self, numbers: Sequence[int], should_cancel: Callable[[], bool] | None = None) -> None:
        """Process ``numbers`` in order.

        Raises:
            JobCancelledError: ``should_cancel()`` turned True (checked before each frame's render); the frames
                already rendered are written and reported first, so everything reported is complete.
            Whatever load/render/write/report raised, after the frames before it were reported.
        """
        with one_opencv_thread(), ThreadPoolExecutor(1, thread_name_prefix="ned-read") as reader, \
                ThreadPoolExecutor(self.writers, thread_name_prefix="ned-write") as writer:
            reads: deque[tuple[int, Future]] = deque()
            writes: deque[tuple[int, F, Future]] = deque()
            upcoming = iter(numbers)
            try:
                self._fill(reads, upcoming, reader)
                while reads:
                    number, loading = reads.popleft()
                    if should_cancel is not None and should_cancel():
                        raise JobCancelledError(f"job cancelled before frame {number}; every plate reported so "
                                                "far is complete")
                    frame = loading.result()
                    self._fill(reads, upcoming, reader)
                    plate = self._timed("render", self.render, number, frame)
                    writing = writer.submit(self._timed, "write", self.write, number, frame, plate)
                    writes.append((number, frame, writing))
                    self._drain(writes, keep=self.depth)
                self._drain(writes, keep=0)
            except BaseException:
                for _, loading in reads:
                    loading.cancel()
                self._drain(writes, keep=0, quiet=True)  # finish (and report) what is already being written
                raise

    def _fill(self, reads: deque, upcoming, reader: ThreadPoolExecutor) -> None:
        while len(reads) < self.depth:
            number = next(upcoming, None)
            if number is None:
                return
            reads.append((number, reader.submit(self._timed, "load", self.load, number)))

    def _drain(self, writes: deque, keep: int, quiet: bool = False) -> None:
        """Report the written frames at the head of ``writes``: every one already done, and more (waiting for
        them) until at most ``keep`` are left. ``quiet`` (while stopping on an error): frames whose write or
        report fails are skipped (discarded), not raised."""
        while writes and (len(writes) > keep or writes[0][2].done()):
            number, frame, writing = writes.popleft()
            try:
                written = writing.result()
            except BaseException:
                if quiet:
                    continue
                raise
            try:
                self._timed("report", self.report, number, frame, written)
            except BaseException:
                if self.discard is not None:
                    self.discard(number, frame, written)
                if not quiet:
                    raise
