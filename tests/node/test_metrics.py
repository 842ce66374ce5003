"""Prometheus text metrics, rendered and served over HTTP."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from ned_node.metrics import MetricsServer, MetricsSnapshot, render_metrics

SNAP = MetricsSnapshot(jobs={"queued": 3, "running": 1, "done": 7}, frames_written=42, frames_per_second=1.5,
                       workers={"busy": 1, "idle": 1}, worker_restarts=2, gpu_reserved={"cuda:0": 1 << 30},
                       gpu_total={"cuda:0": 80 << 30}, messages={"answered": 5, "dropped": 1}, start_time=1.7e9)


def _samples(text: str) -> dict[str, float]:
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line and not line.startswith("#")}


def test_exposition_format():
    text = render_metrics(SNAP)
    samples = _samples(text)
    assert samples['ned_jobs{state="queued"}'] == 3 and samples['ned_jobs{state="failed"}'] == 0
    assert samples["ned_queue_depth"] == 3
    assert samples["ned_frames_written_total"] == 42 and samples["ned_frames_per_second"] == 1.5
    assert samples['ned_workers{state="busy"}'] == 1 and samples['ned_workers{state="starting"}'] == 0
    assert samples['ned_gpu_memory_reserved_bytes{device="cuda:0"}'] == 1 << 30
    assert samples['ned_requests_total{outcome="dropped"}'] == 1
    assert "# TYPE ned_frames_written_total counter" in text and text.endswith("\n")
    names = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")}
    assert all(sample.split("{")[0] in names for sample in samples)


def test_served_over_http():
    server = MetricsServer("127.0.0.1", 0)
    try:
        server.publish(SNAP)
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5) as response:
            assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            assert _samples(response.read().decode())["ned_frames_written_total"] == 42
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/other", timeout=5)
        assert err.value.code == 404
    finally:
        server.close()
