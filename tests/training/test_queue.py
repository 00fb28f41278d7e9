"""The job manager with real worker processes: FIFO order, caps, isolation, cancel, timeouts, deaths.

Each worker process spends a few seconds importing TensorFlow, so these tests share managers
and keep the number of jobs small.
"""

import multiprocessing
import os
import signal
import time

import psutil
import pytest

from cnnlab.runs import store as runs
from cnnlab.errors import LabError
from cnnlab.training.config import TrainConfig
from cnnlab.training.queue import JobManager
from cnnlab.classroom.limits import Limits
from cnnlab.design.spec import Architecture

ARCH = Architecture.from_dict({"layers": [{"type": "Flatten"},
                                          {"type": "Dense", "units": 10, "activation": "softmax"}]})
QUICK = TrainConfig(epochs=1, subset=100, batch_size=50, validation_split=0.0)
CONV = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 16, "kernel_size": 3, "activation": "relu"},
    {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}]})
# Minutes of training on any machine, so a test always meets it running; every test that
# starts one stops it (cancel, kill or shutdown). Its first epoch takes a few seconds.
LONG = TrainConfig(epochs=30, subset=30_000, batch_size=16, validation_split=0.0)


def wait_for(predicate, timeout=120.0, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def worker_pid(job_id):
    [child] = [p for p in multiprocessing.active_children() if p.name == f"cnnlab-job-{job_id}"]
    return child.pid


@pytest.fixture()
def manager_factory(tmp_path):
    made = []

    def make(**kwargs):
        manager = JobManager(tmp_path, **kwargs)
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.shutdown(timeout_s=5)


def test_fifo_queue_positions_caps_and_owner_isolation(manager_factory, tmp_path):
    jm = manager_factory(max_workers=1, limits=Limits(max_queue=3, max_epochs=5))
    a = jm.submit("ann", ARCH, QUICK, "a")
    wait_for(lambda: jm.status(a).state != "queued", what="the first job to start")
    b = jm.submit("bob", ARCH, QUICK, "b")
    c = jm.submit("cat", ARCH, QUICK, "c")
    d = jm.submit("cat", ARCH, QUICK, "d")
    assert [jm.status(j).queue_position for j in (a, b, c, d)] == [None, 1, 2, 3]
    # caps, each naming itself
    with pytest.raises(LabError, match="max_jobs_per_student = 2"):
        jm.submit("cat", ARCH, QUICK)
    with pytest.raises(LabError, match="max_queue = 3"):
        jm.submit("dan", ARCH, QUICK)
    with pytest.raises(LabError, match="max_epochs"):
        jm.submit("eve", ARCH, QUICK.replace(epochs=6))
    with pytest.raises(LabError, match="workspace id"):
        jm.submit("../eve", ARCH, QUICK)
    # isolation: a student sees and cancels only their own jobs
    assert [j.name for j in jm.jobs("cat")] == ["c", "d"]
    assert jm.jobs("nobody") == []
    assert jm.cancel(c, "ann") is False and jm.status(c).state == "queued"
    assert jm.cancel(c, "cat") is True
    assert jm.status(c).state == "cancelled" and jm.status(d).queue_position == 2
    wait_for(lambda: all(jm.status(j).state == "done" for j in (a, b, d)), what="all jobs")
    started = [jm.status(j).started for j in (a, b, d)]
    assert started == sorted(started)  # first in, first out
    for job_id, owner in ((a, "ann"), (b, "bob"), (d, "cat")):
        status = jm.status(job_id)
        assert status.run_dir.parent == tmp_path / owner and status.error is None
        assert status.progress.test_accuracy is not None
        [info] = runs.list_runs(tmp_path, owner)
        assert info.status == "complete" and info.path == status.run_dir
    assert jm.cancel(a, "ann") is False  # already over
    with pytest.raises(LabError, match="no such training job"):
        jm.status("nope")


def test_cancel_a_running_job_keeps_its_last_completed_epoch(manager_factory, tmp_path):
    jm = manager_factory(max_workers=1, worker_nice=5)
    job = jm.submit("ann", CONV, LONG, "long")
    wait_for(lambda: len(jm.status(job).progress.epoch_history) >= 1, what="the first epoch")
    assert jm.status(job).state == "running" and jm.status(job).progress.epoch >= 1
    # the worker yields the CPU to the web server: 5 steps nicer than this process
    assert psutil.Process(worker_pid(job)).nice() == min(19, os.nice(0) + 5)
    assert jm.cancel(job, "ann")
    status = wait_for(lambda: (s := jm.status(job)).state != "running" and s, what="the stop")
    assert status.state == "cancelled" and status.error is None
    run = runs.load_run(status.run_dir)
    assert run.meta["status"] == "cancelled"
    assert 1 <= run.meta["epochs_completed"] < LONG.epochs
    assert len(run.history["epochs"]) == run.meta["epochs_completed"]
    assert runs.list_runs(tmp_path, "ann")[0].status == "cancelled"


def test_time_limit_stops_a_job_with_a_message(manager_factory, tmp_path):
    jm = manager_factory(max_workers=1, limits=Limits(max_job_seconds=1))
    job = jm.submit("ann", CONV, LONG)
    status = wait_for(lambda: (s := jm.status(job)).state not in ("queued", "running") and s,
                      what="the time limit")
    assert status.state == "cancelled" and "max_job_seconds" in status.error
    # Importing TensorFlow alone takes about a second, so usually no epoch finished and nothing
    # was kept; a fast machine may have kept one cancelled epoch.
    listed = runs.list_runs(tmp_path, "ann")
    if status.run_dir is None:
        assert listed == []
    else:
        assert [r.status for r in listed] == ["cancelled"]


def test_a_killed_worker_fails_kindly_and_its_run_lists_as_interrupted(manager_factory, tmp_path):
    jm = manager_factory(max_workers=1)
    doomed = jm.submit("ann", CONV, LONG, "doomed")
    queued = jm.submit("bob", CONV, LONG, "next")
    wait_for(lambda: jm.status(doomed).progress.state == "training", what="training to start")
    os.kill(worker_pid(doomed), signal.SIGKILL)
    status = wait_for(lambda: (s := jm.status(doomed)).state != "running" and s, what="the death")
    assert status.state == "failed" and "stopped unexpectedly" in status.error
    [info] = runs.list_runs(tmp_path, "ann")
    assert info.status == "interrupted" and info.path == status.run_dir
    with pytest.raises(LabError, match="incomplete"):
        runs.load_run(status.run_dir)
    # the queue moves on, and shutdown ends what is left
    wait_for(lambda: jm.status(queued).state == "running", what="the next job")
    jm.shutdown(timeout_s=0.5)
    assert jm.status(queued).state in ("interrupted", "cancelled")
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("cnnlab-job-")]


def test_warm_workers_take_the_jobs_one_process_each(manager_factory, tmp_path):
    jm = manager_factory(max_workers=1)

    def ready_worker(other=None):
        with jm._lock:
            for worker in jm._idle:
                worker.poll()
            return next((w for w in jm._idle if w.ready and w is not other), None)

    warm = wait_for(ready_worker, what="a warm worker (TensorFlow imported, MNIST loaded)")
    assert warm.process.name == "cnnlab-warm"
    first = jm.submit("ann", CONV, LONG, "first")
    wait_for(lambda: jm.status(first).progress.state == "training", what="training to start")
    assert worker_pid(first) == warm.process.pid  # the pre-started process runs the job
    # a job waits: one spare starts in a fresh process, ready for the next free slot
    second = jm.submit("bob", CONV, LONG, "second")
    spare = wait_for(lambda: ready_worker(other=warm), what="a spare warm worker")
    assert jm.status(second).queue_position == 1
    assert jm.cancel(first, "ann")
    wait_for(lambda: jm.status(second).progress.state == "training", what="the second job")
    assert worker_pid(second) == spare.process.pid != warm.process.pid  # never shared
    wait_for(lambda: not warm.alive, what="the used worker to exit")
    assert len([p for p in multiprocessing.active_children()
                if p.name.startswith(("cnnlab-job-", "cnnlab-warm"))]) <= jm.max_workers + 1
    assert jm.cancel(second, "bob")
