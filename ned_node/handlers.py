"""One handler per request type; every request gets exactly one reply, an error reply when anything fails."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ned_core.exceptions import NedError
from ned_node.background import Pending
from ned_node.errors import error_info
from ned_node.intake import Intake
from ned_node.jobs import JobManager
from ned_node.shot_analysis import ShotAnalyzer, ShotSummary
from ned_protocol import Message, Session
from ned_protocol.thumbnails import THUMBNAILS_SINCE, pack_thumbnails

log = logging.getLogger("ned_node.requests")


class RequestHandler:
    """Answers decoded requests.

    Args:
        session: builds the replies.
        jobs: the job manager (store, publisher, pool).
        intake: submit and inline frames.
        hello: the ``hello_reply`` content, computed when asked.
        analyzer: answers ``analyze_shot_request`` (run on the intake's background threads).
    """

    def __init__(self, session: Session, jobs: JobManager, intake: Intake, hello: Callable[[], dict],
                 analyzer: ShotAnalyzer):
        self.session, self.jobs, self.intake, self.hello = session, jobs, intake, hello
        self.analyzer = analyzer
        self._table: dict[str, Callable[[bytes, Message], Message]] = {
            "hello_request": self._hello,
            "heartbeat_request": self._heartbeat,
            "submit_job_request": self._submit,
            "frames_chunk_request": self._frames,
            "cancel_job_request": self._cancel,
            "job_status_request": self._status,
            "list_jobs_request": self._list,
            "attach_job_request": self._attach,
            "analyze_shot_request": self._analyze,
        }

    def handle(self, identity: bytes, msg: Message) -> Message | Pending:
        """The reply to ``msg``, or a :class:`Pending` one (never raises: failures become error replies)."""
        handler = self._table.get(msg.msg_type)
        if handler is None:
            return self.session.error_reply(msg.header, "unknown_msg_type", "UnknownMessageTypeError",
                                            f"{msg.msg_type} is not a request; a node answers "
                                            f"{', '.join(sorted(self._table))}", {"msg_type": msg.msg_type})
        return self.answer(msg, lambda: handler(identity, msg))

    def answer(self, msg: Message, produce: Callable[[], Message | Pending]) -> Message | Pending:
        """What ``produce()`` returns, or the error reply for what it raised (the traceback is only logged)."""
        try:
            return produce()
        except NedError as exc:
            info = error_info(exc)
            log.info("request refused", extra={"msg_type": msg.msg_type, "msg_id": msg.header.msg_id,
                                               "job_id": msg.header.job_id, "code": info["code"], "error": str(exc)})
        except Exception as exc:  # the node keeps serving whatever a request triggers
            info = error_info(exc)
            log.exception("request failed", extra={"msg_type": msg.msg_type, "msg_id": msg.header.msg_id,
                                                   "job_id": msg.header.job_id})
        return self.session.error_reply(msg.header, info["code"], info["ename"], info["evalue"], info["details"])

    def _hello(self, identity: bytes, msg: Message) -> Message:
        return self.session.reply(msg.header, self.hello())

    def _heartbeat(self, identity: bytes, msg: Message) -> Message:
        counts = self.jobs.store.counts()
        return self.session.reply(msg.header, {"node_time": self.jobs.clock(), "jobs_running": counts.get("running", 0),
                                               "jobs_queued": counts.get("queued", 0)})

    def _submit(self, identity: bytes, msg: Message) -> Message:
        job, duplicate = self.intake.submit(msg.header, msg.content)
        self.jobs.publisher.subscribe(job.job_id, job.request_id, job.last_seq, identity, msg.header.msg_id, 0)
        return self.session.reply(msg.header, {"job_id": job.job_id, "state": job.state, "duplicate": duplicate,
                                               "frames_expected": job.frames_expected}, job_id=job.job_id)

    def _frames(self, identity: bytes, msg: Message) -> Message | Pending:
        result = self.intake.frames(msg.header.job_id, msg.content["frames"], msg.buffers, msg.content["final"])
        if isinstance(result, Pending):  # the frames are being written: answer once they are on disk
            return Pending(result.future, lambda: self.answer(msg, lambda: self.session.reply(msg.header,
                                                                                             result.finish())))
        return self.session.reply(msg.header, result)

    def _analyze(self, identity: bytes, msg: Message) -> Pending:
        query = self.analyzer.check(msg.content["source"])  # path rules answered at once, off-root paths never read
        future = self.intake.background.submit(self.analyzer.summary, query)
        return Pending(future, lambda: self.answer(msg, lambda: self._shot_reply(msg, future.result())))

    def _shot_reply(self, msg: Message, summary: ShotSummary) -> Message:
        """The analysis reply; thumbnails only to a 1.4 client (an older one refuses a reply with buffers)."""
        if tuple(msg.header.version) < THUMBNAILS_SINCE:
            return self.session.reply(msg.header, summary.content)
        characters, buffer = pack_thumbnails(summary.content["characters"], summary.thumbnails)
        return self.session.reply(msg.header, {**summary.content, "characters": characters},
                                  buffers=[buffer] if buffer is not None else [])

    def _cancel(self, identity: bytes, msg: Message) -> Message:
        return self.session.reply(msg.header, {"state": self.jobs.cancel(msg.header.job_id)})

    def _status(self, identity: bytes, msg: Message) -> Message:
        return self.session.reply(msg.header, {"job": self.jobs.record(self.jobs.store.get(msg.header.job_id))})

    def _list(self, identity: bytes, msg: Message) -> Message:
        jobs = self.jobs.store.jobs(msg.content["states"], msg.content["limit"])
        return self.session.reply(msg.header, {"jobs": [self.jobs.record(job) for job in jobs]})

    def _attach(self, identity: bytes, msg: Message) -> Message:
        job = self.jobs.store.get(msg.header.job_id)
        since = msg.content["since"]
        record = self.jobs.record(job)
        if (not job.final or since < job.last_seq) and job.job_id not in self.jobs.unsaved:
            self.jobs.publisher.subscribe(job.job_id, job.request_id, job.last_seq, identity, msg.header.msg_id, since)
        return self.session.reply(msg.header, {"job": record, "first_seq": self.jobs.store.first_seq(job.job_id),
                                               "last_seq": job.last_seq})
