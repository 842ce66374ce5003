"""`ned jobs --node ADDRESS list|status ID|cancel ID|attach ID`; the node connection options of the client commands."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ned_core.cli.common import echo_json, json_option

DEFAULT_NODE = "tcp://127.0.0.1:5570"

_client_options = [
    click.option("--node", "address", default=DEFAULT_NODE, show_default=True, envvar="NED_NODE",
                 help="Render node address ($NED_NODE)."),
    click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 envvar="NED_KEY_FILE", help="Shared HMAC key of the node ($NED_KEY_FILE)."),
    click.option("--server-key", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="CURVE: the node's public key file (server.key)."),
    click.option("--client-key", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="CURVE: this client's secret key file (NAME.key_secret from `ned node keys create`)."),
    click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds to wait for each reply."),
]


def client_options(fn):
    """Adds --node, --key-file, --server-key, --client-key and --timeout."""
    for option in reversed(_client_options):
        fn = option(fn)
    return fn


def connect(address: str, key_file: Path | None, server_key: Path | None, client_key: Path | None, timeout: float):
    """A NodeClient for the connection options (raises ned_protocol errors for bad key files)."""
    from ned_protocol import NodeClient, read_key_file
    from ned_protocol.curve_auth import ClientCurve, load_keypair, load_public_key

    if (server_key is None) != (client_key is None):
        raise click.UsageError("CURVE needs both --server-key and --client-key")
    curve = ClientCurve(load_public_key(server_key), load_keypair(client_key)) if server_key else None
    return NodeClient(address, read_key_file(key_file) if key_file else None, curve, timeout_s=timeout,
                      client_name="ned cli")


def protocol_errors(fn):
    """Turns protocol errors (node refused, timeout, bad key file) into one-line messages and exit status 2."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ned_protocol import ProtocolError

        try:
            return fn(*args, **kwargs)
        except ProtocolError as exc:
            click.echo(f"ned: error: {exc}", err=True)
            raise SystemExit(2) from None

    return wrapper


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else "-"


def echo_job(job: dict) -> None:
    """One job record as a line."""
    stage = f" {job['stage']}" if job["stage"] and job["state"] == "running" else ""
    error = f"  {job['error']['code']}: {job['error']['evalue']}" if job["error"] else ""
    click.echo(f"{job['job_id']}  {job['state']:9}{stage}  {job['frames_done']}/{job['frames_total']} frames  "
               f"priority {job['priority']}  submitted {_when(job['submitted_at'])}{error}")


@click.group()
def jobs() -> None:
    """List, inspect, cancel and follow jobs on a render node."""


@jobs.command("list")
@client_options
@click.option("--state", "states", multiple=True,
              type=click.Choice(["queued", "receiving", "running", "done", "failed", "cancelled"]),
              help="Only jobs in this state (repeatable).")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@json_option
@protocol_errors
def list_jobs(address, key_file, server_key, client_key, timeout, states, limit, as_json):
    """Jobs on the node, newest first."""
    with connect(address, key_file, server_key, client_key, timeout) as client:
        records = client.list_jobs(states, limit)
    if as_json:
        echo_json(records)
        return
    for job in records:
        echo_job(job)
    if not records:
        click.echo("no jobs")


@jobs.command("status")
@click.argument("job_id")
@client_options
@json_option
@protocol_errors
def status(job_id, address, key_file, server_key, client_key, timeout, as_json):
    """One job's state, stage, frames and error."""
    with connect(address, key_file, server_key, client_key, timeout) as client:
        job = client.status(job_id)
    echo_json(job) if as_json else echo_job(job)


@jobs.command("cancel")
@click.argument("job_id")
@client_options
@protocol_errors
def cancel(job_id, address, key_file, server_key, client_key, timeout):
    """Cancel a job (a running job stops within one frame; finished plates stay)."""
    with connect(address, key_file, server_key, client_key, timeout) as client:
        click.echo(f"{job_id}: {client.cancel(job_id)}")


@jobs.command("attach")
@click.argument("job_id")
@client_options
@click.option("--since", type=click.IntRange(0), default=0, help="Last event seq already seen.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@protocol_errors
def attach(job_id, address, key_file, server_key, client_key, timeout, since, quiet):
    """Follow a job until it ends: progress bars, then its result (exit status 1 if it failed)."""
    from ned_core.cli.submit_cmd import follow

    with connect(address, key_file, server_key, client_key, timeout) as client:
        done, _ = follow(client, job_id, since, quiet)
    output = done["output"]
    where = f" to {Path(output['directory']) / output['pattern']}" if output else " (inline)"
    click.echo(f"{job_id}: done, {done['frames_written']} plates{where} in {done['elapsed_s']:.1f} s")
