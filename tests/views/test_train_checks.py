"""Issue 14 item 2 on the Train page: a design that cannot train says why, and Start waits."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab.design.spec import Architecture, Dense, Flatten
from cnnlab.training.trainability import trainability_problem
from ui import resources

APP = str(Path(__file__).resolve().parents[2] / "app.py")
START = "FormSubmitter:train_form-Start training"


@pytest.fixture(autouse=True)
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("CNNLAB_MAX_WORKERS", "1")
    st.cache_resource.clear()
    yield
    resources.job_manager().shutdown(timeout_s=30)
    st.cache_resource.clear()


def open_train(design: Architecture) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["design"] = design
    at.run()
    at.switch_page("views/train.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize("design, shape", [
    (Architecture((Flatten(), Dense(7, "relu"))), "28 × 28 × 1"),
    (Architecture((Flatten(), Dense(10, "softmax")), input_shape=(32, 32, 3)), "32 × 32 × 3"),
])
def test_the_reason_and_the_input_are_shown_and_start_stays_disabled(design, shape):
    at = open_train(design)
    problem = trainability_problem(design)
    assert [e.value for e in at.error] == [f"This design cannot train on MNIST yet. {problem}"]
    assert any(f"input {shape}" in m.value for m in at.markdown)
    assert at.button(key=START).disabled
    assert resources.job_manager().jobs(at.session_state["student_id"]) == []


def test_a_trainable_design_has_start_enabled():
    at = open_train(Architecture((Flatten(), Dense(10, "softmax"))))
    assert not at.error
    assert not at.button(key=START).disabled
