"""`python -m cnnlab worker`: refuses clearly without a reachable Redis, and starts afresh
after --max-jobs jobs (the rest of the working worker is tested with real jobs in
tests/training/test_redis_queue.py)."""

import psutil

from cnnlab.__main__ import main
from cnnlab.design.spec import Architecture, Dense, Flatten
from cnnlab.runs import store as runs
from cnnlab.training.config import TrainConfig
from cnnlab.training.redis_queue import RedisJobs
from tests.redis_fixtures import Workers, free_port, wait_for

TINY = Architecture((Flatten(), Dense(10, "softmax")))
TINY_JOB = TrainConfig(epochs=1, subset=64, batch_size=32, validation_split=0.0)


def test_worker_needs_a_redis_url(capsys, monkeypatch):
    monkeypatch.delenv("CNNLAB_REDIS_URL", raising=False)
    assert main(["worker"]) == 2
    assert "give --redis URL" in capsys.readouterr().err


def test_worker_says_when_redis_cannot_be_reached(capsys):
    url = f"redis://127.0.0.1:{free_port()}/0"
    assert main(["worker", "--redis", url]) == 2
    assert f"cannot reach Redis at {url}" in capsys.readouterr().err


def test_a_worker_starts_afresh_after_max_jobs_and_serves_on(redis_url, tmp_path):
    """Memory is bounded as the README says: after --max-jobs jobs a real worker replaces itself
    (exec: same pid, a fresh interpreter with a fresh heap) between two jobs, then takes the next
    one. Its own queue, so the session's shared workers never take these jobs."""
    workers = Workers(redis_url, tmp_path / "runs", tmp_path, options=("--max-jobs", "1"),
                      queue="cnnlab-restart-test")
    backend = RedisJobs(redis_url, workers.runs_dir, queue=workers.queue)
    try:
        workers.ensure(["fresh"])
        process = psutil.Process(workers.processes["fresh"].pid)
        assert "--redis" in process.cmdline()  # as started, not yet replaced

        def train(i: int) -> None:
            job_id = backend.submit("restart-student", TINY, TINY_JOB.replace(seed=i), f"job {i}")
            wait_for(lambda: not backend.status(job_id).active, timeout=120, what=f"job {i}",
                     every=0.1)
            assert backend.status(job_id).state == "done"

        train(1)  # its --max-jobs-th: the worker execs itself once RQ has filed the job
        wait_for(lambda: "--redis" not in process.cmdline() and workers.ready(["fresh"]),
                 timeout=180, what="the worker to start afresh and register again", every=0.2)
        assert process.is_running() and process.pid == workers.processes["fresh"].pid
        assert workers.log("fresh").count("ready in") == 2  # TensorFlow and MNIST loaded anew
        train(2)  # and the fresh worker takes the next job
        assert len(runs.list_runs(workers.runs_dir, "restart-student")) == 2
    finally:
        backend.shutdown()
        workers.stop_all()
