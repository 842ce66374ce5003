"""Host-side helpers of ned_protocol: emotion keys from a sampled curve, plate paths, the job runner's errors."""

from __future__ import annotations

import pytest
from ned_protocol import InvalidFieldError
from ned_protocol.emotion_keys import blend_target, emotion_fields, intensity_keys
from ned_protocol.host_connection import NodeSettings, client_factory
from ned_protocol.jobs import JobCallbacks, JobRequest, JobRunner
from ned_protocol.plates import existing_frames, frame_path, printf_pattern


def test_a_constant_curve_is_a_static_target_and_a_changing_one_becomes_keys():
    assert emotion_fields("happy", [(1, 0.8), (2, 0.8)]) == {"seed": 0, "target": "happy", "intensity": 0.8}
    keys = intensity_keys("sad", [(1, 0.0), (2, 0.0), (3, 2.0), (4, 0.5)])
    assert keys == [{"frame": 1, "emotion": "sad", "intensity": 0.0, "transition": 1},
                    {"frame": 3, "emotion": "sad", "intensity": 1.5, "transition": 1},
                    {"frame": 4, "emotion": "sad", "intensity": 0.5, "transition": 1}]
    fields = emotion_fields("sad", [(1, 0.2), (2, 0.4)], reference={"path": "/r.mov"})
    assert "target" not in fields and all(k["emotion"] is None for k in fields["keys"])
    with pytest.raises(InvalidFieldError):
        emotion_fields("sad", [])


def test_blends():
    assert blend_target("happy", "sad", 0.25) == {"happy": 0.75, "sad": 0.25}
    assert blend_target("happy", None, 0.5) == "happy" and blend_target("happy", "sad", 1.0) == "sad"
    with pytest.raises(InvalidFieldError, match="joyful"):
        blend_target("joyful")


def test_plate_paths(tmp_path):
    assert frame_path("/p", "face.####.exr", 7) == "/p/face.0007.exr"
    assert frame_path("/p", "face.%05d.exr", 7) == "/p/face.00007.exr"
    assert printf_pattern("a.###.exr") == "a.%03d.exr"
    (tmp_path / "face.0002.exr").write_bytes(b"x")
    assert existing_frames(str(tmp_path), "face.####.exr", range(1, 4)) == [2]


def test_a_bad_key_file_fails_the_job_with_its_code(tmp_path):
    failures = []
    settings = NodeSettings(key_file=str(tmp_path / "missing.key"))
    request = JobRequest({"kind": "path", "path": "/x.####.exr", "frames": {"first": 1, "last": 1}},
                         {"target": "happy"}, {"kind": "path", "directory": "/o"})
    runner = JobRunner(client_factory(settings), JobCallbacks(on_failed=failures.append), request=request)
    assert runner.run() == "failed" and failures[0]["code"] == "bad_key_file"


def test_cancel_from_another_thread_never_shares_the_runners_socket():
    """A ZeroMQ socket must stay on one thread: Cancel (a UI thread) sends on a client of its own."""
    import threading

    users = {}  # client → the threads that used it
    cancelled = threading.Event()

    class Client:
        def _use(self):
            users.setdefault(id(self), set()).add(threading.current_thread().name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

        def submit(self, *args, **kwargs):
            self._use()
            return {"job_id": "job-1"}

        def events(self, job_id, since=0, timeout_s=None):
            self._use()
            cancelled.wait(10)
            yield type("Event", (), {"msg_type": "job_failed", "content": {"seq": 1, "error": {
                "code": "cancelled", "evalue": "cancelled by a client", "ename": "JobCancelled"}}})()

        def cancel(self, job_id):
            self._use()
            cancelled.set()
            return "cancelled"

        def close(self):
            self._use()

    submitted = threading.Event()
    runner = JobRunner(Client, JobCallbacks(on_submitted=lambda job_id: submitted.set()),
                       request=JobRequest(source={}, emotion={}, output={})).start()
    assert submitted.wait(10)
    canceller = threading.Thread(target=runner.cancel, name="ui-cancel")
    canceller.start()
    canceller.join(10)
    assert runner.join(10) and runner.outcome == "cancelled"
    assert len(users) == 2 and all(len(threads) == 1 for threads in users.values()), users


def test_unit_curves_become_static_units_or_keys():
    static = emotion_fields("happy", [(1, 1.0), (2, 1.0)], units={"brow_inner_up": [-0.5, -0.5]})
    assert static == {"seed": 0, "target": "happy", "intensity": 1.0, "units": {"brow_inner_up": -0.5}}
    animated = emotion_fields("happy", [(1, 1.0), (2, 1.0), (3, 1.0)],
                              units={"brow_inner_up": [0.0, 0.5, 0.5], "jaw_open": [0.1, 0.1, 0.1]})
    assert [(k["frame"], k["units"]) for k in animated["keys"]] == [
        (1, {"brow_inner_up": 0.0, "jaw_open": 0.1}), (2, {"brow_inner_up": 0.5, "jaw_open": 0.1})]
    assert "units" not in emotion_fields("happy", [(1, 1.0)])


@pytest.mark.parametrize("units, message", [
    ({"brow_up": [0.5]}, r"unit 'brow_up' is not a unit; valid units: blink, .*brow_inner_up"),
    ({"brow_inner_up": [1.75]}, r"unit brow_inner_up = 1.75 at frame 7 is out of range; give a number in -1.5..1.5"),
    ({"jaw_open": [0.1, 0.2]}, r"jaw_open: 2 values for 1 frames"),
])
def test_bad_unit_curves_are_named(units, message):
    with pytest.raises(InvalidFieldError, match=message):
        emotion_fields("happy", [(7, 1.0)], units=units)


def test_unit_overrides_are_never_sent_to_a_node_that_would_drop_them(peer, context):
    from ned_protocol import NodeClient, VersionMismatchError

    source = {"kind": "path", "path": "/shots/a.####.exr", "frames": {"first": 1, "last": 2}}
    output = {"kind": "path", "directory": "/out"}
    old = peer(version=(1, 2))
    with NodeClient(old.address, context=context, timeout_s=2) as client:
        for emotion, stmap in (({"target": "happy", "units": {"jaw_open": 0.2}}, False), ({"target": "happy"}, True)):
            with pytest.raises(VersionMismatchError, match=r"speaks NED protocol 1.2; per-unit overrides .* need 1.3"):
                client.submit(source, emotion, output, stmap=stmap)
        assert client.submit(source, {"target": "happy"}, output)["job_id"]  # no units: an old node is fine
    current = peer()
    with NodeClient(current.address, context=context, timeout_s=2) as client:
        assert client.submit(source, {"target": "happy", "units": {"jaw_open": 0.2}}, output)["job_id"]
