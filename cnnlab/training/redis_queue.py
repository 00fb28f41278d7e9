"""Training jobs on Redis + RQ: the JobBackend every web process of a class shares.

`RedisJobs` does what the local JobManager does (cnnlab.training.queue), but the queue, the job
records and the live progress live in Redis, and the trainings run in `python -m cnnlab worker`
processes on this machine or any other (cnnlab.training.redis_job). So any number of web
processes see the same jobs, positions and progress, and a class gains capacity by starting
workers, not by changing pages. Finished runs reach every web process through the shared runs
folder (runs_dir; an NFS mount on several machines), written atomically by the worker.

Promises kept as in the local backend: first-in first-out positions, per-student and queue
caps (checked under a short Redis lock, so two web processes cannot both admit the last
place), Stop keeps the last finished epoch, the per-job time limit (enforced by the worker,
with RQ's job timeout behind it), and a worker that dies mid-job (kill -9, machine gone) turns
its job "failed" with a message at the first status read after its heartbeat expires.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from pathlib import Path
from typing import Any, Iterator

from cnnlab.classroom.limits import DEFAULT_LIMITS, Limits
from cnnlab.design.spec import Architecture
from cnnlab import i18n
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.training import redis_keys as keys
from cnnlab.training.config import TrainConfig
from cnnlab.training.job_messages import queue_full, too_many_jobs
from cnnlab.training.progress import Progress
from cnnlab.training.queue import ACTIVE, JobStatus

JOB_FUNCTION = "cnnlab.training.redis_job.run_job"
LOST_MESSAGE = N_("The training machine stopped answering (its worker was stopped or the machine "
                "went away), so this job was ended; nothing was saved. Train again; if it keeps "
                "happening, tell your teacher.")


class RedisJobs:
    """The Redis + RQ JobBackend: jobs queue in Redis and run on `cnnlab worker` processes."""

    def __init__(self, redis: Any, runs_dir: Path, limits: Limits = DEFAULT_LIMITS, *,
                 queue: str = keys.QUEUE, heartbeat_s: float = 10.0, stop_grace_s: float = 120.0,
                 keep_s: int = keys.KEEP_S) -> None:
        """`redis` is a URL (redis://host:6379/0) or a redis.Redis connection.

        `heartbeat_s`: how long a running job may go without its worker's heartbeat before it
        is declared lost (the worker refreshes it every third of that).
        """
        import redis as redis_py
        from rq import Queue

        self.connection = redis_py.Redis.from_url(redis) if isinstance(redis, str) else redis
        self.runs_dir, self.limits = Path(runs_dir), limits
        self.heartbeat_s, self.stop_grace_s, self.keep_s = heartbeat_s, stop_grace_s, keep_s
        self.queue = Queue(queue, connection=self.connection)
        self._cancel = self.connection.register_script(keys.CANCEL)
        self._lost = self.connection.register_script(keys.LOST)

    # -- the JobBackend methods ------------------------------------------------------------
    def submit(self, owner: str, arch: Architecture, config: TrainConfig, name: str | None = None) -> str:
        """Queue a job after checking the design, the settings and the caps; returns its id."""
        from cnnlab.classroom.caps import check
        from cnnlab.runs.store import check_owner, clean_name
        from cnnlab.training.trainability import check_trainable

        check_owner(owner)
        check(arch, self.limits)
        check_trainable(arch)  # the same refusal, in the same words, as the local queue
        config.check(self.limits)
        with self._reachable(), self._submit_lock():
            mine = sum(1 for j in self.jobs(owner) if j.active)
            if mine >= self.limits.max_jobs_per_student:
                raise LabError(too_many_jobs(mine, self.limits))
            waiting = self.queue.count
            if waiting >= self.limits.max_queue:
                raise LabError(queue_full(waiting, self.limits))
            job_id, now = secrets.token_hex(8), time.time()
            record = {"owner": owner, "name": clean_name(name), "state": "queued",
                      "created": now, "epochs": config.epochs,
                      "progress": json.dumps(Progress(state="queued", epochs=config.epochs).to_dict())}
            pipe = self.connection.pipeline()
            pipe.hset(keys.job_key(job_id), mapping={k: str(v) for k, v in record.items()})
            pipe.zadd(keys.owner_key(owner), {job_id: now})
            pipe.expire(keys.owner_key(owner), self.keep_s)
            pipe.execute()
            payload = {"owner": owner, "name": record["name"], "design": arch.to_dict(),
                       "config": config.to_dict(), "runs_dir": str(self.runs_dir),
                       "max_job_seconds": self.limits.max_job_seconds,
                       "heartbeat_s": self.heartbeat_s, "keep_s": self.keep_s,
                       "language": i18n.language()}  # the worker speaks it (redis_job.run_job)
            self.queue.enqueue(JOB_FUNCTION, job_id, payload, job_id=job_id,
                               job_timeout=int(self.limits.max_job_seconds + self.stop_grace_s),
                               result_ttl=600, failure_ttl=self.keep_s)
        return job_id

    def status(self, job_id: str) -> JobStatus:
        with self._reachable():
            [job] = self._read([job_id])
        if job is None:
            raise LabError(_("There is no such training job (it may have expired); look for its "
                             "run on the Evaluate page or train again."))
        return job

    def jobs(self, owner: str) -> list[JobStatus]:
        """This owner's jobs only, oldest first."""
        with self._reachable():
            ids = [i.decode() for i in self.connection.zrange(keys.owner_key(owner), 0, -1)]
            found = self._read(ids)
            gone = [i for i, job in zip(ids, found) if job is None]
            if gone:  # their records expired
                self.connection.zrem(keys.owner_key(owner), *gone)
        return [job for job in found if job is not None and job.owner == owner]

    def cancel(self, job_id: str, owner: str) -> bool:
        """Stop the owner's job: a queued one leaves the queue, a running one stops at the next
        batch and keeps its last completed epoch. False if it is not theirs or already over."""
        with self._reachable():
            outcome = self._cancel(keys=[keys.job_key(job_id), keys.stop_key(job_id)],
                                   args=[owner, time.time(), self.keep_s,
                                         int(self.limits.max_job_seconds + self.stop_grace_s)])
            if outcome == 1:
                self.queue.remove(job_id)  # a worker that dequeues it anyway will skip it
        return bool(outcome)

    def shutdown(self, timeout_s: float = 0.0) -> None:
        """A web process leaving: the jobs belong to the class, so they go on; only disconnect."""
        self.connection.close()

    # -- reading records -------------------------------------------------------------------
    def _read(self, job_ids: list[str]) -> list[JobStatus | None]:
        """Every job's record, its heartbeat and queue position, in two round trips."""
        if not job_ids:
            return []
        pipe = self.connection.pipeline()  # MULTI: one consistent snapshot
        for job_id in job_ids:
            pipe.hgetall(keys.job_key(job_id))
            pipe.exists(keys.alive_key(job_id))
            pipe.lpos(self.queue.key, job_id)
        replies = pipe.execute()
        out: list[JobStatus | None] = []
        for i, job_id in enumerate(job_ids):
            raw, alive, position = replies[3 * i: 3 * i + 3]
            if not raw:
                out.append(None)
                continue
            record = {k.decode(): v.decode() for k, v in raw.items()}
            if record["state"] == "running" and not alive and self._declare_lost(job_id):
                record = {k.decode(): v.decode() for k, v in
                          self.connection.hgetall(keys.job_key(job_id)).items()}
            out.append(self._status(job_id, record, position))
        return out

    def _declare_lost(self, job_id: str) -> bool:
        return bool(self._lost(keys=[keys.job_key(job_id), keys.alive_key(job_id)],
                               args=[time.time(), _(LOST_MESSAGE), self.keep_s]))

    def _status(self, job_id: str, record: dict[str, str], position: int | None) -> JobStatus:
        state = record["state"]
        progress = Progress.from_dict(json.loads(record.get("progress") or "{}"))
        if state not in ACTIVE and progress.state in ("queued", "starting", "training",
                                                      "evaluating", "saving"):
            progress = progress.replace(state=state)  # ended without the worker's last word
        run = record.get("run")
        return JobStatus(
            job_id=job_id, owner=record["owner"], name=record["name"], state=state,
            queue_position=position + 1 if state == "queued" and position is not None else None,
            progress=progress, run_dir=self.runs_dir / run if run else None,
            error=record.get("error") or None, created=float(record["created"]),
            started=_number(record.get("started")), finished=_number(record.get("finished")),
            epochs=int(record.get("epochs") or 0))

    # -- Redis plumbing --------------------------------------------------------------------
    @contextlib.contextmanager
    def _submit_lock(self) -> Iterator[None]:
        """One submission at a time across all web processes, so the caps hold exactly."""
        lock = self.connection.lock(keys.submit_lock_key(self.queue.name), timeout=10,
                                    blocking_timeout=10)
        if not lock.acquire():
            raise LabError(_("The training queue is busy; click Start again in a moment."))
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                lock.release()

    @contextlib.contextmanager
    def _reachable(self) -> Iterator[None]:
        """A Redis that is down or unreachable becomes a message for the student, not a trace."""
        import redis as redis_py

        try:
            yield
        except (redis_py.ConnectionError, redis_py.TimeoutError) as exc:
            raise LabError(_("The training queue (Redis) cannot be reached ({error}); tell your "
                             "teacher.").format(error=exc)) from None


def _number(text: str | None) -> float | None:
    return float(text) if text else None
