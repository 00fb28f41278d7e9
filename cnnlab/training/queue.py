"""The server's training queue: fair caps, first-in first-out, each job in its own process.

Pages only talk to a `JobBackend`: submit, status, jobs, cancel. `JobManager` is the local
one: worker processes on this machine (cnnlab.training.worker), at most `max_workers` at once, and a
scheduler thread that starts queued jobs when a slot frees, pumps their progress into
in-memory JobStatus objects (pages poll `status()`), enforces the time limit and notices
workers that died.

Every free slot holds a warm worker (`warm=True`): a process started in advance that has
imported TensorFlow and loaded MNIST, so a job given to it starts training at once. When
every slot is busy and jobs wait, one spare warm worker waits for the next slot to free.
Each worker runs one job and exits, and a fresh warm worker takes its place; so there are at
most `max_workers` trainings and `max_workers + 1` worker processes.

The other backend, for a class on several machines, is cnnlab.training.redis_queue.RedisJobs:
the same methods over Redis + RQ workers (`python -m cnnlab worker`), each running
cnnlab.training.worker.run_job like the local workers do. ui/resources.py picks one of the
two from the `redis_url` setting; the pages never know which.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from cnnlab import i18n
from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.training.config import TrainConfig
from cnnlab.classroom.limits import DEFAULT_LIMITS, Limits
from cnnlab.training.progress import Progress
from cnnlab.design.spec import Architecture
from cnnlab.training.job_messages import (could_not_start, queue_full, time_limit_reached,
                                          too_many_jobs)
from cnnlab.training.worker import JobSpec, WarmWorker, WorkerHandle, death_message

STATES = ("queued", "running", "done", "cancelled", "failed", "interrupted")
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class JobStatus:
    """A snapshot of one job for a page; times are time.time() seconds."""

    job_id: str
    owner: str
    name: str
    state: str  # queued | running | done | cancelled | failed | interrupted
    queue_position: int | None  # 1 = next to start; None unless queued
    progress: Progress
    run_dir: Path | None  # the run folder (None while queued, or when nothing was kept)
    error: str | None  # why it failed or was stopped by the server, in words
    created: float
    started: float | None = None
    finished: float | None = None
    epochs: int = 0
    language: str = i18n.SOURCE  # the student's, taken at Start: the server's words about the job

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


class JobBackend(Protocol):
    """What the pages need from a training engine, local or distributed."""

    def submit(self, owner: str, arch: Architecture, config: TrainConfig, name: str | None = None) -> str: ...
    def status(self, job_id: str) -> JobStatus: ...
    def jobs(self, owner: str) -> list[JobStatus]: ...
    def cancel(self, job_id: str, owner: str) -> bool: ...
    def shutdown(self) -> None: ...


class JobManager:
    """The local JobBackend: a FIFO queue and worker processes on this machine."""

    def __init__(self, runs_dir: Path, max_workers: int | None = None,
                 limits: Limits = DEFAULT_LIMITS, *, poll_s: float = 0.1,
                 stop_grace_s: float = 120.0, mnist_dir: str | None = None,
                 worker_nice: int = 0, warm: bool = True) -> None:
        self.runs_dir, self.limits = Path(runs_dir), limits
        self.max_workers = max(1, max_workers or os.cpu_count() or 1)
        # each job gets an equal share of the cores, so N jobs do not oversubscribe the CPU
        self.threads = max(1, (os.cpu_count() or 1) // self.max_workers)
        self.poll_s, self.stop_grace_s, self.mnist_dir = poll_s, stop_grace_s, mnist_dir
        self.worker_nice = worker_nice  # > 0: trainings yield the CPU to the web server
        self._context = multiprocessing.get_context("spawn")  # TensorFlow is not fork-safe
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._jobs: dict[str, JobStatus] = {}
        self._specs: dict[str, tuple[Architecture, TrainConfig]] = {}
        self._queue: deque[str] = deque()
        self._running: dict[str, WorkerHandle] = {}
        self._stop_asked: dict[str, float] = {}  # job id -> when the stop was requested
        self.warm = warm  # keep a pre-started worker in every free slot
        self._idle: list[WarmWorker] = []  # started, no job yet
        self._idle_died = float("-inf")  # when a worker last died before its job: wait a bit
        self._exiting: list[tuple[WorkerHandle, float]] = []  # done workers still exiting, since
        self._thread = threading.Thread(target=self._loop, name="cnnlab-scheduler", daemon=True)
        self._thread.start()

    # -- the JobBackend methods ------------------------------------------------------------
    def submit(self, owner: str, arch: Architecture, config: TrainConfig, name: str | None = None) -> str:
        """Queue a job after checking the design, the settings and the caps; returns its id."""
        from cnnlab.runs.store import check_owner, clean_name
        from cnnlab.classroom.caps import check
        from cnnlab.training.trainability import check_trainable

        check_owner(owner)
        check(arch, self.limits)
        check_trainable(arch)  # the Train page shows the same message before Start
        config.check(self.limits)
        with self._lock:
            if self._stopping.is_set():
                raise LabError(_("The training server is shutting down; try again in a minute."))
            mine = sum(1 for j in self._jobs.values() if j.owner == owner and j.active)
            if mine >= self.limits.max_jobs_per_student:
                raise LabError(too_many_jobs(mine, self.limits))
            if len(self._queue) >= self.limits.max_queue:
                raise LabError(queue_full(len(self._queue), self.limits))
            job_id = secrets.token_hex(8)
            self._jobs[job_id] = JobStatus(job_id, owner, clean_name(name), "queued", None,
                                           Progress(state="queued", epochs=config.epochs), None,
                                           None, time.time(), epochs=config.epochs,
                                           language=i18n.language())
            self._specs[job_id] = (arch, config)
            self._queue.append(job_id)
        self._wake.set()
        return job_id

    def status(self, job_id: str) -> JobStatus:
        with self._lock:
            if job_id not in self._jobs:
                raise LabError(_("There is no such training job (the server may have restarted); "
                                 "look for its run on the Evaluate page or train again."))
            job = self._jobs[job_id]
            if job.state == "queued":
                return replace(job, queue_position=self._queue.index(job_id) + 1)
            return job

    def jobs(self, owner: str) -> list[JobStatus]:
        """This owner's jobs only, oldest first."""
        with self._lock:
            ids = [j.job_id for j in self._jobs.values() if j.owner == owner]
            return sorted((self.status(i) for i in ids), key=lambda j: j.created)

    def cancel(self, job_id: str, owner: str) -> bool:
        """Stop the owner's job: a queued one leaves the queue, a running one stops at the next
        batch and keeps its last completed epoch. False if it is not theirs or already over."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.owner != owner or not job.active:
                return False
            if job.state == "queued":
                self._queue.remove(job_id)
                self._finish(job_id, "cancelled", None, progress=job.progress.replace(state="cancelled"))
            else:
                self._ask_stop(job_id, None)
        self._wake.set()
        return True

    def shutdown(self, timeout_s: float = 30.0) -> None:
        """Cancel the queue, ask running jobs to stop and save, kill what is left at the timeout."""
        self._stopping.set()
        self._wake.set()
        self._thread.join()
        with self._lock:
            for worker in self._idle:
                worker.close()  # its closed job pipe tells it to exit
                worker.kill(wait_s=1.0)
            self._idle.clear()
            for job_id in list(self._queue):
                self._finish(job_id, "cancelled", "The server stopped before this job started.")
            self._queue.clear()
            for job_id in self._running:
                self._ask_stop(job_id, None)
        deadline = time.monotonic() + timeout_s
        while self._running and time.monotonic() < deadline:
            with self._lock:
                self._reap()
            time.sleep(self.poll_s)
        with self._lock:
            for job_id, handle in list(self._running.items()):
                handle.kill()
                handle.close()
                del self._running[job_id]
                self._finish(job_id, "interrupted", "The server stopped while this job was running.")
            self._reap_exiting(time.monotonic(), grace_s=0.0)

    # -- the scheduler ---------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                with self._lock:
                    self._reap()
                    self._start_queued()
                    self._keep_warm()
            except Exception:  # one bad message must not freeze every student's queue
                traceback.print_exc(file=sys.stderr)
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def _start_queued(self) -> None:
        from cnnlab.runs.store import begin_run

        while self._queue and len(self._running) < self.max_workers:
            job_id = self._queue.popleft()
            job = self._jobs[job_id]
            arch, config = self._specs.pop(job_id)
            try:
                run_dir = begin_run(self.runs_dir, job.owner, arch, config, job.name)
                spec = JobSpec(job_id, job.name, arch.to_dict(), config.to_dict(), str(run_dir),
                               self.threads, self.mnist_dir, self._nice_level(), job.language)
                handle = self._take_idle()
                if handle is None:
                    handle = WorkerHandle(self._context, spec)
                    handle.start()
                else:
                    handle.assign(spec)
            except Exception as exc:  # e.g. the disk is full or no process can be started
                with i18n.using(job.language):
                    self._finish(job_id, "failed", could_not_start(exc))
                continue
            self._running[job_id] = handle
            self._jobs[job_id] = replace(job, state="running", started=time.time(), run_dir=run_dir,
                                         progress=Progress(state="starting", epochs=config.epochs))

    def _take_idle(self) -> WarmWorker | None:
        """A live warm worker, ready ones first; dead ones are dropped (and replaced later)."""
        now = time.monotonic()
        for worker in self._idle:
            worker.poll()  # reads its "ready"
        alive = [w for w in self._idle if w.alive]
        for worker in self._idle:
            if not worker.alive:
                worker.close()
                self._idle_died = now
        self._idle = sorted(alive, key=lambda w: not w.ready)
        return self._idle.pop(0) if self._idle else None

    def _keep_warm(self) -> None:
        """Start a warm worker for a free slot, or one spare when every slot is busy and jobs
        wait. One warm worker starts up at a time, and while nobody waits none starts beside
        a job that is still starting, so start-ups do not slow a student's job; none for 10 s
        after a worker died while waiting, so a broken installation cannot loop."""
        if not self.warm or time.monotonic() - self._idle_died < 10.0:
            return
        for worker in self._idle:
            worker.poll()  # reads its "ready"
        for worker in [w for w in self._idle if not w.alive]:
            worker.close()
            self._idle.remove(worker)
            self._idle_died = time.monotonic()
            return
        if any(not w.ready for w in self._idle) or len(self._idle) >= max(
                self.max_workers - len(self._running), 1 if self._queue else 0):
            return
        if not self._queue and any(self._jobs[j].progress.state == "starting" for j in self._running):
            return  # nobody waits: let the student's job start up alone
        worker = WarmWorker(self._context, self.threads, self._nice_level(), self.mnist_dir)
        try:
            worker.start()
        except Exception:  # no process can be started now: jobs start cold, try again later
            self._idle_died = time.monotonic()
            raise
        self._idle.append(worker)

    def _nice_level(self) -> int:
        """The nice level a training runs at: `worker_nice` below the server's, at most 19."""
        if not self.worker_nice:
            return 0
        return min(19, os.getpriority(os.PRIO_PROCESS, 0) + self.worker_nice)

    def _reap(self) -> None:
        """Read every worker's news; finish jobs whose worker is gone; enforce the limits."""
        now = time.monotonic()
        self._reap_exiting(now)
        for job_id, handle in list(self._running.items()):
            with i18n.using(self._jobs[job_id].language):  # its messages in its student's words
                self._reap_one(job_id, handle, now)

    def _reap_one(self, job_id: str, handle: WorkerHandle, now: float) -> None:
        """One running job: its news, its end if its worker is gone, its time limit."""
        for kind, payload in handle.poll():
            self._apply(job_id, kind, payload)
        job = self._jobs[job_id]
        if job.state != "running":  # it reported its end: its slot is free while it exits
            del self._running[job_id]
            self._stop_asked.pop(job_id, None)
            self._exiting.append((handle, now))
            return
        if not handle.alive:
            for kind, payload in handle.poll():  # anything sent just before exiting
                self._apply(job_id, kind, payload)
            handle.close()
            del self._running[job_id]
            if self._jobs[job_id].state == "running":
                reason = death_message(handle.exitcode)
                if self._stop_asked.get(job_id, now) < now - self.stop_grace_s:
                    reason = _("The job did not stop within {seconds} s of being asked, so it "
                               "was ended; nothing was saved.").format(
                                   seconds=f"{self.stop_grace_s:g}")
                self._finish(job_id, "failed", reason)
            self._stop_asked.pop(job_id, None)
            return
        if (job.state == "running" and job_id not in self._stop_asked and job.started
                and time.time() - job.started > self.limits.max_job_seconds):
            self._ask_stop(job_id, time_limit_reached(self.limits.max_job_seconds))
        asked = self._stop_asked.get(job_id)
        if asked is not None and now - asked > self.stop_grace_s:
            handle.kill()  # it did not stop in time: the next pass reports it

    def _reap_exiting(self, now: float, grace_s: float = 30.0) -> None:
        """Close workers that have exited since reporting their end; kill any that linger."""
        for handle, since in list(self._exiting):
            if handle.alive and now - since > grace_s:
                handle.kill()
            if not handle.alive:
                handle.close()
                self._exiting.remove((handle, since))

    def _apply(self, job_id: str, kind: str, payload: object) -> None:
        job = self._jobs[job_id]
        if kind == "progress":
            self._jobs[job_id] = replace(job, progress=Progress.from_dict(payload))
        elif kind == "finished":
            run_dir = payload["run_dir"]
            self._finish(job_id, "cancelled" if payload["stopped"] else "done", job.error,
                         progress=Progress.from_dict(payload["progress"]),
                         run_dir=Path(run_dir) if run_dir else None)
        elif kind == "failed":
            self._finish(job_id, "failed", str(payload))

    def _ask_stop(self, job_id: str, reason: str | None) -> None:
        self._running[job_id].cancel()
        self._stop_asked.setdefault(job_id, time.monotonic())
        if reason:
            self._jobs[job_id] = replace(self._jobs[job_id], error=reason)

    def _finish(self, job_id: str, state: str, error: str | None, **changes: object) -> None:
        job = self._jobs[job_id]
        progress = changes.pop("progress", None) or job.progress.replace(state=state)
        self._jobs[job_id] = replace(job, state=state, error=error, finished=time.time(),
                                     queue_position=None, progress=progress, **changes)
        self._specs.pop(job_id, None)
