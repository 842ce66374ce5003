"""The real pipeline in a real node: plates identical to `ned render`, inline jobs, 16 clients, faults."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time

import numpy as np
import OpenImageIO as oiio
import pytest

from node_helpers import REPO, NodeFactory, collect, frames_of, path_source, write_shot
from ned_node.inline import input_path, write_frame
from ned_protocol import NodeClient, make_buffer

SIZE = 256  # the astronaut's face is ~75 px wide: found by the detector, quick to render
FRAMES = range(1, 7)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """One node with the real pipeline: ``(node, shot pattern, input root, output root)``."""
    tmp = tmp_path_factory.mktemp("real")
    inp, out = (tmp / "in").resolve(), (tmp / "out").resolve()
    shot = write_shot(inp / "sh010", FRAMES, size=SIZE)
    factory = NodeFactory(tmp)
    node = factory.start(input_roots=[inp], output_roots=[out], runner=None, extra=["--workers", "2"],
                         wait_workers=2)
    yield node, shot, inp, out
    factory.close()


def _ned(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ned_core.cli.main", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})


def _read(path):
    inp = oiio.ImageInput.open(str(path))
    spec = inp.spec()
    pixels = inp.read_image(0, 0, 0, spec.nchannels, "half")
    inp.close()
    return pixels, spec


@pytest.mark.slow
def test_submit_by_path_writes_the_same_plates_as_ned_render(real, tmp_path):
    node, shot, _, out = real
    local = _ned("render", shot, "--emotion", "happy:0.8", "--frames", "1-6", "--out", str(tmp_path / "render"),
                 "--cache-dir", str(tmp_path / "cache"), "--quiet")
    assert local.returncode == 0, local.stderr
    remote = _ned("submit", shot, "--emotion", "happy:0.8", "--frames", "1-6", "--out", str(out / "submit"),
                  "--node", node.address)
    assert remote.returncode == 0, remote.stderr
    assert "render" in remote.stderr and "rendered 6 frames" in remote.stdout  # progress bars, then the summary
    names = sorted(p.name for p in (tmp_path / "render").iterdir())
    assert names == [f"shot.ned.{n:04d}.exr" for n in FRAMES]
    assert sorted(p.name for p in (out / "submit").iterdir()) == names
    for name in names:  # the same pixels and metadata; the node's plates also name the job that made them
        (want, local_spec), (got, remote_spec) = _read(tmp_path / "render" / name), _read(out / "submit" / name)
        assert np.array_equal(want, got), name
        assert (local_spec.roi, local_spec.roi_full) == (remote_spec.roi, remote_spec.roi_full), name
        assert remote_spec.get_string_attribute("ned/job") and not local_spec.get_string_attribute("ned/job")
        attributes = [{a.name: a.value for a in spec.extra_attribs if a.name != "ned/job"}
                      for spec in (local_spec, remote_spec)]
        assert attributes[0] == attributes[1], name


@pytest.mark.slow
def test_a_client_gets_progress_and_every_plate(real):
    node, shot, _, out = real
    with NodeClient(node.address, timeout_s=10) as client:
        job = client.submit(path_source(shot, 1, 6), {"target": {"sad": 1.0, "angry": 1.0}, "intensity": 0.9},
                            {"kind": "path", "directory": str(out / "api"), "pattern": "face.####.exr"})
        events = collect(client, job["job_id"], timeout=120)
    stages = [e.content["stage"] for e in events if e.msg_type == "progress"]
    assert {"queued", "render"} <= set(stages)
    results = [e.content for e in events if e.msg_type == "frame_result"]
    assert [r["frame"] for r in results] == list(FRAMES)
    for result in results:
        pixels, spec = _read(result["path"])
        assert result["display_window"] == [0, 0, SIZE - 1, SIZE - 1]
        x0, y0, x1, y1 = result["data_window"]
        assert (spec.x, spec.y, spec.width, spec.height) == (x0, y0, x1 - x0 + 1, y1 - y0 + 1)
        assert set(result["channels"]) == {"R", "G", "B", "A", "facemask.A"}
    assert events[-1].msg_type == "job_done" and events[-1].content["frames_written"] == 6


@pytest.mark.slow
def test_inline_frames_in_inline_plates_out(real, tmp_path):
    node, _, _, _ = real
    image = np.asarray(oiio.ImageBuf(real[1].replace("####", "0001")).get_pixels(oiio.FLOAT))
    rgba = np.concatenate([image, np.ones(image.shape[:2] + (1,), np.float32)], axis=2)
    frames = [(n, np.ascontiguousarray(np.roll(rgba, n, axis=1).astype(np.float16))) for n in (11, 12, 13)]
    source = {"kind": "inline", "frames": {"first": 11, "last": 13}, "width": SIZE, "height": SIZE, "channels": 4,
              "dtype": "float16"}
    with NodeClient(node.address, timeout_s=10) as client:
        job = client.submit(source, {"target": "surprised"}, {"kind": "inline"}, frames=frames, compression="zip")
        events = collect(client, job["job_id"], timeout=120)
    assert events[-1].msg_type == "job_done" and events[-1].content["output"] is None
    results = [e for e in events if e.msg_type == "frame_result"]
    assert [r.content["frame"] for r in results] == [11, 12, 13]
    # the same frames rendered by `ned render` from the files the node wrote them to give the same pixels
    for number, pixels in frames:
        write_frame(input_path(tmp_path, source, number), source, make_buffer("frame", "float16", pixels.shape, pixels))
    local = _ned("render", str(tmp_path / "input" / "src.####.exr"), "--emotion", "surprised", "--out",
                 str(tmp_path / "render"), "--compression", "zip", "--pattern", "plate.####.exr", "--quiet",
                 "--cache-dir", str(tmp_path / "cache"))
    assert local.returncode == 0, local.stderr
    for event in results:
        (buffer,) = event.buffers
        plate = np.frombuffer(buffer.data, np.float16).reshape(buffer.shape)
        expected, spec = _read(tmp_path / "render" / f"plate.{event.content['frame']:04d}.exr")
        assert list(spec.channelnames) == event.content["channels"]
        np.testing.assert_array_equal(plate, expected.reshape(plate.shape))


@pytest.mark.slow
def test_sixteen_clients_at_once(real, record_property):
    node, shot, _, out = real
    latencies, failures = {}, []

    def one(index: int) -> None:
        try:
            with NodeClient(node.address, timeout_s=20) as client:
                started = time.monotonic()
                job = client.submit(path_source(shot, 1, 2), {"target": "happy", "intensity": 0.5},
                                    {"kind": "path", "directory": str(out / f"load{index:02d}")})
                events = collect(client, job["job_id"], timeout=120)
                assert events[-1].msg_type == "job_done" and frames_of(events) == [1, 2]
                latencies[index] = time.monotonic() - started
        except Exception as exc:  # collected and asserted below, with the index
            failures.append((index, repr(exc)))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not failures
    assert sorted(latencies) == list(range(16))
    for index in range(16):
        assert len(list((out / f"load{index:02d}").glob("*.exr"))) == 2
    times = sorted(latencies.values())
    report = {"p50_s": statistics.median(times), "p90_s": times[int(0.9 * len(times))], "max_s": times[-1]}
    record_property("latency", report)
    print(f"16 concurrent clients, 2-frame jobs: latency p50 {report['p50_s']:.2f} s, p90 {report['p90_s']:.2f} s, "
          f"max {report['max_s']:.2f} s")


def _until_frames(client, job_id, count, since=0):
    seen = []
    for event in client.events(job_id, since=since, timeout_s=120):
        seen.append(event)
        if len(frames_of(seen)) >= count:
            return seen
    raise AssertionError("the job ended before the fault was injected")


@pytest.mark.slow
def test_real_jobs_survive_a_killed_worker_and_a_killed_node(tmp_path):
    inp, out = (tmp_path / "in").resolve(), (tmp_path / "out").resolve()
    shot = write_shot(inp / "sh030", range(1, 13), size=SIZE)
    factory = NodeFactory(tmp_path)
    try:
        node = factory.start(input_roots=[inp], output_roots=[out], runner=None)
        with NodeClient(node.address, timeout_s=10) as client:
            job = client.submit(path_source(shot, 1, 12), {"target": "fear"},
                                {"kind": "path", "directory": str(out / "v1"), "pattern": "face.####.exr"})
            events = _until_frames(client, job["job_id"], 2)
            os.kill(node.worker_pids()[0], signal.SIGKILL)
            events += _until_frames(client, job["job_id"], 4, since=events[-1].content["seq"])
        before_kill = {r["path"]: os.stat(r["path"]).st_ino for r in
                       (e.content for e in events if e.msg_type == "frame_result")}
        node.kill(signal.SIGKILL)
        restarted = factory.restart(node)
        with NodeClient(restarted.address, timeout_s=10) as client:
            events += collect(client, job["job_id"], since=events[-1].content["seq"], timeout=120)
    finally:
        factory.close()
    assert events[-1].msg_type == "job_done"
    assert frames_of(events) == list(range(1, 13))  # every frame once, in order, across both faults
    assert [e.content["seq"] for e in events] == list(range(1, len(events) + 1))
    names = sorted(p.name for p in (out / "v1").iterdir())
    assert names == [f"face.{n:04d}.exr" for n in range(1, 13)]  # nothing partial left behind
    for name in names:
        assert _read(out / "v1" / name)[0] is not None
    # plates finished before the node died were not rendered again (a rewrite would replace the file)
    assert {path: os.stat(path).st_ino for path in before_kill} == before_kill
    logs = [e["msg"] for e in restarted.logs()]
    assert "retrying job after a worker died" in logs and "resuming interrupted job" in logs


def test_composites_are_never_written_through_a_symlink_in_the_output_folder(real, tmp_path):
    node, shot, _, out = real
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "links").mkdir()
    (out / "links" / "composite").symlink_to(elsewhere)  # made after the roots were configured
    with NodeClient(node.address, timeout_s=20) as client:
        job = client.submit(path_source(shot, 1, 2), {"target": "happy"},
                            {"kind": "path", "directory": str(out / "links"), "composite": True})
        events = collect(client, job["job_id"], timeout=120)
    # the composite is an optional output: refused, said in the job's warnings; the plates are complete
    done = events[-1]
    assert done.msg_type == "job_done", done.content
    refused = [w for w in done.content["warnings"] if w.startswith("composite not written")]
    assert len(refused) == 1 and "'composite'" in refused[0] and str(elsewhere) not in refused[0], refused
    assert "the 2 plates are complete" in refused[0]
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in (out / "links").glob("*.exr")) == ["face.0001.exr", "face.0002.exr"]
