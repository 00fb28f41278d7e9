"""`python -m cnnlab worker --redis URL`: a training worker for a class on Redis + RQ.

Start one (or several) on this machine or any machine with the project installed and the runs
folder mounted at the same path as on the web server (or give --runs-dir). Each worker
imports TensorFlow and loads MNIST once, warms Keras up on a tiny model, then takes job after
job from the queue in this same process (RQ's SimpleWorker: TensorFlow is not fork-safe, so
nothing is forked after importing it), so a queued training starts at once. One worker trains
one job at a time: start about one worker per two cores.

Ctrl-C or SIGTERM asks the running job to stop and save its last finished epoch, then exits;
a second one exits at once (the job is then reported failed).

Keras' clear_session does not give back everything a model took: a worker grows by about
9 MB per job (bench/bench_class_peak.py --leak-jobs). The growth is the traced graphs of each
`fit` (Keras' one_step_on_data FuncGraph and its ~37 nested ones, ~1,300 graph operations per
job) staying alive after clear_session and a garbage collection (what holds them was not
found; see bench/README.md); it is not tf.data (datasets alone: +0.2 MB a job), nor building
the model (0), nor TensorFlow's function library (removing a job's functions from it leaves the
growth), nor the allocator (the same with MALLOC_ARENA_MAX=2, malloc_trim or jemalloc). So
after --max-jobs jobs (default 20)
the worker replaces itself with a fresh copy of this command (exec, same pid, no fork) between
two jobs, which bounds its memory for a cost of one start-up every so many jobs.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import time
from pathlib import Path

from cnnlab.errors import LabError
from cnnlab.i18n import N_, _

HELP = N_("Run a training worker that takes jobs from the class's Redis queue (see README, Deployment).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--redis", metavar="URL", default=os.environ.get("CNNLAB_REDIS_URL"),
                        help=_("the Redis the web server uses, e.g. redis://10.0.0.5:6379/0 "
                               "(default: $CNNLAB_REDIS_URL)"))
    parser.add_argument("--runs-dir", metavar="DIR",
                        help=_("where runs are saved, if the shared runs folder is mounted at "
                               "another path here than on the web server"))
    parser.add_argument("--threads", type=int,
                        help=_("TensorFlow threads per job (default: all cores; with N workers on "
                               "one machine, cores / N)"))
    parser.add_argument("--nice", type=int, default=0,
                        help=_("train at this nice level (0-19); use 10 on the web server's machine"))
    parser.add_argument("--name", help=_("the worker's name in job records (default: host-pid)"))
    parser.add_argument("--queue", default=None, help=_("the RQ queue name (default: cnnlab-training)"))
    parser.add_argument("--burst", action="store_true", help=_("exit when the queue is empty"))
    parser.add_argument("--max-jobs", type=int, default=20,
                        help=_("start afresh (same process id) after this many jobs, to bound "
                               "memory (default 20; 0: never)"))
    parser.add_argument("--mnist-dir", help=_("a folder with the MNIST files (default: the bundled one)"))


def run(args: argparse.Namespace) -> int:
    """Serve jobs until stopped; exit 2 when Redis is missing or unreachable."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if not args.redis:
        raise LabError(_("give --redis URL (or set CNNLAB_REDIS_URL), e.g. "
                         "redis://127.0.0.1:6379/0"))
    import redis

    from cnnlab.training import redis_job
    from cnnlab.training import redis_keys as keys

    connection = redis.Redis.from_url(args.redis)
    try:
        connection.ping()
    except redis.RedisError as exc:
        raise LabError(_("cannot reach Redis at {url} ({error})").format(url=args.redis,
                                                                         error=exc)) from None
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, min(19, os.getpriority(os.PRIO_PROCESS, 0) + args.nice))
    name = args.name or f"{socket.gethostname()}-{os.getpid()}"
    redis_job.OPTIONS.runs_dir = Path(args.runs_dir) if args.runs_dir else None
    redis_job.OPTIONS.mnist_dir = args.mnist_dir
    redis_job.OPTIONS.name = name
    seconds = warm_up(args.threads, args.mnist_dir)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger(__name__).info("worker %s ready in %.1f s (TensorFlow, MNIST, Keras warmed up)",
                                     name, seconds)
    from rq import Queue

    worker = make_worker([Queue(args.queue or keys.QUEUE, connection=connection)], connection, name)
    worker.work(burst=args.burst, logging_level="WARNING", max_jobs=args.max_jobs or None)
    if worker.shutting_down or args.burst or not args.max_jobs:
        return 0
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ["CNNLAB_REDIS_URL"] = args.redis  # not on the command line: it may hold a password
    os.execv(sys.executable, [sys.executable, "-m", "cnnlab", "worker", *_command_line(args, name)])


def _command_line(args: argparse.Namespace, name: str) -> list[str]:
    """This worker's options as flags again, with its name, for a fresh start of itself."""
    flags = ["--name", name, "--nice", "0", "--max-jobs", str(args.max_jobs)]
    for option in ("runs_dir", "threads", "queue", "mnist_dir"):  # the nice level is inherited
        if getattr(args, option) is not None:
            flags += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    return flags


def warm_up(threads: int | None, mnist_dir: str | None) -> float:
    """Import TensorFlow, set its threads, load MNIST and train a tiny model once; returns seconds."""
    start = time.perf_counter()
    from cnnlab.training import loop
    from cnnlab.training.loop import configure_threads
    from cnnlab.training.mnist import load_mnist

    configure_threads(threads)  # before TensorFlow's first op: later it cannot change
    loop.warm_up(load_mnist(mnist_dir))  # every path of a training, on a tiny model
    return time.perf_counter() - start


def make_worker(queues: list, connection, name: str):
    """RQ's SimpleWorker (jobs run in this process), which on a shutdown request also asks the
    running training to stop and keep its last finished epoch."""
    from rq import SimpleWorker

    from cnnlab.training.redis_job import stop_current

    class TrainingWorker(SimpleWorker):
        shutting_down = False

        def handle_warm_shutdown_request(self) -> None:
            super().handle_warm_shutdown_request()
            self.shutting_down = True
            stop_current(N_("The training machine was shut down, so this job stopped early; the "
                            "last completed epoch was kept."))

    return TrainingWorker(queues, connection=connection, name=name)
