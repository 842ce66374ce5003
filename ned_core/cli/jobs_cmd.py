"""`ned jobs --node ADDRESS list|status ID|cancel ID|attach ID`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ned_core.cli.common import echo_json
from ned_core.cli.node_client import client_options, connect, follow
from ned_core.cli.options import json_option, quiet_option


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


def status(job_id, address, key_file, server_key, client_key, timeout, as_json):
    """One job's state, stage, frames and error."""
    with connect(address, key_file, server_key, client_key, timeout) as client:
        job = client.status(job_id)
    echo_json(job) if as_json else echo_job(job)


@jobs.command("cancel")


@click.argument("job_id")
@client_options


def cancel(job_id, address, key_file, server_key, client_key, timeout):
    """Cancel a job (a running job stops within one frame; finished plates stay)."""
    with connect(address, key_file, server_key, client_key, timeout) as client:
        click.echo(f"{job_id}: {client.cancel(job_id)}")


@jobs.command("attach")


@click.argument("job_id")
@client_options


@click.option("--since", type=click.IntRange(0), default=0, help="Last event seq already seen.")
@quiet_option


def attach(job_id, address, key_file, server_key, client_key, timeout, since, quiet):
    """Follow a job until it ends: progress bars, then its result (exit status 1 if it failed)."""
    with connect(address, key_file, server_key, client_key, timeout) as client:
        done, _ = follow(client, job_id, since, quiet)
    output = done["output"]
    where = f" to {Path(output['directory']) / output['pattern']}" if output else " (inline)"
    click.echo(f"{job_id}: done, {done['frames_written']} plates{where} in {done['elapsed_s']:.1f} s")
