"""The Redis + RQ backend with the real parts: a private redis-server, `python -m cnnlab worker`
processes, and two RedisJobs instances standing for two web processes of one class.

The two workers are shared by the whole session (each imports TensorFlow once); the test that
stops both runs last in this file (the next test that needs workers starts them again).
"""

from __future__ import annotations

import json
import os
import signal

import pytest

from cnnlab.classroom.limits import Limits
from cnnlab.design.spec import Architecture
from cnnlab.errors import LabError
from cnnlab.runs import store as runs
from cnnlab.training import redis_keys as keys
from cnnlab.training.config import TrainConfig
from cnnlab.training.redis_queue import LOST_MESSAGE, RedisJobs
from tests.redis_fixtures import free_port, wait_for

DENSE = Architecture.from_dict({"layers": [{"type": "Flatten"},
                                           {"type": "Dense", "units": 10, "activation": "softmax"}]})
CONV = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 8, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling2D", "pool_size": 2},
    {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}]})
QUICK = TrainConfig(epochs=1, subset=100, batch_size=50, validation_split=0.0)
# Minutes of training on any machine (2,000 images once lasted under the 4 s time limit), so
# a test always meets it running; every test that starts one stops it.
LONG = TrainConfig(epochs=30, subset=30_000, batch_size=32, validation_split=0.0)


@pytest.fixture()
def web(redis_url, tmp_path):
    """Make web processes' backends on the private Redis; disconnected after the test."""
    made = []

    def make(runs_dir=tmp_path, limits=Limits(), **kwargs):
        backend = RedisJobs(redis_url, runs_dir, limits, heartbeat_s=1.5, **kwargs)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.shutdown()


def record(backend: RedisJobs, job_id: str) -> dict[str, str]:
    raw = backend.connection.hgetall(keys.job_key(job_id))
    return {k.decode(): v.decode() for k, v in raw.items()}


def test_positions_caps_and_cancel_are_shared_by_two_web_processes(web):
    # no worker listens on this queue: everything stays queued
    a_web = web(limits=Limits(max_queue=3, max_epochs=5), queue="cnnlab-idle")
    b_web = web(limits=Limits(max_queue=3, max_epochs=5), queue="cnnlab-idle")
    a = a_web.submit("ann", DENSE, QUICK, "a")
    b = b_web.submit("bob", DENSE, QUICK, "b")
    c = a_web.submit("cat", DENSE, QUICK, "c")
    assert [b_web.status(j).queue_position for j in (a, b, c)] == [1, 2, 3]
    assert [j.state for j in (a_web.status(a), b_web.status(c))] == ["queued", "queued"]
    with pytest.raises(LabError, match="max_queue = 3"):
        b_web.submit("dan", DENSE, QUICK)
    with pytest.raises(LabError, match="max_epochs"):
        a_web.submit("eve", DENSE, QUICK.replace(epochs=6))
    with pytest.raises(LabError, match="workspace id"):
        a_web.submit("../eve", DENSE, QUICK)
    # isolation: a student sees and cancels only their own jobs, from either process
    assert [j.name for j in b_web.jobs("cat")] == ["c"] and b_web.jobs("nobody") == []
    assert not b_web.cancel(b, "cat")
    assert a_web.cancel(b, "bob") and not b_web.cancel(b, "bob")
    assert b_web.status(b).state == "cancelled" and b_web.status(b).progress.state == "cancelled"
    assert [a_web.status(j).queue_position for j in (a, c)] == [1, 2]
    # the per-student cap counts the jobs submitted through every process
    d = b_web.submit("cat", DENSE, QUICK, "d")
    with pytest.raises(LabError, match="max_jobs_per_student = 2"):
        a_web.submit("cat", DENSE, QUICK)
    assert [j.job_id for j in a_web.jobs("cat")] == [c, d]


def test_an_unreachable_redis_is_a_message_not_a_trace(tmp_path):
    backend = RedisJobs(f"redis://127.0.0.1:{free_port()}/0", tmp_path)
    with pytest.raises(LabError, match=r"training queue \(Redis\) cannot be reached"):
        backend.jobs("ann")
    with pytest.raises(LabError, match="cannot be reached"):
        backend.submit("ann", DENSE, QUICK)
    # a design that cannot train is refused first, in the local queue's words (issue 14.2)
    seven = Architecture.from_dict({"layers": [{"type": "Flatten"},
                                               {"type": "Dense", "units": 7, "activation": "relu"}]})
    with pytest.raises(LabError, match="The last layer gives 7 values, but MNIST has 10 classes"):
        backend.submit("ann", seven, QUICK)


def test_two_workers_share_the_queue_live_progress_and_runs_reach_another_process(web, rq_workers):
    a_web, b_web = web(rq_workers.runs_dir), web(rq_workers.runs_dir)
    config = TrainConfig(epochs=2, subset=1500, batch_size=32, validation_split=0.1)
    first = a_web.submit("ann", CONV, config, "first")
    second = a_web.submit("bob", CONV, config, "second")
    wait_for(lambda: all(b_web.status(j).state == "running" for j in (first, second)),
             timeout=60, what="both jobs to start on the two workers")
    third = a_web.submit("cat", DENSE, QUICK, "third")  # both workers busy: it waits, first in line
    seen_third = b_web.status(third)
    live = wait_for(lambda: (lambda p: p if p.state == "training" and p.batch_history else None)(
        b_web.status(first).progress), timeout=60, what="live per-batch progress")
    assert live.batches_per_epoch == 43 and 0 < live.fraction <= 1
    for job_id in (first, second, third):
        wait_for(lambda: not b_web.status(job_id).active, timeout=90, what="the jobs to finish")
    assert seen_third.state == "queued" and seen_third.queue_position == 1
    assert {record(a_web, j)["worker"] for j in (first, second)} == {"w1", "w2"}
    for job_id, owner in ((first, "ann"), (second, "bob"), (third, "cat")):
        job = a_web.status(job_id)
        assert job.state == "done" and job.error is None, job
        assert len(job.progress.epoch_history) == job.epochs
        (info,) = runs.list_runs(rq_workers.runs_dir, owner)  # the shared runs folder
        assert info.status == "complete" and info.path == job.run_dir
        assert info.test_accuracy == pytest.approx(job.progress.test_accuracy)
    history = json.loads((a_web.status(first).run_dir / "history.json").read_text())
    assert len(history["epochs"]) == 2


def test_stop_keeps_the_last_epoch_and_the_time_limit_stops_a_job(web, rq_workers):
    student = web(rq_workers.runs_dir)
    limited = web(rq_workers.runs_dir, limits=Limits(max_job_seconds=4))
    stopped = student.submit("stu", CONV, LONG, "stopped")
    timed = limited.submit("tim", CONV, LONG, "timed")
    wait_for(lambda: student.status(stopped).progress.epoch_history, timeout=90,
             what="the first epoch to finish")
    assert student.cancel(stopped, "stu")
    for job_id in (stopped, timed):
        wait_for(lambda: not student.status(job_id).active, timeout=90, what="both jobs to stop")
    job = student.status(stopped)
    assert job.state == "cancelled" and job.error is None
    meta = json.loads((job.run_dir / "meta.json").read_text())
    assert meta["status"] == "cancelled" and 1 <= meta["epochs_completed"] < LONG.epochs
    assert job.progress.message.startswith(f"Stopped after {meta['epochs_completed']} of 30")
    job = student.status(timed)
    assert job.state == "cancelled" and "max_job_seconds" in job.error
    assert job.finished - job.started < 4 + 30  # stopped at the next batch, then evaluated
    [info] = runs.list_runs(rq_workers.runs_dir, "tim") or [None]
    assert info is None or info.status == "cancelled"  # kept only if an epoch had finished


def test_a_killed_worker_fails_its_job_soon_and_a_stopped_one_saves_its_last_epoch(web, rq_workers):
    backend = web(rq_workers.runs_dir)
    doomed = backend.submit("kim", CONV, LONG, "doomed")
    wait_for(lambda: backend.status(doomed).progress.state == "training", timeout=60,
             what="the job to train")
    rec = record(backend, doomed)
    victim = rq_workers.processes[rec["worker"]]
    assert victim.pid == int(rec["pid"])
    os.kill(victim.pid, signal.SIGKILL)  # as the out-of-memory killer or a lost machine would
    job = wait_for(lambda: (lambda j: j if not j.active else None)(backend.status(doomed)),
                   timeout=20, what="the job to be declared lost")
    assert job.state == "failed" and job.error == LOST_MESSAGE
    (info,) = runs.list_runs(rq_workers.runs_dir, "kim")  # never a half-written run on show
    assert info.status == "interrupted" and not (info.path / "meta.json").exists()

    # the other worker takes the next job; stopped like `systemctl stop`, it saves and exits
    after = backend.submit("sam", CONV, LONG, "shut down")
    wait_for(lambda: backend.status(after).progress.epoch_history, timeout=90,
             what="the first epoch on the other worker")
    rec_after = record(backend, after)
    assert rec_after["worker"] != rec["worker"]
    survivor = rq_workers.processes[rec_after["worker"]]
    survivor.send_signal(signal.SIGTERM)
    assert survivor.wait(60) == 0
    job = backend.status(after)
    assert job.state == "cancelled" and "shut down" in job.error
    assert json.loads((job.run_dir / "meta.json").read_text())["epochs_completed"] >= 1
