"""One training job in its own process: the child's main function and the parent's handle on it.

A separate process (started with "spawn": TensorFlow is not fork-safe) keeps TensorFlow's
memory and threads out of the web server, survives page reruns and closed tabs, and can be
killed without harming anyone else. The child talks back through its own one-way Pipe; the
parent closes its copy of the sending end, so a child killed mid-message gives the parent an
EOFError on that pipe only, never a hang or a garbled channel shared with other jobs.

Messages (kind, payload): ("progress", Progress.to_dict()), ("finished", {"progress": ...,
"run_dir": str | None, "stopped": bool}) or ("failed", friendly message).
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnnlab.errors import LabError
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


def worker_main(spec: JobSpec, conn: Any, cancel: Any) -> None:
    """The child process: train, save the run (meta.json last), report; never raise."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if spec.nice > os.getpriority(os.PRIO_PROCESS, 0):  # the parent usually did it already
        os.setpriority(os.PRIO_PROCESS, 0, spec.nice)  # before TensorFlow starts its threads

    def send(kind: str, payload: Any) -> None:
        conn.send((kind, payload))  # whole messages; blocks only while the parent's pipe is full

    try:
        from cnnlab.training.config import TrainConfig
        from cnnlab.training.mnist import load_mnist
        from cnnlab.runs.store import delete_run, write_run
        from cnnlab.design.spec import Architecture
        from cnnlab.training.loop import train

        arch = Architecture.from_dict(spec.design)
        config = TrainConfig.from_dict(spec.config)
        send("progress", Progress(state="starting", epochs=config.epochs).to_dict())
        data = load_mnist(spec.mnist_dir)
        result = train(arch, config, data, on_progress=lambda p: send("progress", p.to_dict()),
                       should_stop=cancel.is_set, threads=spec.threads)
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
    finally:
        conn.close()


def failure_message(exc: BaseException) -> str:
    """A student-facing reason for a crashed training."""
    if isinstance(exc, MemoryError) or type(exc).__name__ == "ResourceExhaustedError":
        return ("Training ran out of memory. Use a smaller batch size, or fewer filters or units.")
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return f"Training failed ({type(exc).__name__}: {first}). Try again; if it keeps failing, tell your teacher."


def death_message(exitcode: int | None) -> str:
    """Why a worker vanished without a word, e.g. killed by the system for using too much memory."""
    how = f"killed by signal {-exitcode}" if exitcode is not None and exitcode < 0 else \
        f"exit code {exitcode}"
    return (f"The training process stopped unexpectedly ({how}); it may have run out of memory. "
            "Nothing was saved. Try a smaller model or batch size.")


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
        if self.spec.nice:  # at once: the child's own start-up imports then run niced too
            try:
                os.setpriority(os.PRIO_PROCESS, self.process.pid, self.spec.nice)
            except OSError:  # already gone; the reaper will tell
                pass
        self._send.close()  # only the child may write now, so its death means EOF here

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
