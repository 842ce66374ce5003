"""A stand-in for Cuebot's side of RQD (test code): it answers RQD's report calls and dispatches frames to it.

Cuebot itself (Java + PostgreSQL) is not available here; RQD, OpenCue's worker, is (PyPI ``opencue-rqd``). This
stand-in implements the ``RqdReportInterface`` RQD reports to (startup, status, frame completion) and, like
Cuebot, fills a layer's frame tokens (``#FRAME_START#``, ``#FRAME_END#``) before sending the frame to RQD with
``RqdInterface.LaunchFrame``. Everything else Cuebot does (scheduling, the database) is out of scope.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

import grpc
from opencue_proto import report_pb2, report_pb2_grpc, rqd_pb2, rqd_pb2_grpc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Reports(report_pb2_grpc.RqdReportInterfaceServicer):
    def __init__(self):
        self.up = threading.Event()
        self.exits: dict[str, int] = {}
        self.changed = threading.Condition()

    def ReportRqdStartup(self, request, context):
        self.up.set()
        return report_pb2.RqdReportRqdStartupResponse()

    def ReportStatus(self, request, context):
        self.up.set()
        return report_pb2.RqdReportStatusResponse()

    def ReportRunningFrameCompletion(self, request, context):
        report = request.frame_complete_report
        with self.changed:
            self.exits[report.frame.frame_id] = report.exit_status
            self.changed.notify_all()
        return report_pb2.RqdReportRunningFrameCompletionResponse()


class CuebotStandIn:
    """Starts a real RQD (a subprocess with ``env``) reporting to this stand-in; :meth:`run_frame` runs one frame."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir, self.reports = workdir, _Reports()
        self.server = grpc.server(futures.ThreadPoolExecutor(4))
        report_pb2_grpc.add_RqdReportInterfaceServicer_to_server(self.reports, self.server)
        cue_port, self.rqd_port = _free_port(), _free_port()
        self.server.add_insecure_port(f"127.0.0.1:{cue_port}")
        self.server.start()
        conf = workdir / "rqd.conf"
        conf.write_text(f"[Override]\nRQD_GRPC_PORT={self.rqd_port}\nCUEBOT_GRPC_PORT={cue_port}\n"
                        "OVERRIDE_CUEBOT=127.0.0.1\nOVERRIDE_HOSTNAME=127.0.0.1\nOVERRIDE_NIMBY=False\n"
                        "OVERRIDE_CORES=2\nRQD_USE_PATH_ENV_VAR=True\nRQD_USE_ALL_HOST_ENV_VARS=True\n"
                        "RQD_BECOME_JOB_USER=False\n")
        self.log = open(workdir / "rqd.out", "w")
        self.rqd = subprocess.Popen([sys.executable, "-m", "rqd", "-c", str(conf), "--nimbyoff"], env=env,
                                    stdout=self.log, stderr=subprocess.STDOUT)
        if not self.reports.up.wait(60):
            self.close()
            raise RuntimeError(f"RQD did not report to the stand-in: {(workdir / 'rqd.out').read_text()}")
        self.stub = rqd_pb2_grpc.RqdInterfaceStub(grpc.insecure_channel(f"127.0.0.1:{self.rqd_port}"))

    def run_frame(self, job: str, layer: str, command: str, start: int, end: int,
                  timeout: float = 600) -> tuple[int, str]:
        """Dispatch one frame (a chunk ``start``-``end``) to RQD, wait for its completion report.

        Returns:
            ``(exit status, the frame's log)``.
        """
        frame_name = f"{start:04d}-{layer}"
        frame_id = f"{job}-{frame_name}"  # RQD names files after it: no "/"
        command = command.replace("#FRAME_START#", str(start)).replace("#FRAME_END#", str(end))
        run = rqd_pb2.RunFrame(job_id=job, job_name=job, frame_id=frame_id, frame_name=frame_name, layer_id=layer,
                               resource_id=frame_id, command=command, user_name=os.environ.get("USER", "ned"),
                               log_dir=str(self.workdir), show="ned", shot=job, num_cores=100, os="linux",
                               start_time=int(time.time() * 1000), job_temp_dir=str(self.workdir),
                               frame_temp_dir=str(self.workdir))
        self.stub.LaunchFrame(rqd_pb2.RqdStaticLaunchFrameRequest(run_frame=run))
        with self.reports.changed:
            if not self.reports.changed.wait_for(lambda: frame_id in self.reports.exits, timeout):
                raise TimeoutError(f"RQD did not complete {frame_id} in {timeout} s")
        log = self.workdir / f"{job}.{frame_name}.rqlog"
        return self.reports.exits[frame_id], log.read_text() if log.is_file() else ""

    def close(self) -> None:
        self.rqd.terminate()
        try:
            self.rqd.wait(20)
        except subprocess.TimeoutExpired:
            self.rqd.kill()
        self.log.close()
        self.server.stop(0)
