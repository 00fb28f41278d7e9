"""The Train page on the Redis + RQ backend: the same page, its jobs trained by real
`python -m cnnlab worker` processes (tests/redis_fixtures.py): live charts, Stop, the run listed,
and a student whose page is served by another web process finding the same running job."""

from __future__ import annotations

import streamlit as st

from cnnlab.runs import store as runs
from cnnlab.training import page_text as train_view
from cnnlab.training.redis_queue import RedisJobs
from tests.redis_fixtures import wait_for
from tests.views.conftest import TINY, open_train, start_training
from ui import resources


def test_train_live_stop_and_list_on_redis_workers_from_any_web_process(on_redis):
    at = open_train(TINY)
    backend = resources.job_manager()
    assert isinstance(backend, RedisJobs)
    owner = at.session_state["student_id"]
    job_id = start_training(at, 30_000, 20, 32, "on redis")
    wait_for(lambda: backend.status(job_id).progress.epoch_history, timeout=90,
             what="the first epoch on a worker")
    at.run()
    assert at.get("plotly_chart") and f"train_stop_{job_id}" in {b.key for b in at.button}

    # another web process (fresh resources, same lab code in the address) finds the running job
    st.cache_resource.clear()
    other = open_train(TINY, lab=owner)
    assert resources.job_manager() is not backend
    assert "**on redis**" in [m.value for m in other.markdown]
    assert f"train_stop_{job_id}" in {b.key for b in other.button}

    other.button(key=f"train_stop_{job_id}").click().run()  # Stop, from that other process
    assert not other.exception
    wait_for(lambda: not backend.status(job_id).active, timeout=60, what="the job to stop")
    job = backend.status(job_id)
    assert job.state == "cancelled" and job.run_dir is not None
    at.run()
    (info,) = runs.list_runs(on_redis, owner)
    assert info.status == "cancelled" and info.path == job.run_dir
    assert at.dataframe[0].value.to_dict("records") == train_view.run_rows([info])
    assert f"train_eval_{job_id}" in {b.key for b in at.button}
