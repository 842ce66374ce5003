"""CURVE key management: the node's pair, client keys created, listed and revoked, the live allowlist."""

from __future__ import annotations

import pytest
import zmq

from ned_node.errors import KeyManagementError
from ned_node.keys import Allowlist, create_client, list_clients, revoke_client, server_keypair, write_hmac_key
from ned_protocol import read_key_file
from ned_protocol.curve_auth import load_keypair, load_public_key


def test_create_list_revoke(tmp_path):
    curve, out = tmp_path / "curve", tmp_path / "client"
    secret, server_public = create_client(curve, "nuke-ws12", out)
    pair = load_keypair(secret)
    assert load_public_key(server_public) == server_keypair(curve).public
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
    assert [(k.name, k.public, k.revoked) for k in list_clients(curve)] == [("nuke-ws12", pair.public.decode(), False)]
    revoke_client(curve, "nuke-ws12")
    assert [(k.name, k.revoked) for k in list_clients(curve)] == [("nuke-ws12", True)]
    with pytest.raises(KeyManagementError, match="exists already"):
        create_client(curve, "nuke-ws12", tmp_path / "again")
    with pytest.raises(KeyManagementError, match="no allowed client"):
        revoke_client(curve, "nuke-ws12")


@pytest.mark.parametrize("name", ["", "../x", "server", "a b", "x" * 65])
def test_bad_names(tmp_path, name):
    with pytest.raises(KeyManagementError, match="key name"):
        create_client(tmp_path / "curve", name, tmp_path / "out")


def test_server_pair_is_stable(tmp_path):
    assert server_keypair(tmp_path) == server_keypair(tmp_path)


def test_allowlist_follows_the_folder(tmp_path):
    curve = tmp_path / "curve"
    first, _ = create_client(curve, "a", tmp_path / "out")
    context = zmq.Context()
    allowlist = Allowlist(context, curve)
    try:
        a_key = load_keypair(first).public.decode()
        assert allowlist.allowed(a_key) and not allowlist.allowed(None) and not allowlist.allowed("x" * 40)
        second, _ = create_client(curve, "b", tmp_path / "out")
        revoke_client(curve, "a")
        assert allowlist.refresh()
        assert not allowlist.allowed(a_key) and allowlist.allowed(load_keypair(second).public.decode())
        assert not allowlist.refresh()
    finally:
        allowlist.stop()
        context.term()


def test_hmac_key_file(tmp_path):
    path = write_hmac_key(tmp_path / "etc" / "node.key")
    key = read_key_file(path)
    assert len(key) == 64 and int(key, 16) >= 0
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(KeyManagementError, match="never overwritten"):
        write_hmac_key(path)
    assert read_key_file(path) == key
