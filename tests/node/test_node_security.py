"""Security of a live node: HMAC keys, CURVE allowlist (create, use, revoke), and thousands of malformed messages."""

from __future__ import annotations

import subprocess
import sys

import msgpack
import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node_helpers import REPO, NodeFactory, wait_for
from ned_protocol import NodeClient, NodeTimeoutError, ProtocolError, Session, generate_key, read_key_file
from ned_protocol.curve_auth import ClientCurve, generate_keypair, load_keypair, load_public_key
from ned_protocol.messages import CATALOGUE


def _ned(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "ned_core.cli.main", *args], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout


def test_keys_and_curve_admit_known_clients_only_and_revocation_is_live(nodes, tmp_path):
    key_file, curve, keys = tmp_path / "node.key", tmp_path / "curve", tmp_path / "client-keys"
    assert "--key-file" in _ned("node", "keys", "hmac", str(key_file))
    assert "alice.key_secret" in _ned("node", "keys", "create", "alice", "--curve-dir", str(curve), "--out", str(keys))
    node = nodes.start(extra=["--key-file", str(key_file), "--curve-dir", str(curve)])
    key, server = read_key_file(key_file), load_public_key(curve / "server.key")
    alice = ClientCurve(server, load_keypair(keys / "alice.key_secret"))
    strangers = [(generate_key(), alice), (None, alice), (key, ClientCurve(server, generate_keypair())), (key, None)]
    with NodeClient(node.address, key=key, curve=alice, timeout_s=5) as client:
        assert client.hello()["node"]["version"]
        for other_key, other_curve in strangers:  # wrong key, unsigned, unknown CURVE key, plaintext
            with NodeClient(node.address, key=other_key, curve=other_curve, timeout_s=1) as stranger:
                with pytest.raises(NodeTimeoutError, match="same key"):
                    stranger.heartbeat()
        assert "allowed  alice" in _ned("node", "keys", "list", "--curve-dir", str(curve))
        _ned("node", "keys", "revoke", "alice", "--curve-dir", str(curve))

        def refused() -> bool:
            try:
                client.heartbeat(timeout_s=0.5)
            except NodeTimeoutError:
                return True
            return False

        wait_for(refused, 10, "the revoked key to be refused")
    assert "revoked  alice" in _ned("node", "keys", "list", "--curve-dir", str(curve))
    logs = node.logs()
    dropped = {e["code"] for e in logs if e["msg"] == "untrusted message dropped"}
    assert dropped == {"bad_signature", "unsigned_message"}
    assert any(e["msg"] == "message from a revoked CURVE key dropped" for e in logs)


# --- fuzzing a live node -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    factory = NodeFactory(tmp)
    node = factory.start()
    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(node.address)
    yield node, socket
    socket.close()
    context.term()
    factory.close()


_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 63), 2 ** 64 - 1), st.floats(allow_nan=True),
                  st.text(max_size=40), st.binary(max_size=40))
_value = st.recursive(_leaf, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                     st.dictionaries(st.text(max_size=12), inner, max_size=5)),
                      max_leaves=20)
_ids = st.one_of(st.text(alphabet="abc0123456789-", min_size=1, max_size=12), _leaf)
_headers = st.fixed_dictionaries(
    {"msg_type": st.one_of(st.sampled_from(sorted(CATALOGUE)), st.text(max_size=20)),
     "msg_id": _ids, "session": _ids, "content": st.one_of(st.dictionaries(st.text(max_size=12), _value, max_size=6),
                                                           _value)},
    optional={"version": st.one_of(st.just([1, 0]), st.just([0, 9]), st.just([2, 0]), _value),
              "timestamp": st.one_of(st.floats(0, 2e9), _leaf), "request_id": _ids, "job_id": _ids,
              "parent_id": _ids, "buffers": st.one_of(st.just([]), _value), "extra": _value})
#: Valid request contents, mutated below so that most break the schema somewhere deep inside.
_REQUESTS = {
    "hello_request": {"client": "fuzz", "versions": [[1, 0]]},
    "submit_job_request": {"source": {"kind": "path", "path": "/nowhere/a.####.exr", "frames": {"first": 1, "last": 3}},
                           "emotion": {"target": {"happy": 1.0}, "keys": [{"frame": 1, "intensity": 0.5}]},
                           "output": {"kind": "inline"}, "priority": 10},
    "frames_chunk_request": {"frames": [1, 2], "final": True},
    "list_jobs_request": {"states": ["done"], "limit": 5},
    "attach_job_request": {"since": 3},
    "cancel_job_request": {},
    "heartbeat_request": {},
}


def _mutate(value, path: list, junk):
    """``value`` with the item at ``path`` (keys/indices, as far as they lead) replaced by ``junk`` or deleted."""
    if not path or not isinstance(value, (dict, list)) or not value:
        return junk
    key = list(value)[path[0] % len(value)] if isinstance(value, dict) else path[0] % len(value)
    copy = dict(value) if isinstance(value, dict) else list(value)
    if len(path) == 1 and isinstance(copy, dict) and junk is None:
        del copy[key]
    else:
        copy[key] = _mutate(copy[key], path[1:], junk)
    return copy


_hex_ids = st.uuids().map(lambda u: u.hex)
_contents = st.one_of(
    st.tuples(st.sampled_from(sorted(_REQUESTS)), st.lists(st.integers(0, 50), max_size=4), _value).map(
        lambda t: (t[0], _mutate(_REQUESTS[t[0]], t[1], t[2]))),
    st.tuples(st.one_of(st.sampled_from(sorted(CATALOGUE)), st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)),
              st.dictionaries(st.text(max_size=12), _value, max_size=6)),
)
_envelopes = st.builds(
    lambda version, typed, msg_id, session, stamp, job_id, request_id, descriptors: {
        "version": version, "msg_type": typed[0], "msg_id": msg_id, "session": session, "timestamp": stamp,
        "request_id": request_id, "job_id": job_id, "parent_id": None, "content": typed[1], "buffers": descriptors},
    st.sampled_from([[1, 0], [1, 0], [1, 0], [1, 7], [0, 9], [2, 0]]), _contents, _hex_ids, _hex_ids,
    st.floats(0, 2e9), st.one_of(st.none(), st.just("job-1"), _hex_ids), st.one_of(st.none(), _hex_ids),
    st.one_of(st.just([]), st.lists(st.fixed_dictionaries({
        "name": st.just("frame"), "dtype": st.sampled_from(["float16", "uint8", "int64"]),
        "shape": st.lists(st.integers(-1, 1 << 33), max_size=5)}), max_size=3)))
_messages = st.one_of(
    st.lists(st.binary(max_size=64), min_size=1, max_size=4),  # arbitrary frames
    st.tuples(st.just(b""), _headers.map(lambda h: msgpack.packb(h, use_bin_type=True)),
              st.lists(st.binary(max_size=32), max_size=2)).map(lambda t: [t[0], t[1], *t[2]]),
    st.tuples(st.binary(max_size=70), st.binary(max_size=200)).map(list),
    st.tuples(st.just(b""), _envelopes.map(lambda h: msgpack.packb(h, use_bin_type=True)),
              st.lists(st.binary(max_size=48), max_size=3)).map(lambda t: [t[0], t[1], *t[2]]),
    st.tuples(st.just(b""), _envelopes.map(lambda h: msgpack.packb(h, use_bin_type=True)),
              st.lists(st.binary(max_size=48), max_size=3)).map(lambda t: [t[0], t[1], *t[2]]),
)


def _expected_reply(frames: list[bytes]) -> str | None:
    """The msg_id a node must answer, or None when the protocol says it stays silent."""
    try:
        return Session().deserialize(frames).header.msg_id
    except ProtocolError as exc:
        return exc.header.msg_id if exc.header is not None else None


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(frames=_messages)
def test_malformed_messages_get_an_error_reply_and_the_node_keeps_serving(fuzz_target, frames):
    node, socket = fuzz_target
    probe = Session()
    heartbeat = probe.message("heartbeat_request", {})
    socket.send_multipart(frames)
    socket.send_multipart(probe.serialize(heartbeat))
    answers = []
    while True:
        assert socket.poll(10_000), f"the node stopped answering after {frames!r:.300}"
        reply = probe.deserialize(socket.recv_multipart())
        if reply.header.parent_id == heartbeat.header.msg_id:
            break
        if CATALOGUE[reply.msg_type].kind == "reply":
            answers.append(reply)
    expected = _expected_reply(frames)
    assert [a.header.parent_id for a in answers] == ([expected] if expected else [])
    assert all(a.content["status"] == "ok" or a.content["traceback"] is None for a in answers)
    assert node.alive()
