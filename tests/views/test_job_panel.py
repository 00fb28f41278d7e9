"""Issue 14 item 7: the Train page's job panel keeps each job's own outcome and says what a
queued job's button does."""

import pytest
import streamlit as st

from cnnlab.training import page_text as train_view
from cnnlab.training.progress import Progress
from tests.views.test_train import START, TINY, FakeBackend, open_train, texts
from ui import resources


@pytest.fixture(autouse=True)
def fake(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    st.cache_resource.clear()
    backend = FakeBackend()
    monkeypatch.setattr(resources, "job_manager", lambda: backend)
    yield backend
    st.cache_resource.clear()


def test_a_finished_jobs_done_stays_when_another_starts_and_a_queued_cancel_says_so(fake):
    at = open_train(TINY)
    at.button(key=START).click().run()
    first = at.session_state["train_job_id"]
    fake.set(first, state="done", queue_position=None, started=1.0, finished=2.0,
             progress=Progress(state="done", test_accuracy=0.9, elapsed_s=3.0))
    at.run()
    done = [s for s in texts(at.success) if s.startswith("Done")]
    assert len(done) == 1

    at.button(key=START).click().run()  # a second job: the first keeps its "Done"
    second = at.session_state["train_job_id"]
    assert second != first
    assert [s for s in texts(at.success) if s.startswith("Done")] == done
    # the queued job's button cancels it; it does not talk of batches
    button = at.button(key=f"train_stop_{second}")
    assert button.label == "Cancel"
    assert not any("current batch" in c for c in texts(at.caption))

    button.click().run()
    fake.set(second, state="cancelled", queue_position=None,
             progress=Progress(state="cancelled"))
    at.run()
    assert [s for s in texts(at.success) if s.startswith("Done")] == done
    warnings = texts(at.warning)
    assert any("never started" in w for w in warnings)
    assert not any("first epoch" in w for w in warnings)


def test_next_in_line_never_claims_a_training_is_running(fake):
    at = open_train(TINY)
    at.button(key=START).click().run()
    job_id = at.session_state["train_job_id"]
    fake.set(job_id, queue_position=1)
    at.run()
    assert texts(at.info) == [train_view.queue_text(1)]
    assert "running training" not in texts(at.info)[0] and "1st" not in texts(at.info)[0]
