"""CURVE: key files (z85, mode 0600), and a ZAP allowlist that admits known client keys only."""

from __future__ import annotations

import stat

import pytest

from ned_protocol import (
    ClientCurve, KeyFileError, NodeClient, NodeTimeoutError, generate_keypair, load_keypair, load_public_key,
    start_allowlist, write_keypair,
)

KEY = b"curve-test-key"


def test_key_files_round_trip_with_a_private_secret(tmp_path):
    pair = generate_keypair()
    public_path, secret_path = write_keypair(pair, tmp_path / "keys", "nuke-ws12")
    assert (public_path.name, secret_path.name) == ("nuke-ws12.key", "nuke-ws12.key_secret")
    assert stat.S_IMODE(secret_path.stat().st_mode) == 0o600
    assert b"secret-key" not in public_path.read_bytes()
    assert load_public_key(public_path) == pair.public
    assert load_keypair(secret_path) == pair


def test_bare_z85_public_key_file_is_accepted(tmp_path):
    pair = generate_keypair()
    (tmp_path / "node.pub").write_bytes(pair.public + b"\n")
    assert load_public_key(tmp_path / "node.pub") == pair.public


def test_key_file_errors_are_specific(tmp_path):
    public_path, _ = write_keypair(generate_keypair(), tmp_path, "a")
    with pytest.raises(KeyFileError, match="exists|cannot write"):
        write_keypair(generate_keypair(), tmp_path, "a")  # never overwrites a key
    with pytest.raises(KeyFileError, match="no secret key"):
        load_keypair(public_path)
    (tmp_path / "bad.key").write_text('curve\n    public-key = "not-a-key"\n')
    with pytest.raises(KeyFileError, match="not hold a valid CURVE key"):
        load_public_key(tmp_path / "bad.key")
    with pytest.raises(KeyFileError, match="cannot read"):
        load_public_key(tmp_path / "missing.key")
    with pytest.raises(KeyFileError, match="does not exist"):
        start_allowlist(None, tmp_path / "no-such-dir")


@pytest.fixture()
def curve_node(tmp_path, peer, context):
    """A CURVE node stand-in whose allowlist holds exactly one client ('known')."""
    server = generate_keypair()
    known = generate_keypair()
    write_keypair(known, tmp_path / "allowed", "known")
    auth = start_allowlist(context, tmp_path / "allowed")
    node = peer(key=KEY, curve=server)
    yield node, server, known
    auth.stop()


def test_known_client_key_is_admitted(curve_node, context):
    node, server, known = curve_node
    curve = ClientCurve(server_public=server.public, client=known)
    with NodeClient(node.address, key=KEY, curve=curve, context=context, timeout_s=3) as client:
        assert client.hello()["node"]["name"] == "echo-peer"


def test_unknown_client_key_is_refused(curve_node, context):
    node, server, _ = curve_node
    stranger = ClientCurve(server_public=server.public, client=generate_keypair())
    with NodeClient(node.address, key=KEY, curve=stranger, context=context, timeout_s=0.6) as client:
        with pytest.raises(NodeTimeoutError, match="allowlist"):
            client.hello()
    assert node.received == []


def test_plaintext_client_is_refused_by_a_curve_node(curve_node, context):
    node, _, _ = curve_node
    with NodeClient(node.address, key=KEY, context=context, timeout_s=0.6) as client:
        with pytest.raises(NodeTimeoutError):
            client.hello()
    assert node.received == []
