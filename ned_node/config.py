"""NodeConfig: everything `ned node serve` is told, as one frozen dataclass checked once at start."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ned_node.errors import NodeConfigError
from ned_protocol import Limits

#: Where a node listens unless told otherwise: loopback only.
DEFAULT_BIND = "tcp://127.0.0.1:5570"
#: The pipeline entry point workers call (``module:function``).
DEFAULT_RUNNER = "ned_core.pipeline.render_job:render_shot"
_DEVICE = re.compile(r"^(cpu|cuda(:\d+)?)$")


@dataclass(frozen=True)
class NodeConfig:
    """How one render node runs.

    Attributes:
        state_dir: job store (``jobs.sqlite``), per-job folders (inline inputs and plates), analysis cache.
        bind: ZeroMQ address of the ROUTER socket (loopback by default).
        input_roots: folders a path source or reference clip may lie in (after resolving symlinks).
        output_roots: folders plates may be written to.
        devices: ``"cpu"`` and/or ``"cuda:N"``; one worker process per CUDA device.
        workers: CPU worker processes (when ``"cpu"`` is among the devices).
        threads_per_worker: torch/LiteRT threads of each CPU worker; 0 = cores divided by workers.
        metrics_port: Prometheus text metrics on ``http://metrics_host:port/metrics``; None = off.
        metrics_host: interface of the metrics endpoint.
        key_file: shared HMAC key (``ned_protocol.read_key_file``); None = unsigned messages.
        curve_dir: CURVE folder: ``server.key``/``server.key_secret`` and the client allowlist ``clients/``.
        allow_insecure: allow a non-loopback bind without HMAC key or CURVE.
        model_dir: model store root given to the pipeline; None = its default.
        cache_dir: analysis cache shared by every job and worker; None = ``state_dir/analysis-cache``.
        ocio: OpenColorIO config for the pipeline; None = ``$OCIO`` or the built-in one.
        manipulator: checkpoint of the learned emotion manipulator (director ``"learned"``); None = not offered.
        retention_s: how long finished jobs (record, events, inline plates) stay retrievable.
        max_unfinished_jobs: jobs queued, receiving or running at once before ``queue_full``.
        max_frames_per_job: largest frame count one job may ask for.
        max_inline_bytes: largest total size of one inline job's source frames.
        receive_timeout_s: an inline job with no new chunk for this long fails ``frames_incomplete``.
        max_attempts: runs of one job on crashing workers before it fails.
        model_cache_size: model sets each worker keeps loaded (least recently used dropped first).
        keepalive_s: a subscribed, unfinished job gets a progress event at least this often (protocol: 5 s).
        cancel_grace_s: a cancelled job still running after this long (in a stage without frame boundaries,
            such as a long analysis) has its worker killed and restarted.
        limits: wire size limits.
        runner: the ``module:function`` workers call to render (``render_shot``'s signature).
    """

    state_dir: Path
    bind: str = DEFAULT_BIND
    input_roots: tuple[Path, ...] = ()
    output_roots: tuple[Path, ...] = ()
    devices: tuple[str, ...] = ("cpu",)
    workers: int = 1
    threads_per_worker: int = 0
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    key_file: Path | None = None
    curve_dir: Path | None = None
    allow_insecure: bool = False
    model_dir: Path | None = None
    cache_dir: Path | None = None
    ocio: str | None = None
    manipulator: Path | None = None
    retention_s: float = 7 * 24 * 3600.0
    max_unfinished_jobs: int = 10_000
    max_frames_per_job: int = 100_000
    max_inline_bytes: int = 64 << 30
    receive_timeout_s: float = 3600.0
    max_attempts: int = 3
    model_cache_size: int = 2
    keepalive_s: float = 4.0
    cancel_grace_s: float = 10.0
    limits: Limits = field(default_factory=Limits)
    runner: str = DEFAULT_RUNNER

    def __post_init__(self) -> None:
        check_node_config(self)

    @property
    def analysis_cache_dir(self) -> Path:
        """The analysis cache every job shares."""
        return self.cache_dir if self.cache_dir is not None else self.state_dir / "analysis-cache"

    @property
    def worker_devices(self) -> tuple[str, ...]:
        """One entry per worker process: each CUDA device once, then ``"cpu"`` ``workers`` times."""
        cuda = tuple(_normal_device(d) for d in self.devices if d != "cpu")
        return cuda + (("cpu",) * self.workers if "cpu" in self.devices else ())

    def threads_for(self, device: str) -> int:
        """Compute threads of a worker on ``device`` (CPU workers share the cores)."""
        if self.threads_per_worker:
            return self.threads_per_worker
        cpu_workers = max(1, sum(1 for d in self.worker_devices if d == "cpu"))
        return max(1, (os.cpu_count() or 1) // cpu_workers) if device == "cpu" else 2


def _normal_device(device: str) -> str:
    return "cuda:0" if device == "cuda" else device


def is_loopback_bind(address: str) -> bool:
    """True when a ZeroMQ bind address only accepts local peers (``tcp://127.x``, ``[::1]``, ipc, inproc)."""
    if address.startswith(("ipc://", "inproc://")):
        return True
    match = re.match(r"^tcp://(.+):(\d+|\*)$", address)
    if not match:
        return False
    host = match[1].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_node_config(config: NodeConfig) -> None:
    """Raises NodeConfigError naming the first option that cannot work."""
    checks = (
        ("--bind", re.match(r"^(tcp://.+:(\d+|\*)|ipc://.+|inproc://.+)$", config.bind) is not None,
         f"a ZeroMQ address such as {DEFAULT_BIND}, got {config.bind!r}"),
        ("--workers", config.workers >= 1, f">= 1, got {config.workers}"),
        ("--device", bool(config.devices) and all(_DEVICE.match(d) for d in config.devices),
         f"'cpu', 'cuda' or 'cuda:N', got {list(config.devices)}"),
        ("--device", len(set(map(_normal_device, config.devices))) == len(config.devices),
         f"each device once, got {list(config.devices)}"),
        ("--metrics-port", config.metrics_port is None or 0 <= config.metrics_port <= 65535,
         f"a TCP port 0..65535, got {config.metrics_port}"),
        ("retention", config.retention_s >= 0, f">= 0 s, got {config.retention_s}"),
        ("max_attempts", config.max_attempts >= 1, f">= 1, got {config.max_attempts}"),
        ("model_cache_size", config.model_cache_size >= 1, f">= 1, got {config.model_cache_size}"),
        ("keepalive_s", 0 < config.keepalive_s <= 5,
         f"in (0, 5] (the protocol asks for <= 5 s), got {config.keepalive_s}"),
        ("--runner", re.match(r"^[\w.]+:\w+$", config.runner) is not None, f"'module:function', got {config.runner!r}"),
    )
    for option, ok, expected in checks:
        if not ok:
            raise NodeConfigError(f"{option}: expected {expected}")
    for option, roots in (("--input-root", config.input_roots), ("--output-root", config.output_roots)):
        for root in roots:
            if not Path(root).is_absolute() or not Path(root).is_dir():
                raise NodeConfigError(f"{option} {root}: expected an existing folder given by its absolute path")
    secured = config.key_file is not None or config.curve_dir is not None
    if not is_loopback_bind(config.bind) and not secured and not config.allow_insecure:
        raise NodeConfigError(
            f"--bind {config.bind}: a node reachable from the network needs --key-file and/or --curve-dir "
            "(or --allow-insecure on a trusted network)")
