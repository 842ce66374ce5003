"""`ned` itself: its own subcommands plus those other packages register (entry points, e.g. `ned node`), and one
place (NedGroup.invoke) that turns NedErrors and protocol errors into `ned: error: ...` with exit status 2."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from ned_core.cli.main import COMMANDS, ENTRY_POINT_GROUP, _plugin_commands, _user_error, cli
from ned_core.exceptions import NedError, PlateError
from ned_protocol import NodeTimeoutError


def test_node_comes_from_ned_node_through_an_entry_point():
    assert "node" not in COMMANDS  # ned_core does not name ned_node anywhere
    plugins = _plugin_commands()
    assert plugins["node"].value == "ned_node.cli:node" and plugins["node"].group == ENTRY_POINT_GROUP
    listing = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"  {name} " in listing for name in [*COMMANDS, "node"])
    assert "serve" in CliRunner().invoke(cli, ["node", "--help"]).output


def test_user_errors_are_nederrors_and_protocol_errors_only():
    assert _user_error(PlateError("x")) and _user_error(NedError("x")) and _user_error(NodeTimeoutError("x"))
    assert not _user_error(RuntimeError("a bug")) and not _user_error(KeyError("a bug"))


def _ned(*args):
    return subprocess.run([sys.executable, "-m", "ned_core.cli.main", *args], capture_output=True, text=True,
                          timeout=120)


def test_a_nederror_is_one_line_and_exit_status_2(tmp_path):
    result = _ned("plates", "inspect", str(tmp_path / "missing.exr"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"ned: error: {tmp_path / 'missing.exr'}: no such file, folder or frame sequence\n"


def test_a_protocol_error_is_one_line_and_exit_status_2():
    result = _ned("jobs", "list", "--node", "tcp://127.0.0.1:9", "--timeout", "0.3")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("ned: error: no reply to ") and result.stderr.count("\n") == 1
