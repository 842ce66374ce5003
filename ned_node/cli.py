"""`ned node serve|status|keys`: run a render node, ask one how it is, manage its CURVE client keys.

Registered with `ned` through the entry point ``ned.commands: node`` (pyproject.toml): ned_core never imports
ned_node.
"""

from __future__ import annotations

from pathlib import Path

import click

from ned_core.cli.common import echo_json
from ned_core.cli.node_client import client_options, connect
from ned_core.cli.options import json_option

_folder = click.Path(file_okay=False, path_type=Path)


@click.group()
def node() -> None:
    """Run and inspect a headless render node (ZeroMQ, see protocol/PROTOCOL.md)."""


@node.command()
@click.option("--bind", default="tcp://127.0.0.1:5570", show_default=True,
              help="ZeroMQ address to listen on; loopback unless a key or CURVE is set (or --allow-insecure).")
@click.option("--state-dir", type=_folder, required=True, help="Job store, job folders, analysis cache.")
@click.option("--input-root", "input_roots", type=_folder, multiple=True,
              help="Folder sources may be read from (repeatable; symlinks are resolved before the check).")
@click.option("--output-root", "output_roots", type=_folder, multiple=True,
              help="Folder plates may be written to (repeatable).")
@click.option("--device", "devices", multiple=True, default=("cpu",), show_default=True,
              help="'cpu' or 'cuda:N' (repeatable): one worker process per CUDA device.")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, help="CPU worker processes.")
@click.option("--threads", type=click.IntRange(0), default=0, help="Threads per CPU worker (0 = cores / workers).")
@click.option("--metrics-port", type=click.IntRange(0, 65535), default=None,
              help="Serve Prometheus metrics at http://HOST:PORT/metrics.")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, help="Interface of the metrics endpoint.")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Shared HMAC key: every message must be signed with it.")
@click.option("--curve-dir", type=_folder, default=None,
              help="Encrypt with CURVE: the node's key pair and the allowed client keys (`ned node keys`).")
@click.option("--allow-insecure", is_flag=True, help="Allow a non-loopback --bind without key or CURVE.")
@click.option("--model-dir", type=_folder, default=None,
              help="Model store (default: $NED_MODEL_DIR or ~/.local/share/ned/models).")
@click.option("--cache-dir", type=_folder, default=None,
              help="Analysis cache shared by all jobs (default: STATE_DIR/analysis-cache).")
@click.option("--ocio", default=None, help="OpenColorIO config (default: $OCIO, else the built-in config).")
@click.option("--manipulator", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Learned manipulator checkpoint: offers director 'learned' to clients.")
@click.option("--retention-hours", type=click.FloatRange(0), default=168.0, show_default=True,
              help="How long finished jobs stay retrievable (events, inline plates).")
@click.option("--max-jobs", type=click.IntRange(1), default=10_000, show_default=True,
              help="Unfinished jobs held at once before new ones get queue_full.")
@click.option("--max-attempts", type=click.IntRange(1), default=3, show_default=True,
              help="Runs of a job on crashing workers before it fails.")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append JSON-lines logs here (default: stderr).")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default="INFO",
              show_default=True)
@click.option("--cancel-grace", type=click.FloatRange(0), default=10.0, show_default=True,
              help="Seconds a cancelled job may take to stop (e.g. in analysis) before its worker is restarted.")
@click.option("--runner", default=None, hidden=True, help="Pipeline entry point module:function (for testing).")
def serve(bind, state_dir, input_roots, output_roots, devices, workers, threads, metrics_port, metrics_host, key_file,
          curve_dir, allow_insecure, model_dir, cache_dir, ocio, manipulator, retention_hours, max_jobs, max_attempts,
          log_file, log_level, cancel_grace, runner):
    """Run a render node until SIGTERM or Ctrl-C (running jobs resume on the next start)."""
    from ned_node.config import DEFAULT_RUNNER, NodeConfig
    from ned_node.logs import configure_logging
    from ned_node.server import NodeServer

    configure_logging(log_level, log_file)
    config = NodeConfig(
        state_dir=state_dir.absolute(), bind=bind, input_roots=tuple(p.absolute() for p in input_roots),
        output_roots=tuple(p.absolute() for p in output_roots), devices=tuple(devices), workers=workers,
        threads_per_worker=threads, metrics_port=metrics_port, metrics_host=metrics_host, key_file=key_file,
        curve_dir=curve_dir.absolute() if curve_dir else None, allow_insecure=allow_insecure, model_dir=model_dir,
        cache_dir=cache_dir.absolute() if cache_dir else None, ocio=ocio,
        manipulator=manipulator.absolute() if manipulator else None, retention_s=retention_hours * 3600,
        max_unfinished_jobs=max_jobs, max_attempts=max_attempts, cancel_grace_s=cancel_grace,
        runner=runner or DEFAULT_RUNNER)
    NodeServer(config, log_level, log_file.absolute() if log_file else None).serve()


@node.command()
@client_options
@json_option
def status(address, key_file, server_key, client_key, timeout, as_json):
    """The node's version, devices, models and job counts."""
    with connect(address, key_file, server_key, client_key, timeout) as client:
        hello = client.hello()
        beat = client.heartbeat()
        counts: dict[str, int] = {}
        for job in client.list_jobs(limit=1000):
            counts[job["state"]] = counts.get(job["state"], 0) + 1
    if as_json:
        echo_json({"address": address, "hello": hello, "heartbeat": beat, "recent_jobs": counts})
        return
    click.echo(f"{address}: {hello['node']['name']} ned {hello['node']['version']}, protocol "
               f"{'.'.join(map(str, hello['protocol_version']))}")
    for device in hello["devices"]:
        memory = f", {device['memory_bytes'] / 2**30:.1f} GiB" if device["memory_bytes"] else ""
        click.echo(f"device {device['name']} ({device['kind']}{memory})")
    missing = [m["name"] for m in hello["models"] if not m["available"]]
    click.echo(f"tiers {', '.join(hello['tiers'])}; models missing: {', '.join(missing) or 'none'}")
    click.echo(f"jobs running {beat['jobs_running']}, queued {beat['jobs_queued']}; last 1000 jobs: "
               + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"))


@node.group()
def keys() -> None:
    """CURVE keys: the node's pair and the client allowlist in --curve-dir."""


@keys.command("create")
@click.argument("name")
@click.option("--curve-dir", type=_folder, required=True, help="The node's CURVE folder.")
@click.option("--out", "out_dir", type=_folder, default=Path("."), show_default=True,
              help="Where the client's key pair is written (give NAME.key_secret to that client only).")
def create(name, curve_dir, out_dir):
    """Create a client key pair and allow it on the node (a running node picks it up within seconds)."""
    from ned_node.keys import create_client

    secret, server_public = create_client(curve_dir, name, out_dir)
    click.echo(f"client key pair: {secret} (secret, for the client only) and {secret.with_suffix('.key')}")
    click.echo(f"the client also needs the node's public key: {server_public}")
    click.echo(f"connect with: --server-key {server_public} --client-key {secret}")


@keys.command("list")
@click.option("--curve-dir", type=_folder, required=True, help="The node's CURVE folder.")
@json_option
def list_keys(curve_dir, as_json):
    """Allowed and revoked client keys."""
    from ned_node.keys import list_clients, server_keypair

    server = server_keypair(curve_dir).public.decode()
    clients = list_clients(curve_dir)
    if as_json:
        echo_json({"server": server, "clients": [{"name": k.name, "public": k.public, "revoked": k.revoked,
                                                  "path": str(k.path)} for k in clients]})
        return
    click.echo(f"node public key {server}")
    for key in clients:
        click.echo(f"{'revoked' if key.revoked else 'allowed'}  {key.name:24} {key.public}")


@keys.command("revoke")
@click.argument("name")
@click.option("--curve-dir", type=_folder, required=True, help="The node's CURVE folder.")
def revoke(name, curve_dir):
    """Remove a client from the allowlist (a running node refuses its next message)."""
    from ned_node.keys import revoke_client

    click.echo(f"revoked {name}: key moved to {revoke_client(curve_dir, name)}")


@keys.command("hmac")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def hmac_key(path):
    """Create a shared HMAC key file for --key-file (mode 0600; copy it to every client)."""
    from ned_node.keys import write_hmac_key

    click.echo(f"wrote {write_hmac_key(path)}: start the node with --key-file {path}; clients use the same file")
