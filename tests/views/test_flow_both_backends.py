"""The whole lesson on both job backends: with a design in the session, train on the Train page
(live chart), press Stop mid-way (the run is kept with its last finished epoch and shown as
stopped), open that run on Evaluate (its scores shown) and predict an uploaded MNIST digit with
it on Draw. Once with the in-process JobManager, once with Redis + RQ and real
`python -m cnnlab worker` processes (tests/redis_fixtures.py), so the issue's "the same flow
passes on both backends" is one test, not two that drift apart."""

from __future__ import annotations

import pytest

from cnnlab.drawing.predict import predict_probabilities, top_k
from cnnlab.drawing.preprocess import preprocess_digit
from cnnlab.drawing.uploads import read_upload
from cnnlab.evaluation import page_text as evaluate_view
from cnnlab.runs import store as runs
from cnnlab.runs.model_file import load_model
from cnnlab.training import page_text as train_view
from cnnlab.training.queue import JobManager
from cnnlab.training.redis_queue import RedisJobs
from tests.redis_fixtures import wait_for
from tests.views.conftest import TINY, open_train, start_training
from tests.views.test_draw import metrics, mnist_png, upload
from tests.views.test_evaluate import metrics_shown
from ui import resources


@pytest.fixture(params=["local", "redis"])
def backend(request, tmp_path, monkeypatch):
    """(the runs folder, the JobBackend class the app must be using), for each backend."""
    monkeypatch.setenv("CNNLAB_DEFAULT_MODEL_DIR", str(tmp_path / "no_default_model"))
    if request.param == "local":
        return request.getfixturevalue("local_jobs"), JobManager
    return request.getfixturevalue("on_redis"), RedisJobs


EPOCHS = 30  # the most a student may ask for: Stop always lands before the end


@pytest.mark.timeout(300)
def test_design_train_live_stop_evaluate_and_draw(backend):
    runs_dir, kind = backend
    at = open_train(TINY)
    jobs = resources.job_manager()
    assert isinstance(jobs, kind)
    owner = at.session_state["student_id"]
    job_id = start_training(at, 30_000, EPOCHS, 32, "flow")  # far longer than the test waits

    # live: once an epoch is in, the page draws the curves, and offers Stop
    wait_for(lambda: jobs.status(job_id).progress.epoch_history, timeout=120,
             what="the first epoch", every=0.2)
    at.run()
    assert not at.exception and at.get("plotly_chart")

    # Stop mid-way: the job ends "stopped", keeping the epochs it finished
    at.button(key=f"train_stop_{job_id}").click().run()
    assert not at.exception and not at.error
    wait_for(lambda: not jobs.status(job_id).active, timeout=120, what="the training to stop",
             every=0.2)
    at.run()
    job = jobs.status(job_id)
    kept = len(job.progress.epoch_history)
    assert job.state == "cancelled" and 1 <= kept < EPOCHS, (job.state, kept)
    (info,) = runs.list_runs(runs_dir, owner)
    assert info.path == job.run_dir and info.name == "flow"
    assert info.status == "cancelled" and info.epochs_completed == kept
    assert (info.path / "model.keras").exists()
    accuracy = train_view.percent(job.progress.test_accuracy)
    headline = next(w.value for w in at.warning if accuracy in w.value)
    assert headline.startswith("Stopped")  # said so, with the kept model's test accuracy
    assert f"train_stop_{job_id}" not in {b.key for b in at.button}
    rows = at.dataframe[0].value.to_dict("records")
    assert rows == train_view.run_rows([info]) and rows[0]["Status"] == "stopped early"

    # Evaluate: the stopped run opened from Train, its test accuracy the one training measured
    at.button(key=f"train_eval_{job_id}").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="evaluate_run").value == str(info.path)
    shown = metrics_shown(at)
    assert shown["Test accuracy"] == evaluate_view.percent(info.test_accuracy)
    assert shown["Mistakes"].endswith("of 10,000")

    # Draw: the same run predicts an uploaded MNIST digit as the model itself does
    at.switch_page("views/draw.py")
    data = mnist_png(0)
    upload(at, "seven.png", data)
    assert not at.exception and not at.error
    assert at.selectbox(key="draw_model").value == str(info.path)
    probs = predict_probabilities(load_model(info.path / "model.keras"),
                                  preprocess_digit(read_upload(data, "seven.png")).model_input)
    shown = metrics(at)
    for rank, (digit, p) in zip(("1st", "2nd", "3rd"), top_k(probs, 3)):
        assert shown[f"{rank} choice"] == (str(digit), f"{p:.1%}")
