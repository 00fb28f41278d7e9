"""One training job inside a `python -m cnnlab worker` process: the function RQ runs for it.

The worker (cnnlab.commands.worker) imports TensorFlow and loads MNIST once, then RQ calls
`run_job(job_id, payload)` for job after job in that same process (a SimpleWorker: no fork,
TensorFlow is not fork-safe). The training steps are the local backend's own
(cnnlab.training.worker.run_job: train, write the run atomically with meta.json last, report);
only the channel differs: its messages land in the job's Redis record instead of a pipe, and
its stop is asked by a watcher thread that

- refreshes the job's heartbeat key (its TTL is what lets a web process notice a killed worker),
- polls the job's stop key (the student's Stop),
- stops the job at the per-job time limit (the last completed epoch is kept),
- and stops it if the record is no longer "running" (a web process declared it lost).

After each job the Keras session is cleared and garbage collected, so one student's model,
graph and optimizer state never reach the next job. That does not give back all the memory:
each fit leaves its traced train-step graphs alive (see cnnlab.commands.worker), so the worker
starts afresh every --max-jobs jobs.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnnlab import i18n
from cnnlab.i18n import _
from cnnlab.training import redis_keys as keys
from cnnlab.training.job_messages import could_not_start, time_limit_reached

log = logging.getLogger(__name__)


@dataclass
class WorkerOptions:
    """This worker machine's own settings, set once by `python -m cnnlab worker`."""

    runs_dir: Path | None = None  # None: the web server's runs_dir, mounted at the same path
    mnist_dir: str | None = None
    name: str = ""


OPTIONS = WorkerOptions()
_current: "Watcher | None" = None  # the job this process is training, for a shutdown request


def run_job(job_id: str, payload: dict[str, Any], connection: Any = None) -> str:
    """Train one queued job; every outcome is written to its record, never raised to RQ.

    The job speaks its student's language (`payload["language"]`, taken at Start): a refusal
    or failure is worded here, in the worker, with its numbers in it, so it is translated
    where it is made, like every other message; the record then holds the very text the
    student reads, and the web process never has to parse and re-word a worker's sentence.
    """
    with i18n.using(payload.get("language")):
        return _run_job(job_id, payload, connection)


def _run_job(job_id: str, payload: dict[str, Any], connection: Any) -> str:
    global _current
    if connection is None:
        from rq import get_current_job

        connection = get_current_job().connection
    watcher = Watcher(connection, job_id, payload)
    if not watcher.begin():
        return "skipped: cancelled before it started"
    _current = watcher
    try:
        _train(job_id, payload, watcher)
    except BaseException as exc:  # even a cold shutdown leaves a clear word in the record
        from cnnlab.training.worker import failure_message

        watcher.finish("failed", error=failure_message(exc))
        if not isinstance(exc, Exception):
            raise
    finally:
        watcher.halt()
        _current = None
        forget_keras_state()
    return watcher.outcome


def _train(job_id: str, payload: dict[str, Any], watcher: "Watcher") -> None:
    from cnnlab.design.spec import Architecture
    from cnnlab.runs.store import begin_run
    from cnnlab.training.config import TrainConfig
    from cnnlab.training.worker import JobSpec, run_job as run_one_job

    runs_dir = Path(OPTIONS.runs_dir or payload["runs_dir"])
    arch, config = Architecture.from_dict(payload["design"]), TrainConfig.from_dict(payload["config"])
    try:
        run_dir = begin_run(runs_dir, payload["owner"], arch, config, payload["name"])
    except OSError as exc:
        watcher.finish("failed", error=could_not_start(exc))
        return
    relative = run_dir.relative_to(runs_dir).as_posix()
    watcher.update(run=relative)
    spec = JobSpec(job_id, payload["name"], payload["design"], payload["config"], str(run_dir),
                   threads=0, mnist_dir=OPTIONS.mnist_dir)  # threads: set once at worker start
    run_one_job(spec, Channel(watcher, relative).send, watcher.stop_event.is_set)
    if watcher.outcome == "running":  # run_one_job always reports; this is a safety net
        watcher.finish("failed", error=_("The training ended without a result; train again."))


def stop_current(reason: str) -> None:
    """Ask the job this process is training to stop and save (the worker is shutting down);
    `reason` is an English message marked with N_(), said in the job's language."""
    watcher = _current
    if watcher is not None:
        with i18n.using(watcher.language):
            watcher.ask_stop(_(reason))


def forget_keras_state() -> None:
    """Drop the last job's model, graph and optimizer state before the next job."""
    import sys

    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session()
    gc.collect()


class Channel:
    """Where the job's messages go: the job's Redis record."""

    def __init__(self, watcher: "Watcher", run: str) -> None:
        self.watcher, self.run = watcher, run

    def send(self, kind: str, payload: Any) -> None:
        if kind == "progress":
            if payload.get("state") == "training" and not self.watcher.training_at:
                self.watcher.training_at = time.time()
                self.watcher.update(training_at=self.watcher.training_at)
            self.watcher.update(progress=json.dumps(payload))
        elif kind == "finished":
            self.watcher.finish("cancelled" if payload["stopped"] else "done",
                                progress=json.dumps(payload["progress"]),
                                run=self.run if payload["run_dir"] else "",
                                error=self.watcher.reason)
        elif kind == "failed":
            self.watcher.finish("failed", error=str(payload))


class Watcher:
    """The job's heartbeat, stop poll and time limit, on a thread beside the training."""

    def __init__(self, connection: Any, job_id: str, payload: dict[str, Any]) -> None:
        self.connection, self.job_id = connection, job_id
        self.heartbeat_s = float(payload.get("heartbeat_s", 10.0))
        self.max_job_seconds = float(payload["max_job_seconds"])
        self.language = payload.get("language")  # the student's: the words the watcher writes
        self.keep_s = int(payload.get("keep_s", keys.KEEP_S))
        self.stop_event = threading.Event()
        self.reason: str | None = None  # why the server stopped it (time limit, shutdown)
        self.outcome = "queued"
        self.training_at = 0.0
        self._halt = threading.Event()
        self._update = connection.register_script(keys.UPDATE)
        self._finish = connection.register_script(keys.FINISH)
        self._start = connection.register_script(keys.START)
        self._thread = threading.Thread(target=self._loop, name=f"cnnlab-watch-{job_id}", daemon=True)
        self.started = 0.0

    def begin(self) -> bool:
        """Queued -> running (False if the student cancelled it meanwhile); start the thread."""
        self.started = time.time()
        ok = self._start(keys=[keys.job_key(self.job_id), keys.alive_key(self.job_id)],
                         args=[self.started, int(self.heartbeat_s * 1000),
                               OPTIONS.name or os.uname().nodename, os.getpid()])
        if ok:
            self.outcome = "running"
            self._thread.start()
        return bool(ok)

    def update(self, **fields: Any) -> None:
        """Write fields while the job is running; a lost Redis only costs this one update."""
        try:
            if not self._update(keys=[keys.job_key(self.job_id)], args=keys.flat(fields)):
                self.stop_event.set()  # no longer ours (declared lost): stop training
        except Exception as exc:  # redis.RedisError: keep training, the next update may pass
            log.warning("job %s: could not publish progress (%s)", self.job_id, exc)

    def finish(self, state: str, **fields: Any) -> None:
        """The job's last word; the heartbeat stops first so it cannot outlive the job."""
        self.halt()
        self.outcome = state
        fields = {"state": state, "finished": time.time(), **fields}
        self._finish(keys=[keys.job_key(self.job_id), keys.alive_key(self.job_id),
                           keys.stop_key(self.job_id)], args=[self.keep_s, *keys.flat(fields)])

    def ask_stop(self, reason: str | None) -> None:
        """Stop at the next batch; safe in a signal handler (the watcher thread publishes why)."""
        if reason and self.reason is None:
            self.reason = reason
        self.stop_event.set()

    def halt(self) -> None:
        self._halt.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _loop(self) -> None:
        every = max(0.1, min(1.0, self.heartbeat_s / 3))
        job, alive, stop = (keys.job_key(self.job_id), keys.alive_key(self.job_id),
                            keys.stop_key(self.job_id))
        published = False
        while not self._halt.wait(every):
            try:
                pipe = self.connection.pipeline()
                pipe.set(alive, OPTIONS.name or "1", px=int(self.heartbeat_s * 1000))
                pipe.exists(stop)
                pipe.hget(job, "state")
                _, stop_asked, state = pipe.execute()
            except Exception as exc:  # Redis away for a moment: the heartbeat TTL decides
                log.warning("job %s: heartbeat failed (%s)", self.job_id, exc)
                continue
            if stop_asked or state != b"running":
                self.stop_event.set()
            elif time.time() - self.started > self.max_job_seconds and not self.stop_event.is_set():
                with i18n.using(self.language):  # this thread has its own (empty) context
                    self.ask_stop(time_limit_reached(self.max_job_seconds))
            if self.reason and not published:
                self.update(error=self.reason)  # the student sees why while it stops
                published = True
