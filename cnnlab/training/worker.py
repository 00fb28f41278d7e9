"""One training job in its own process: the child's main function and the parent's handle on it.

A separate process (started with "spawn": TensorFlow is not fork-safe) keeps TensorFlow's
memory and threads out of the web server, survives page reruns and closed tabs, and can be
killed without harming anyone else. The child talks back through its own one-way Pipe; the
parent closes its copy of the sending end, so a child killed mid-message gives the parent an
EOFError on that pipe only, never a hang or a garbled channel shared with other jobs.

Messages (kind, payload): ("progress", Progress.to_dict()), ("finished", {"progress": ...,
"run_dir": str | None, "stopped": bool}) or ("failed", friendly message).

`run_job` is one job, whatever runs it: the cold worker here (`worker_main`), a warm one
(`WarmWorker`: started before any job, it imports TensorFlow, loads MNIST and runs a tiny
training to warm Keras up, then waits for ONE job and exits, so no student's model or state
ever meets another's), or another backend's worker process that supplies its own `send`.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from cnnlab import i18n
from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.training.progress import Progress


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs, as plain picklable data."""

    job_id: str
    name: str
    design: dict[str, Any]  # Architecture.to_dict()
    config: dict[str, Any]  # TrainConfig.to_dict()
    run_dir: str  # created by runs.begin_run before the worker starts
    threads: int  # TensorFlow intra-op threads for this job
    mnist_dir: str | None = None
    nice: int = 0  # the nice level to train at (0: leave it): training yields to the web pages
    language: str = i18n.SOURCE  # the student's, taken at Start (see run_job)


def worker_main(spec: JobSpec, conn: Any, cancel: Any) -> None:
    """The cold child process: start up, run the one job, report; never raise."""
    _settle_process(spec.nice)
    try:
        run_job(spec, _sender(conn), cancel.is_set)
    finally:
        conn.close()


def run_job(spec: JobSpec, send: Callable[[str, Any], None], should_stop: Callable[[], bool],
            data: Any = None) -> None:
    """Train one job, save its run (meta.json last) and report through `send(kind, payload)`;
    never raises. `should_stop()` is polled between executions; `data` is a loaded Mnist
    (None: load it from spec.mnist_dir). Every backend's worker calls this.

    It runs in the student's language (`spec.language`): a refusal such as the trainability
    check, or why a training crashed, is worded here with its numbers, so it is translated
    where it is made, like every other message, and reaches the page as the finished sentence.
    Translating it where it is shown instead would need the page to parse the worker's English.
    """
    with i18n.using(spec.language):
        _run_job(spec, send, should_stop, data)


def _run_job(spec: JobSpec, send: Callable[[str, Any], None], should_stop: Callable[[], bool],
             data: Any) -> None:
    try:
        from cnnlab.training.config import TrainConfig
        from cnnlab.training.mnist import load_mnist
        from cnnlab.runs.store import delete_run, write_run
        from cnnlab.design.spec import Architecture
        from cnnlab.training.loop import train

        arch = Architecture.from_dict(spec.design)
        config = TrainConfig.from_dict(spec.config)
        send("progress", Progress(state="starting", epochs=config.epochs).to_dict())
        if data is None:
            data = load_mnist(spec.mnist_dir)
        result = train(arch, config, data, on_progress=lambda p: send("progress", p.to_dict()),
                       should_stop=should_stop, threads=spec.threads)
        run_dir: str | None = spec.run_dir
        if result.has_model:
            send("progress", result.progress.replace(state="saving").to_dict())
            write_run(Path(spec.run_dir), arch, config, result, spec.name)
        else:
            delete_run(Path(spec.run_dir))  # stopped before epoch 1: nothing worth listing
            run_dir = None
        send("finished", {"progress": result.progress.to_dict(), "run_dir": run_dir,
                          "stopped": result.stopped})
    except LabError as err:
        send("failed", err.message)
    except BaseException as exc:  # the parent must always hear why, in words
        traceback.print_exc(file=sys.stderr)
        send("failed", failure_message(exc))


def _sender(conn: Any) -> Callable[[str, Any], None]:
    """send(kind, payload) as one whole message on the pipe (blocks only while it is full)."""
    return lambda kind, payload: conn.send((kind, payload))


def _settle_process(nice: int) -> None:
    """Quiet TensorFlow and take the nice level before TensorFlow starts its threads."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if nice > os.getpriority(os.PRIO_PROCESS, 0):  # the parent usually did it already
        os.setpriority(os.PRIO_PROCESS, 0, nice)


def warm_worker_main(jobs: Any, conn: Any, cancel: Any, threads: int, nice: int,
                     mnist_dir: str | None) -> None:
    """A pre-started child: get ready (TensorFlow, MNIST, Keras warmed up), say "ready", then
    wait for one JobSpec on `jobs`, run it and exit. A closed `jobs` pipe means: not needed."""
    _settle_process(nice)
    data = None
    try:
        from cnnlab.training.mnist import load_mnist
        from cnnlab.training.loop import configure_threads, warm_up

        configure_threads(threads)
        data = load_mnist(mnist_dir)
        if not jobs.poll():  # a job already waiting is served first; its training warms up
            warm_up(data)
        conn.send(("ready", os.getpid()))
    except BaseException:  # the job will fail with its own message if this one persists
        traceback.print_exc(file=sys.stderr)
    try:
        spec = jobs.recv()
    except (EOFError, OSError):
        conn.close()
        return
    try:
        run_job(spec, _sender(conn), cancel.is_set, data)
    finally:
        conn.close()
        sys.stderr.flush()
        os._exit(0)  # the run is saved and reported: skip seconds of TensorFlow teardown


def failure_message(exc: BaseException) -> str:
    """A student-facing reason for a crashed training."""
    if isinstance(exc, MemoryError) or type(exc).__name__ == "ResourceExhaustedError":
        return _("Training ran out of memory. Use a smaller batch size, or fewer filters or units.")
    # The exception's class and text are Keras internals (printed to the server log for the
    # teacher); the student gets a sentence about their design.
    return _("Training stopped: Keras could not run your design on the MNIST images. Check on "
            "the Design page that it takes a 28 × 28 × 1 input and ends with Dense(10) and "
            "softmax, then start again; if it keeps failing, tell your teacher.")


def death_message(exitcode: int | None) -> str:
    """Why a worker vanished without a word, e.g. killed by the system for using too much memory."""
    how = (_("killed by signal {n}").format(n=-exitcode) if exitcode is not None and exitcode < 0
           else _("exit code {n}").format(n=exitcode))
    return _("The training process stopped unexpectedly ({how}); it may have run out of memory. "
             "Nothing was saved. Try a smaller model or batch size.").format(how=how)


class WorkerHandle:
    """The manager's side of one worker: start it, read its messages, ask it to stop, kill it."""

    def __init__(self, context: Any, spec: JobSpec) -> None:
        self.spec = spec
        self._recv, self._send = context.Pipe(duplex=False)
        self.cancel_event = context.Event()
        self.process = context.Process(target=worker_main, args=(spec, self._send, self.cancel_event),
                                       name=f"cnnlab-job-{spec.job_id}", daemon=True)

    def start(self) -> None:
        self.process.start()
        nice = self._renice_level()
        if nice:  # at once: the child's own start-up imports then run niced too
            try:
                os.setpriority(os.PRIO_PROCESS, self.process.pid, nice)
            except OSError:  # already gone; the reaper will tell
                pass
        self._send.close()  # only the child may write now, so its death means EOF here

    def _renice_level(self) -> int:
        return self.spec.nice

    def poll(self) -> list[tuple[str, Any]]:
        """Every message that has arrived, oldest first; waits only for the rest of a message."""
        out = []
        try:
            while self._recv.poll():
                out.append(self._recv.recv())
        except (EOFError, OSError, pickle.UnpicklingError):  # the child is gone (perhaps killed mid-message)
            pass
        return out

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    @property
    def exitcode(self) -> int | None:
        return self.process.exitcode

    def kill(self, wait_s: float = 5.0) -> None:
        """Terminate, then kill if it does not go."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(wait_s)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(wait_s)

    def close(self) -> None:
        self._recv.close()


class WarmWorker(WorkerHandle):
    """A worker started before any job is given to it (see warm_worker_main): `assign` hands it
    its one job; until then it is named cnnlab-warm and its "ready" message is kept here."""

    def __init__(self, context: Any, threads: int, nice: int = 0, mnist_dir: str | None = None
                 ) -> None:
        self.spec = None
        self.nice, self.ready = nice, False
        self._recv, self._send = context.Pipe(duplex=False)
        self._jobs_recv, self._jobs = context.Pipe(duplex=False)
        self.cancel_event = context.Event()
        self.process = context.Process(
            target=warm_worker_main, name="cnnlab-warm",
            args=(self._jobs_recv, self._send, self.cancel_event, threads, nice, mnist_dir),
            daemon=True)

    def start(self) -> None:
        super().start()
        self._jobs_recv.close()

    def _renice_level(self) -> int:
        return self.nice

    def assign(self, spec: JobSpec) -> None:
        """Give this worker its one job (it starts it as soon as it is ready)."""
        self.spec = spec
        self.process.name = f"cnnlab-job-{spec.job_id}"
        self._jobs.send(spec)
        self._jobs.close()

    def poll(self) -> list[tuple[str, Any]]:
        out = []
        for kind, payload in super().poll():
            if kind == "ready":
                self.ready = True
            else:
                out.append((kind, payload))
        return out

    def close(self) -> None:
        super().close()
        if not self._jobs.closed:
            self._jobs.close()
