"""Hardening of a live node against the defects an independent probe found (issue 16).

Real node subprocesses on loopback, real symlinks, real size-limited file systems (tmpfs, when this machine
lets the tests mount one), real ZeroMQ clients.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest
import zmq

from node_helpers import REPO, collect, path_source, set_control, wait_for, write_shot
from ned_node.errors import error_info
from ned_protocol import NodeClient, RemoteError, Session, generate_key, read_key_file

#: Frame ranges the schema admits but no node takes: each would be gigabytes as a list.
BOMBS = ({"first": 0, "last": 100_000_000}, {"first": -(10 ** 9), "last": 10 ** 9})


def controlled_node(nodes, tmp_path: Path, start: dict | None = None, **knobs):
    """A node (``nodes.start(**start)``) whose fake runner (``node_test_runner``) has ``knobs`` for its jobs."""
    control = tmp_path / "control.json"
    set_control(control, **knobs)
    return nodes.start(env={"NED_TEST_CONTROL": str(control)}, **(start or {}))


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (Linux ``/proc``)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


@pytest.fixture
def shot(roots):
    return write_shot(roots[0] / "sh010", range(1, 4), size=64)


def test_a_huge_frame_range_is_refused_before_it_is_built(nodes, roots, shot):
    node = nodes.start()
    before = rss_bytes(node.process.pid)
    beats: list[float] = []
    stop = threading.Event()

    def heartbeats() -> None:  # another client: its heartbeats must not wait behind the bomb
        with NodeClient(node.address, timeout_s=10) as other:
            while not stop.is_set():
                started = time.monotonic()
                other.heartbeat()
                beats.append(time.monotonic() - started)
                time.sleep(0.02)

    thread = threading.Thread(target=heartbeats)
    thread.start()
    try:
        with NodeClient(node.address, timeout_s=10) as client:
            for frames in BOMBS:
                source = {**path_source(shot, 1, 2), "frames": frames}
                with pytest.raises(RemoteError) as err:
                    client.submit(source, {"target": "happy"}, {"kind": "path", "directory": str(roots[1] / "v1")})
                assert (err.value.code, err.value.details["field"]) == ("invalid_field", "content.source.frames")
                assert "at most 100000 per job" in str(err.value)
                with pytest.raises(RemoteError) as err:
                    client.analyze_shot({"path": shot}, frames=frames)
                assert (err.value.code, err.value.details["field"]) == ("invalid_field", "content.source.frames")
                reference = {"path": shot, "frames": frames}
                with pytest.raises(RemoteError) as err:
                    client.submit(path_source(shot, 1, 2), {"reference": reference},
                                  {"kind": "path", "directory": str(roots[1] / "v2")})
                assert err.value.details["field"] == "content.emotion.reference.frames"
    finally:
        stop.set()
        thread.join()
    assert rss_bytes(node.process.pid) - before < 50 * 2 ** 20
    assert beats and max(beats) < 1.0


def _movie(path: Path, frames: int = 12) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=24)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(frames):
            pixels = np.full((64, 64, 3), 10 * i, np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        container.mux(stream.encode())
    return path


def test_a_movie_that_is_a_list_of_other_files_is_refused(nodes, roots, tmp_path):
    (tmp_path / "private").mkdir()
    outside = _movie(tmp_path / "private" / "other-show.mp4")
    (roots[0] / "link.mp4").symlink_to(outside)
    (roots[0] / "clip.mp4").write_text("ffconcat version 1.0\nfile link.mp4\n")
    node = nodes.start()
    with NodeClient(node.address, timeout_s=10) as client:
        with pytest.raises(RemoteError) as err:
            client.analyze_shot({"path": str(roots[0] / "clip.mp4")})
        assert (err.value.code, err.value.details["field"]) == ("source_error", "content.source.path")
        assert "'concat' demuxer" in str(err.value) and "private" not in str(err.value)
        with pytest.raises(RemoteError) as err:
            client.submit({"kind": "path", "path": str(roots[0] / "clip.mp4"), "frames": {"first": 0, "last": 3}},
                          {"target": "happy"}, {"kind": "path", "directory": str(roots[1] / "v1")})
        assert err.value.code == "source_error" and "'concat' demuxer" in str(err.value)
        assert client.heartbeat()


def test_an_output_folder_swapped_for_a_symlink_mid_job_gets_no_plate(nodes, roots, shot, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    node = controlled_node(nodes, tmp_path, frame_delay=0.5)
    folder = roots[1] / "v1"
    with NodeClient(node.address, timeout_s=10) as client:
        job = client.submit(path_source(shot, 1, 3), {"target": "happy"}, {"kind": "path", "directory": str(folder)})
        wait_for(lambda: list(folder.glob("*.exr")), 30, "the first plate")
        folder.rename(roots[1] / "v1.moved")
        folder.symlink_to(outside)
        events = collect(client, job["job_id"])
    error = events[-1].content["error"]
    assert (events[-1].msg_type, error["code"], error["ename"]) == ("job_failed", "output_error",
                                                                      "UnsafeOutputPathError")
    assert str(outside) not in error["evalue"]
    assert list(outside.iterdir()) == []


def test_overwrite_false_is_checked_again_when_a_queued_job_starts(nodes, roots, shot, tmp_path):
    written = tmp_path / "written.log"
    node = controlled_node(nodes, tmp_path, frame_delay=0.3, log=str(written))
    folder = roots[1] / "v1"
    with NodeClient(node.address, timeout_s=10) as client:
        jobs = [client.submit(path_source(shot, 1, 3), {"target": target}, {"kind": "path", "directory": str(folder)})
                for target in ("sad", "happy")]  # both accepted: the folder is empty at submit
        first, second = (collect(client, job["job_id"]) for job in jobs)
    assert first[-1].msg_type == "job_done"
    error = second[-1].content["error"]
    assert (second[-1].msg_type, error["code"], error["details"]["field"]) == ("job_failed", "output_error",
                                                                                "content.output.overwrite")
    assert "3 plate(s) exist already" in error["evalue"] and second[-1].content["frames_done"] == 0
    assert written.read_text().split() == ["1", "2", "3"]  # the second job replaced none of the first's plates


def test_two_jobs_writing_into_one_folder_at_once_the_second_is_refused(nodes, roots, shot, tmp_path):
    node = controlled_node(nodes, tmp_path, {"extra": ["--workers", "2"], "wait_workers": 2}, frame_delay=0.5)
    folder = roots[1] / "v1"
    output = {"kind": "path", "directory": str(folder), "overwrite": True}
    with NodeClient(node.address, timeout_s=10) as client:
        jobs = [client.submit(path_source(shot, 1, 3), {"target": target}, output) for target in ("sad", "happy")]
        ends = [collect(client, job["job_id"])[-1] for job in jobs]
    assert sorted(end.msg_type for end in ends) == ["job_done", "job_failed"]
    error = next(end for end in ends if end.msg_type == "job_failed").content["error"]
    assert (error["code"], error["ename"]) == ("output_error", "OutputFolderBusyError")
    assert "another render is writing into this folder right now" in error["evalue"]
    assert len(list(folder.glob("*.exr"))) == 3


def fill(folder: Path) -> Path:
    """Fills the file system of ``folder`` to the last byte; returns the filler file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_full_state_dir_fails_the_job_visibly_and_the_node_keeps_serving(small_fs, nodes, roots, shot, tmp_path):
    state = small_fs(tmp_path / "state", "8m")
    node = controlled_node(nodes, tmp_path, {"state_dir": state, "log_file": tmp_path / "node.log"}, frame_delay=0.4)
    with NodeClient(node.address, timeout_s=10) as client:
        job = client.submit(path_source(shot, 1, 3), {"target": "happy"},
                            {"kind": "path", "directory": str(roots[1] / "v1")})
        wait_for(lambda: list((roots[1] / "v1").glob("*.exr")), 30, "the first plate")
        filler = fill(state)
        events = collect(client, job["job_id"], timeout=30)
        time.sleep(2.0)  # a stuck job would log on and on
        assert client.heartbeat()
        record = client.status(job["job_id"])
        filler.unlink()
        wait_for(lambda: client.status(job["job_id"])["state"] == "failed", 10, "the failure saved")
    error = events[-1].content["error"]
    assert (events[-1].msg_type, error["ename"]) == ("job_failed", "JobStateWriteError")
    assert "no space left" in error["evalue"] and str(state) not in error["evalue"]
    assert record["state"] == "failed" and record["error"]["ename"] == "JobStateWriteError"
    logs = node.logs()
    assert sum(1 for e in logs if "traceback" in e) <= 1 and len(logs) < 60
    assert node.alive()


def test_a_message_captured_before_a_restart_is_not_accepted_again(nodes, tmp_path):
    key_file = tmp_path / "node.key"
    key_file.write_bytes(generate_key())
    key_file.chmod(0o600)
    node = nodes.start(extra=["--key-file", str(key_file)])
    session = Session(read_key_file(key_file))
    captured = session.serialize(session.message("list_jobs_request", {}))
    context = zmq.Context()

    def answered(target) -> bool:
        socket = context.socket(zmq.DEALER)
        socket.linger = 0
        socket.connect(target.address)
        socket.send_multipart(captured)
        try:
            return bool(socket.poll(1500))
        finally:
            socket.close()

    try:
        assert answered(node) and not answered(node)  # a replay to the same process: refused
        node.kill(signal.SIGTERM)
        assert not answered(nodes.restart(node))  # and to the restarted node
    finally:
        context.term()
    dropped = [e["code"] for e in nodes.nodes[-1].logs() if e["msg"] == "untrusted message dropped"]
    assert dropped == ["replayed_message", "stale_message"]  # the first node, then the restarted one
    with NodeClient(nodes.nodes[-1].address, key=read_key_file(key_file), timeout_s=10) as client:
        assert client.heartbeat()  # fresh messages are accepted


def test_error_replies_name_the_field_not_where_a_symlink_leads(nodes, roots, tmp_path):
    hidden = tmp_path / "hidden-project"
    write_shot(hidden, range(1, 3), size=32)
    (roots[0] / "via").symlink_to(hidden)
    node = nodes.start()
    with NodeClient(node.address, timeout_s=10) as client:
        with pytest.raises(RemoteError) as err:
            client.submit(path_source(str(roots[0] / "via" / "shot.####.png"), 1, 2), {"target": "happy"},
                          {"kind": "path", "directory": str(roots[1] / "v1")})
    assert (err.value.code, err.value.details["field"]) == ("invalid_field", "content.source.path")
    assert "through a symlink" in str(err.value) and "hidden-project" not in str(err.value)
    assert str(node.process.pid) not in str(err.value)


def test_an_unexpected_error_tells_the_client_nothing_of_the_node_internals():
    secret = f"/srv/private/ned-{os.getpid()}/state/jobs.sqlite"
    info = error_info(PermissionError(13, "Permission denied", secret))
    assert (info["code"], info["ename"]) == ("internal_error", "PermissionError")
    assert "private" not in info["evalue"] and str(os.getpid()) not in info["evalue"]
    assert "node log" in info["evalue"]


def test_the_cli_shows_real_plate_names_and_no_track_none(nodes, roots, shot):
    node = nodes.start()
    folder = roots[1] / "cli"
    submitted = subprocess.run([sys.executable, "-m", "ned_core.cli.main", "submit", shot, "--frames", "1-3",
                                "--emotion", "happy", "--out", str(folder), "--node", node.address, "--quiet"],
                               cwd=REPO, capture_output=True, text=True)
    assert submitted.returncode == 0, submitted.stderr
    assert "rendered 3 frames in" in submitted.stdout and "None" not in submitted.stdout
    job_id = submitted.stderr.split()[1]  # "job <id> on <address>"
    attached = subprocess.run([sys.executable, "-m", "ned_core.cli.main", "jobs", "attach", job_id, "--node",
                               node.address, "--quiet"], cwd=REPO, capture_output=True, text=True)
    assert f"{job_id}: done, 3 plates to {folder / 'shot.ned.####.exr'}" in attached.stdout, attached.stdout
    assert "{stem}" not in attached.stdout
    assert sorted(p.name for p in folder.glob("*.exr")) == [f"shot.ned.{n:04d}.exr" for n in (1, 2, 3)]


def test_after_a_cancel_the_job_record_counts_every_plate_on_disk(nodes, roots, tmp_path):
    shot = write_shot(roots[0] / "long", range(1, 11), size=32)
    node = controlled_node(nodes, tmp_path, frame_delay=0.4)
    folder = roots[1] / "v1"
    with NodeClient(node.address, timeout_s=10) as client:
        job = client.submit(path_source(shot, 1, 10), {"target": "happy"}, {"kind": "path", "directory": str(folder)})
        wait_for(lambda: len(list(folder.glob("*.exr"))) >= 2, 30, "two plates")
        assert client.cancel(job["job_id"]) == "cancelled"  # the worker is writing the next plate now
        time.sleep(1.5)  # the worker finishes the plate in hand and stops at the frame boundary
        record = client.status(job["job_id"])
    on_disk = sorted(int(p.name.split(".")[-2]) for p in folder.glob("*.exr"))
    assert record["state"] == "cancelled" and on_disk == list(range(1, len(on_disk) + 1))
    assert record["frames_done"] == len(on_disk) >= 2


def test_a_full_output_disk_is_named_in_the_job_failure(small_fs, nodes, roots, shot, tmp_path):
    full = small_fs(roots[1] / "full", "1m")
    fill(full)
    node = nodes.start()
    with NodeClient(node.address, timeout_s=10) as client:
        job = client.submit(path_source(shot, 1, 3), {"target": "happy"},
                            {"kind": "path", "directory": str(full / "v1")})
        events = collect(client, job["job_id"])
    error = events[-1].content["error"]
    assert (events[-1].msg_type, error["code"]) == ("job_failed", "output_error")
    assert "no space left" in error["evalue"].lower(), error["evalue"]


def test_a_frame_replaced_by_a_symlink_after_submit_is_not_read(nodes, roots, tmp_path):
    shot = write_shot(roots[0] / "sh030", range(1, 4), size=32)
    other = write_shot(tmp_path / "other-show", range(1, 4), size=32, name="secret")
    node = controlled_node(nodes, tmp_path, frame_delay=0.5)
    folder = roots[1] / "v1"
    with NodeClient(node.address, timeout_s=10) as client:
        job = client.submit(path_source(shot, 1, 3), {"target": "happy"}, {"kind": "path", "directory": str(folder)})
        frame3 = roots[0] / "sh030" / "shot.0003.png"
        frame3.unlink()
        frame3.symlink_to(Path(other.replace("####", "0003")))  # after the node checked every frame
        events = collect(client, job["job_id"])
    error = events[-1].content["error"]
    assert (events[-1].msg_type, error["code"], error["ename"]) == ("job_failed", "source_error",
                                                                      "UnsafeInputPathError")
    assert "other-show" not in error["evalue"] and not (folder / "shot.ned.0003.exr").exists()
