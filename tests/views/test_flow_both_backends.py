"""The whole lesson on both job backends: with a design in the session, train on the Train page
(live chart), let it finish, open the run on Evaluate (its scores shown) and predict an uploaded
MNIST digit with it on Draw. Once with the in-process JobManager, once with Redis + RQ and real
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


@pytest.mark.timeout(300)
def test_design_train_live_evaluate_and_draw(backend):
    runs_dir, kind = backend
    at = open_train(TINY)
    jobs = resources.job_manager()
    assert isinstance(jobs, kind)
    owner = at.session_state["student_id"]
    job_id = start_training(at, 300, 2, 64, "flow")

    # live: once an epoch is in, the page draws the curves
    wait_for(lambda: jobs.status(job_id).progress.epoch_history, timeout=120,
             what="the first epoch", every=0.2)
    at.run()
    assert not at.exception and at.get("plotly_chart")

    wait_for(lambda: not jobs.status(job_id).active, timeout=120, what="the training to end",
             every=0.2)
    at.run()
    job = jobs.status(job_id)
    assert job.state == "done" and len(job.progress.epoch_history) == 2
    (info,) = runs.list_runs(runs_dir, owner)
    assert info.path == job.run_dir and info.name == "flow"
    accuracy = train_view.percent(job.progress.test_accuracy)
    assert any(accuracy in s.value for s in at.success)

    # Evaluate: the run opened from Train, its test accuracy the one training measured
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
