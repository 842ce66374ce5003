"""Faults on a live node (pipeline stand-in): crash loops, a full queue, retention of finished jobs.

Killing a worker and killing the node mid-job are tested with the real pipeline in ``test_node_e2e.py``.
"""

from __future__ import annotations

import collections
import time

import pytest

from ned_core.io.output_lock import LOCK_NAME
from node_helpers import collect, path_source, set_control, wait_for, write_shot
from ned_protocol import NodeClient, RemoteError


@pytest.fixture
def shot(roots):
    return write_shot(roots[0] / "sh020", range(1, 5), size=64)


@pytest.mark.slow
def test_a_job_that_keeps_crashing_its_worker_fails_and_the_node_carries_on(nodes, roots, shot, tmp_path):
    control = tmp_path / "control.json"
    set_control(control, crash_at=2, log=str(tmp_path / "rendered.log"))
    node = nodes.start(env={"NED_TEST_CONTROL": str(control)}, extra=["--max-attempts", "2"])
    with NodeClient(node.address, timeout_s=10) as client:
        job = client.submit(path_source(shot, 1, 3), {"target": "happy"},
                            {"kind": "path", "directory": str(roots[1] / "v1")})
        events = collect(client, job["job_id"], timeout=90)
        set_control(control)
        healthy = collect(client, client.submit(path_source(shot, 1, 2), {"target": "happy"},
                                                {"kind": "path", "directory": str(roots[1] / "v2")})["job_id"])
    error = events[-1].content["error"]
    assert (error["code"], error["ename"]) == ("internal_error", "WorkerCrashError")
    assert "died 2 times" in error["evalue"] and events[-1].content["frames_done"] == 1
    rendered = collections.Counter(int(n) for n in (tmp_path / "rendered.log").read_text().split())
    assert rendered == {1: 1}  # the retry resumed after frame 1 instead of rendering it again
    assert healthy[-1].msg_type == "job_done"  # a fresh worker took the next job
    assert [e["msg"] for e in node.logs()].count("worker ready") == 3


def test_a_full_queue_refuses_jobs_and_finished_jobs_expire(nodes, roots, shot, tmp_path):
    control = tmp_path / "control.json"
    set_control(control, frame_delay=0.3)
    node = nodes.start(env={"NED_TEST_CONTROL": str(control)},
                       extra=["--max-jobs", "1", "--retention-hours", str(1.5 / 3600)])
    with NodeClient(node.address, timeout_s=10) as client:
        first = client.submit(path_source(shot, 1, 4), {"target": "happy"},
                              {"kind": "path", "directory": str(roots[1] / "v1")})
        with pytest.raises(RemoteError) as err:
            client.submit(path_source(shot, 1, 2), {"target": "happy"},
                          {"kind": "path", "directory": str(roots[1] / "v2")})
        assert err.value.code == "queue_full"
        assert client.cancel(first["job_id"]) == "cancelled"
        set_control(control)
        second = client.submit(path_source(shot, 1, 2), {"target": "happy"},
                               {"kind": "path", "directory": str(roots[1] / "v2")})
        assert collect(client, second["job_id"])[-1].msg_type == "job_done"
        time.sleep(2.5)
        for job in (first, second):
            with pytest.raises(RemoteError) as err:
                client.status(job["job_id"])
            assert err.value.code == "job_not_found"
    assert len(list((roots[1] / "v2").glob("*.exr"))) == 2  # plates on shared storage stay
    assert not (node.state_dir / "jobs" / second["job_id"]).exists()


def test_a_cancelled_job_stuck_before_its_first_frame_gets_its_worker_restarted(nodes, roots, shot, tmp_path):
    control = tmp_path / "control.json"
    set_control(control, start_delay=60, started=str(tmp_path / "started"))
    node = nodes.start(env={"NED_TEST_CONTROL": str(control)}, extra=["--cancel-grace", "0.5"])
    with NodeClient(node.address, timeout_s=10) as client:
        stuck = client.submit(path_source(shot, 1, 2), {"target": "happy"},
                              {"kind": "path", "directory": str(roots[1] / "v1")})
        wait_for(lambda: (tmp_path / "started").exists(), 30, "the job to start")
        (first_worker,) = node.worker_pids()
        assert client.cancel(stuck["job_id"]) == "cancelled"
        set_control(control)
        after = client.submit(path_source(shot, 1, 2), {"target": "happy"},
                              {"kind": "path", "directory": str(roots[1] / "v2")})
        assert collect(client, after["job_id"], timeout=60)[-1].msg_type == "job_done"
    assert first_worker not in node.worker_pids()
    assert any(e["msg"] == "a cancelled job did not stop in time; killing its worker" for e in node.logs())
    # nothing written: the killed worker leaves at most the folder it locked, with its (stale, unheld) lock file
    assert not (roots[1] / "v1").exists() or [p.name for p in (roots[1] / "v1").iterdir()] == [LOCK_NAME]
