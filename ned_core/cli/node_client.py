"""The client side of the render node for `ned submit`, `ned jobs` and `ned node status`: connection options,
the connection, and following a job's events with progress bars."""

from __future__ import annotations

from pathlib import Path

import click

from ned_core.cli.progress_bar import ProgressBars

DEFAULT_NODE = "tcp://127.0.0.1:5570"
#: Seconds without any event before the client re-attaches (the node sends one at least every 5 s).
EVENT_TIMEOUT_S = 30.0
#: Protocol stage names shown with the pipeline's own names, so bars look as in `ned render`.
_STAGE_NAMES = {"face3d": "fit"}

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


def follow(client, job_id: str, since: int = 0, quiet: bool = False) -> tuple[dict, list[dict]]:
    """Shows a job's progress bars until it ends; waits through node restarts and reconnects.

    Returns:
        The ``job_done`` content and the ``frame_result`` contents, in frame order.

    Raises:
        SystemExit: status 1 when the job failed or was cancelled (the error is printed).
    """
    from ned_core.progress import ProgressEvent
    from ned_protocol import NodeTimeoutError

    last, results = since, []
    with ProgressBars(enabled=not quiet) as bars:
        while True:
            try:
                for event in client.events(job_id, since=last, timeout_s=EVENT_TIMEOUT_S):
                    last, content = event.content["seq"], event.content
                    if event.msg_type == "progress" and content["stage"] != "queued":
                        bars(ProgressEvent(_STAGE_NAMES.get(content["stage"], content["stage"]),
                                           content["frames_done"], content["frames_total"], content["fps"],
                                           content["eta_s"]))
                    elif event.msg_type == "frame_result":
                        results.append(content)
                    elif event.msg_type == "job_done":
                        return content, sorted(results, key=lambda r: r["frame"])
                    elif event.msg_type == "job_failed":
                        error = content["error"]
                        bars.__exit__()
                        click.echo(f"ned: error: job {job_id} {error['code']} ({error['ename']}): {error['evalue']}",
                                   err=True)
                        raise SystemExit(1)
            except NodeTimeoutError:
                click.echo(f"ned: the node has been silent for {EVENT_TIMEOUT_S:g} s; still waiting for job {job_id} "
                           f"(Ctrl-C stops waiting, the job goes on: `ned jobs attach {job_id}`)", err=True)
