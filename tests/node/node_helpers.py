"""Node test helpers: a real shot on disk, real `ned node serve` subprocesses on loopback, request contents."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import skimage.data
import skimage.transform

HERE = Path(__file__).parent
REPO = HERE.parents[1]
#: The pipeline stand-in importable by node subprocesses (PYTHONPATH) and spawned workers.
FAKE_RUNNER = "node_test_runner:render_shot"


def write_shot(folder: Path, frames: range, size: int = 128, name: str = "shot") -> str:
    """Writes the skimage astronaut as an 8-bit PNG sequence; returns its ``name.####.png`` pattern."""
    folder.mkdir(parents=True, exist_ok=True)
    image = skimage.transform.resize(skimage.data.astronaut(), (size, size), anti_aliasing=True)
    pixels = np.round(image * 255).astype(np.uint8)
    for number in frames:
        path = folder / f"{name}.{number:04d}.png"
        out = oiio.ImageOutput.create(str(path))
        assert out.open(str(path), oiio.ImageSpec(size, size, 3, "uint8"))
        shifted = np.roll(pixels, number - frames[0], axis=1)  # a little motion, so frames differ
        assert out.write_image(shifted)
        out.close()
    return str(folder / f"{name}.####.png")


def write_two_faces(folder: Path, frames: range, height: int = 256, name: str = "pair") -> str:
    """Writes the astronaut and Grace Hopper side by side (two faces, astronaut left) as an 8-bit PNG
    sequence of ``height`` rows; returns its ``name.####.png`` pattern."""
    from ned_core.synthetic import sample_photo

    folder.mkdir(parents=True, exist_ok=True)
    photos = [sample_photo(photo) for photo in ("astronaut", "grace_hopper")]
    halves = [skimage.transform.resize(p, (height, round(p.shape[1] * height / p.shape[0])), anti_aliasing=True)
              for p in photos]
    pixels = np.round(np.concatenate(halves, axis=1) * 255).astype(np.uint8)
    for number in frames:
        path = folder / f"{name}.{number:04d}.png"
        out = oiio.ImageOutput.create(str(path))
        assert out.open(str(path), oiio.ImageSpec(pixels.shape[1], pixels.shape[0], 3, "uint8"))
        assert out.write_image(pixels)
        out.close()
    return str(folder / f"{name}.####.png")


@dataclass
class Node:
    """A `ned node serve` subprocess."""

    process: subprocess.Popen
    state_dir: Path
    log_file: Path
    args: list[str]
    env: dict[str, str]
    address: str = ""
    info: dict = field(default_factory=dict)

    def logs(self) -> list[dict]:
        """The node's (and its workers') JSON log lines."""
        if not self.log_file.exists():
            return []
        return [json.loads(line) for line in self.log_file.read_text().splitlines() if line.startswith("{")]

    def worker_pids(self) -> list[int]:
        """Pids of live workers, from their "worker ready" log lines."""
        pids = [e["pid"] for e in self.logs() if e["msg"] == "worker ready"]
        return [pid for pid in pids if Path(f"/proc/{pid}").exists() and _is_alive(pid)]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.process.send_signal(sig)
        self.process.wait(30)

    def alive(self) -> bool:
        return self.process.poll() is None


def _is_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def start_node(state_dir: Path, *, input_roots=(), output_roots=(), extra=(), env=None, runner=FAKE_RUNNER,
               wait_workers: int = 1, timeout: float = 90.0, log_file: Path | None = None) -> Node:
    """Starts `ned node serve` on a free loopback port and waits until its workers are ready (log in the state
    dir unless ``log_file`` is given)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_file or state_dir / "node.log"
    args = [sys.executable, "-m", "ned_core.cli.main", "node", "serve", "--state-dir", str(state_dir),
            "--bind", "tcp://127.0.0.1:*", "--log-file", str(log_file), "--threads", "1"]
    for root in input_roots:
        args += ["--input-root", str(root)]
    for root in output_roots:
        args += ["--output-root", str(root)]
    if runner is not None:
        args += ["--runner", runner]
    args += list(extra)
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
                "OMP_NUM_THREADS": "1", **(env or {})}
    process = subprocess.Popen(args, env=full_env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    node = Node(process, state_dir, log_file, args, full_env)
    return wait_ready(node, wait_workers, timeout)


def wait_ready(node: Node, workers: int, timeout: float) -> Node:
    deadline = time.monotonic() + timeout
    info_path = node.state_dir / "node.json"
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            raise RuntimeError(f"node exited with {node.process.returncode}: {node.process.stderr.read().decode()}")
        ready = sum(1 for e in node.logs() if e["msg"] == "worker ready")
        if info_path.exists() and ready >= workers:
            node.info = json.loads(info_path.read_text())
            if node.info["pid"] == node.process.pid:
                node.address = node.info["address"]
                return node
        time.sleep(0.1)
    raise TimeoutError(f"node not ready after {timeout} s; log: {node.logs()[-5:]}")


def restart_node(node: Node, wait_workers: int = 1) -> Node:
    """Starts the same node again (same state dir, roots and options; a new port)."""
    process = subprocess.Popen(node.args, env=node.env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ready_before = sum(1 for e in node.logs() if e["msg"] == "worker ready")
    fresh = Node(process, node.state_dir, node.log_file, node.args, node.env)
    deadline = time.monotonic() + 90
    while sum(1 for e in fresh.logs() if e["msg"] == "worker ready") < ready_before + wait_workers:
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("restarted node did not become ready")
        time.sleep(0.1)
    return wait_ready(fresh, 0, 30)


def stop_node(node: Node) -> None:
    if node.alive():
        node.process.send_signal(signal.SIGTERM)
        try:
            node.process.wait(40)
        except subprocess.TimeoutExpired:
            node.process.kill()
            node.process.wait(10)
    node.process.stderr.close()


class NodeFactory:
    """Starts and restarts nodes under one tmp folder; every process is stopped at teardown."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.nodes: list[Node] = []

    def start(self, **kwargs) -> Node:
        kwargs.setdefault("input_roots", [(self.tmp_path / "in").resolve()])
        kwargs.setdefault("output_roots", [(self.tmp_path / "out").resolve()])
        for root in [*kwargs["input_roots"], *kwargs["output_roots"]]:
            root.mkdir(parents=True, exist_ok=True)
        state_dir = kwargs.pop("state_dir", None) or (self.tmp_path / f"state{len(self.nodes)}").resolve()
        node = start_node(state_dir, **kwargs)
        self.nodes.append(node)
        return node

    def restart(self, node: Node, wait_workers: int = 1) -> Node:
        fresh = restart_node(node, wait_workers)
        self.nodes.append(fresh)
        return fresh

    def close(self) -> None:
        for node in self.nodes:
            stop_node(node)




def submit_content(source: dict, output: dict, emotion: dict | None = None, **fields) -> dict:
    """A ``submit_job_request`` content as the node's decoder hands it over (defaults filled in)."""
    from ned_protocol import Session

    content = {"source": source, "emotion": emotion or {"target": "happy"}, "output": output, **fields}
    return Session().message("submit_job_request", content, request_id="r").content


def set_control(path: Path, **knobs) -> None:
    """Sets the fake runner's knobs for the jobs that start from now on (see ``node_test_runner``)."""
    path.write_text(json.dumps(knobs))


def collect(client, job_id: str, since: int = 0, timeout: float = 60.0) -> list:
    """Every event of a job after ``since`` until it ends."""
    return list(client.events(job_id, since=since, timeout_s=timeout))


def path_source(pattern: str, first: int, last: int) -> dict:
    return {"kind": "path", "path": pattern, "frames": {"first": first, "last": last}}


def frames_of(events: list) -> list[int]:
    """Frame numbers of the frame_result events, in order."""
    return [e.content["frame"] for e in events if e.msg_type == "frame_result"]


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"{what} not met within {timeout} s")
