"""Prometheus text metrics (jobs by state, queue depth, frames/s, workers, GPU memory) over http.server."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ned_node.job_row import FINAL_STATES, UNFINISHED_STATES

log = logging.getLogger("ned_node.metrics")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class MetricsSnapshot:
    """The node's state at one moment, as the main loop sees it.

    Attributes:
        jobs: jobs per state.
        frames_written: plates written since the node started.
        frames_per_second: plates written per second over the last minute.
        workers: worker processes per state (``idle``, ``busy``, ``starting``).
        worker_restarts: worker processes restarted since the node started.
        gpu_reserved: bytes torch holds per CUDA device (as its worker last reported).
        gpu_total: bytes of each CUDA device.
        messages: requests per outcome (``answered``, ``error``, ``dropped``).
        start_time: when the node started (seconds since the epoch).
    """

    jobs: dict[str, int] = field(default_factory=dict)
    frames_written: int = 0
    frames_per_second: float = 0.0
    workers: dict[str, int] = field(default_factory=dict)
    worker_restarts: int = 0
    gpu_reserved: dict[str, int] = field(default_factory=dict)
    gpu_total: dict[str, int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    start_time: float = 0.0


def _family(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{labels} {value:.10g}" for labels, value in samples]
    return lines


def render_metrics(snap: MetricsSnapshot) -> str:
    """The Prometheus text exposition (format 0.0.4) of a snapshot."""
    states = UNFINISHED_STATES + FINAL_STATES
    lines = []
    lines += _family("ned_jobs", "gauge", "Jobs held by the node, by state.",
                     [(f'{{state="{s}"}}', snap.jobs.get(s, 0)) for s in states])
    lines += _family("ned_queue_depth", "gauge", "Jobs waiting for a worker.", [("", snap.jobs.get("queued", 0))])
    lines += _family("ned_frames_written_total", "counter", "Plates written since the node started.",
                     [("", snap.frames_written)])
    lines += _family("ned_frames_per_second", "gauge", "Plates written per second over the last minute.",
                     [("", snap.frames_per_second)])
    lines += _family("ned_workers", "gauge", "Worker processes by state.",
                     [(f'{{state="{s}"}}', snap.workers.get(s, 0)) for s in ("idle", "busy", "starting")])
    lines += _family("ned_worker_restarts_total", "counter", "Worker processes restarted after dying.",
                     [("", snap.worker_restarts)])
    lines += _family("ned_gpu_memory_reserved_bytes", "gauge", "GPU memory reserved by the worker's torch.",
                     [(f'{{device="{d}"}}', v) for d, v in sorted(snap.gpu_reserved.items())])
    lines += _family("ned_gpu_memory_total_bytes", "gauge", "GPU memory of the device.",
                     [(f'{{device="{d}"}}', v) for d, v in sorted(snap.gpu_total.items())])
    lines += _family("ned_requests_total", "counter", "Messages received, by outcome.",
                     [(f'{{outcome="{o}"}}', n) for o, n in sorted(snap.messages.items())])
    lines += _family("ned_start_time_seconds", "gauge", "When the node started, seconds since the epoch.",
                     [("", snap.start_time)])
    return "\n".join(lines) + "\n"


class MetricsServer:
    """Serves ``GET /metrics`` from a background thread; the main loop calls :meth:`publish`.

    Args:
        host: interface to listen on.
        port: TCP port (0 = any free port; see :attr:`port`).
    """

    def __init__(self, host: str, port: int):
        self._lock = threading.Lock()
        self._text = render_metrics(MetricsSnapshot())
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path.split("?")[0] != "/metrics":
                    self.send_error(404, "only /metrics is served here")
                    return
                body = server.text().encode()
                self.send_response(200)
                self.send_header("Content-Type", CONTENT_TYPE)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
                log.debug("metrics request: " + format, *args)

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="ned-metrics", daemon=True)
        self._thread.start()

    def publish(self, snap: MetricsSnapshot) -> None:
        text = render_metrics(snap)
        with self._lock:
            self._text = text

    def text(self) -> str:
        with self._lock:
            return self._text

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
