"""A Redis job carries its student's language from the web process to the worker: what the
worker writes into the job's record (a failure, the time limit) is what a Chinese page shows.
A private redis-server; the job function is run in this process, as RQ's worker would."""

from __future__ import annotations

from cnnlab import i18n
from cnnlab.design.spec import Architecture, Dense, Flatten
from cnnlab.training import redis_job
from cnnlab.training.config import TrainConfig
from cnnlab.training.redis_queue import RedisJobs

DENSE = Architecture((Flatten(), Dense(10, "softmax")))


def test_the_worker_words_a_failure_in_the_language_the_job_was_started_in(redis_url, tmp_path):
    web = RedisJobs(redis_url, tmp_path, queue="cnnlab-language-test")  # no worker takes it
    try:
        with i18n.using("zh"):
            job_id = web.submit("ann", DENSE, TrainConfig(epochs=1, subset=100))
        [job] = web.queue.jobs
        _job_id, payload = job.args
        assert payload["language"] == "zh"
        web.queue.remove(job_id)
        broken = {**payload, "design": {"layers": "not a list"}}  # the worker cannot read it
        outcome = redis_job.run_job(job_id, broken, web.connection)
        assert outcome == "failed" and i18n.language() == "en"  # the worker's own stays English
        status = web.status(job_id)
        assert status.state == "failed"
        assert status.error.startswith("训练停止了：Keras 无法在 MNIST 图像上运行你的设计。")
    finally:
        web.shutdown()
