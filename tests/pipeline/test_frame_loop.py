"""FrameLoop, the render's real per-frame loop: frame order, threads, cancel, and load/render/write errors.

The stages here are small real functions (files written to disk, a writer that is slower than the render), so
the reader and writer threads overlap the render as they do in a render job.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ned_core.exceptions import FrameReadError, JobCancelledError, PlateWriteError
from ned_core.pipeline.frame_loop import FrameLoop


class Stages:
    """load/render/write/report over frame numbers; writes one file per frame, records who ran what where."""

    def __init__(self, folder: Path, fail: dict[str, int] | None = None, write_delay: float = 0.0):
        self.folder, self.fail, self.write_delay = folder, fail or {}, write_delay
        self.loaded: list[int] = []
        self.rendered: list[int] = []
        self.written: list[int] = []
        self.reported: list[int] = []
        self.threads: dict[str, set[str]] = {"load": set(), "render": set(), "write": set(), "report": set()}

    def _note(self, stage: str, number: int) -> None:
        self.threads[stage].add(threading.current_thread().name)
        if self.fail.get(stage) == number:
            error = {"load": FrameReadError, "write": PlateWriteError}.get(stage, RuntimeError)
            raise error(f"{stage} failed on frame {number}")

    def load(self, number: int) -> str:
        self._note("load", number)
        self.loaded.append(number)
        return f"frame {number}"

    def render(self, number: int, frame: str) -> bytes:
        self._note("render", number)
        assert frame == f"frame {number}"
        self.rendered.append(number)
        return f"plate of {frame}".encode()

    def write(self, number: int, frame: str, plate: bytes) -> Path:
        time.sleep(self.write_delay * (number % 3))  # uneven write times
        self._note("write", number)
        path = self.folder / f"plate.{number:04d}"
        path.write_bytes(plate)
        self.written.append(number)
        return path

    def report(self, number: int, frame: str, written: Path) -> None:
        self._note("report", number)
        assert written.read_bytes() == f"plate of frame {number}".encode()  # complete on disk when reported
        self.reported.append(number)

    def loop(self, depth: int = 2) -> FrameLoop:
        return FrameLoop(self.load, self.render, self.write, self.report, depth)


NUMBERS = list(range(1001, 1013))


def test_every_frame_goes_through_in_order_on_its_own_thread(tmp_path):
    stages = Stages(tmp_path, write_delay=0.004)
    stages.loop().run(NUMBERS)
    assert stages.loaded == stages.rendered == stages.reported == sorted(stages.written) == NUMBERS
    caller = threading.current_thread().name
    assert stages.threads["render"] == stages.threads["report"] == {caller}
    assert len(stages.threads["load"]) == 1 and len(stages.threads["write"]) == 2  # two frames written at once
    assert caller not in stages.threads["load"] | stages.threads["write"]
    assert stages.threads["load"] != stages.threads["write"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"plate.{n:04d}" for n in NUMBERS]


def test_frames_are_read_at_most_depth_ahead_of_the_render(tmp_path):
    stages = Stages(tmp_path)
    ahead = []

    def render(number, frame):
        ahead.append(len(stages.loaded) - len(stages.rendered))
        return Stages.render(stages, number, frame)

    FrameLoop(stages.load, render, stages.write, stages.report, depth=3).run(NUMBERS)
    assert max(ahead) <= 3 and stages.reported == NUMBERS


def test_cancel_stops_before_the_next_render_and_reports_everything_rendered(tmp_path):
    stages = Stages(tmp_path, write_delay=0.004)
    with pytest.raises(JobCancelledError, match="before frame 1006"):
        stages.loop().run(NUMBERS, should_cancel=lambda: len(stages.rendered) == 5)
    assert stages.rendered == sorted(stages.written) == stages.reported == NUMBERS[:5]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"plate.{n:04d}" for n in NUMBERS[:5]]


def test_cancel_before_the_first_frame_renders_nothing(tmp_path):
    stages = Stages(tmp_path)
    with pytest.raises(JobCancelledError, match="before frame 1001"):
        stages.loop().run(NUMBERS, should_cancel=lambda: True)
    assert stages.rendered == stages.reported == [] and not any(tmp_path.iterdir())


def test_a_write_error_propagates_and_no_failed_frame_is_reported(tmp_path):
    stages = Stages(tmp_path, fail={"write": 1005})
    with pytest.raises(PlateWriteError, match="write failed on frame 1005"):
        stages.loop().run(NUMBERS)
    assert stages.reported[:4] == NUMBERS[:4] and 1005 not in stages.reported
    assert stages.reported == sorted(stages.reported) and set(stages.reported) <= set(stages.written)
    assert len(stages.rendered) <= 4 + 1 + 2  # the render stopped within depth frames of the failure


@pytest.mark.parametrize("stage, error", [("load", FrameReadError), ("render", RuntimeError)])
def test_a_load_or_render_error_propagates_after_the_frames_before_it(tmp_path, stage, error):
    stages = Stages(tmp_path, fail={stage: 1007})
    with pytest.raises(error, match=f"{stage} failed on frame 1007"):
        stages.loop().run(NUMBERS)
    assert stages.reported == NUMBERS[:6]
    assert 1007 not in stages.rendered and all(n < 1007 for n in stages.rendered)


def test_frames_are_reported_as_soon_as_they_and_the_frames_before_are_written(tmp_path):
    stages = Stages(tmp_path)
    behind = []

    def render(number, frame):
        behind.append(len(stages.rendered) - len(stages.reported))
        # this render outlasts the writes of the frames before it (no timing assumption: wait for them)
        deadline = time.monotonic() + 10.0
        while len(stages.written) < len(stages.rendered) and time.monotonic() < deadline:
            time.sleep(0.001)
        return Stages.render(stages, number, frame)

    FrameLoop(stages.load, render, stages.write, stages.report, depth=3).run(NUMBERS)
    assert stages.reported == NUMBERS
    assert max(behind) <= 1  # reported after the next render at the latest, not ``depth`` frames behind


def test_a_frame_whose_report_fails_is_discarded_and_the_error_propagates(tmp_path):
    stages = Stages(tmp_path, fail={"report": 1004})
    discarded = []

    def discard(number, frame, written):
        written.unlink()
        discarded.append(number)

    with pytest.raises(RuntimeError, match="report failed on frame 1004"):
        FrameLoop(stages.load, stages.render, stages.write, stages.report, discard=discard).run(NUMBERS)
    assert stages.reported[:3] == NUMBERS[:3] and 1004 not in stages.reported and discarded == [1004]
    assert stages.reported == sorted(stages.reported)  # frames already being written are still reported
    assert not (tmp_path / "plate.1004").exists()


def _busy(seconds: float) -> None:
    """Spend ``seconds`` of this thread's CPU time."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_each_stage_cpu_time_is_added_up_on_its_own_threads(tmp_path):
    stages = Stages(tmp_path)

    def render(number, frame):
        _busy(0.01)  # CPU spent on the calling thread
        return Stages.render(stages, number, frame)

    def write(number, frame, plate):
        _busy(0.005)  # on the writer threads
        time.sleep(0.01)  # waiting is not CPU time
        return Stages.write(stages, number, frame, plate)

    loop = FrameLoop(stages.load, render, write, stages.report)
    loop.run(NUMBERS)
    loop.run(NUMBERS[:2])  # summed over runs
    frames = len(NUMBERS) + 2
    assert set(loop.cpu) == {"load", "render", "write", "report"}
    assert 0.01 * frames <= loop.cpu["render"] < 0.01 * frames + 0.1
    assert 0.005 * frames <= loop.cpu["write"] < 0.005 * frames + 0.1  # both writers' time; the sleeps not counted
    assert loop.cpu["load"] < 0.05 and loop.cpu["report"] < 0.05


def test_opencv_works_on_the_calling_thread_while_the_loop_runs_and_gets_its_threads_back(tmp_path):
    """The loop's own threads keep the cores busy: OpenCV's pool is held to one thread in every stage, and its
    count restored afterwards, also when a stage raises."""
    cv2 = pytest.importorskip("cv2")
    before = cv2.getNumThreads()
    cv2.setNumThreads(3)
    try:
        seen: list[int] = []

        class Counting(Stages):
            def render(self, number: int, frame: str) -> bytes:
                seen.append(cv2.getNumThreads())
                return super().render(number, frame)

            def write(self, number: int, frame: str, plate: bytes) -> Path:
                seen.append(cv2.getNumThreads())
                return super().write(number, frame, plate)

        Counting(tmp_path).loop().run(range(5))
        assert seen and set(seen) == {1}
        assert cv2.getNumThreads() == 3
        with pytest.raises(RuntimeError):
            Counting(tmp_path, fail={"render": 2}).loop().run(range(5))
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(before)
