"""The AppTest set-up every page test shares: where the pages are, and a fresh 'server'.

Streamlit's `st.cache_resource` lives as long as the Python process, so a test that wants
its own runs folder, settings or job queue must clear it; `fresh_server` does that around
one test and points the runs folder at a temporary one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab.design.spec import Architecture, Conv2D, Dense, Flatten, MaxPooling2D
from ui import resources

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")  # the whole app; Home is its default page
START = "FormSubmitter:train_form-Start training"  # the Train page's Start button
TINY = Architecture((Conv2D(4, (3, 3)), MaxPooling2D((2, 2)), Flatten(), Dense(10, "softmax")))


@pytest.fixture(autouse=True)
def main_module_restored():
    """AppTest leaves the last page script as `sys.modules["__main__"]`; a process a later test
    starts with "spawn" re-imports `__main__` and so would run that page (views/draw.py then
    fails outside Streamlit). Put pytest's own `__main__` back after every page test."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def page(name: str) -> str:
    """The file of one page in views/, e.g. page("design")."""
    return str(ROOT / "views" / f"{name}.py")


def open_page(name: str, timeout: float = 60) -> AppTest:
    """The page run once, with no exception raised."""
    at = AppTest.from_file(page(name), default_timeout=timeout).run()
    assert not at.exception
    return at


def open_app_on(view: str, design: Architecture | None = None, lab: str | None = None,
                timeout: float = 120, lang: str | None = None) -> AppTest:
    """A new browser session of the whole app (opening this lab code, design and language
    (?lang=zh), if given), switched to `view` (e.g. "views/design.py")."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if lab is not None:
        at.query_params["lab"] = lab
    if lang is not None:
        at.query_params["lang"] = lang
    if design is not None:
        at.session_state["design"] = design
    at.run()
    at.switch_page(view).run()
    assert not at.exception
    return at


def open_train(design: Architecture | None = None, lab: str | None = None) -> AppTest:
    """The whole app, switched to the Train page (with this design and lab code, if given)."""
    return open_app_on("views/train.py", design, lab)


def start_training(at: AppTest, subset: int, epochs: int, batch_size: int, name: str) -> str:
    """Fill in the Train form and press Start; the new job's id (no error shown)."""
    at.number_input(key="train_subset").set_value(subset)
    at.number_input(key="train_epochs").set_value(epochs)
    at.select_slider(key="train_batch_size").set_value(batch_size)
    at.text_input(key="train_name").set_value(name)
    at.button(key=START).click().run()
    assert not at.exception and not at.error
    return at.session_state["train_job_id"]


@pytest.fixture
def fresh_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Empty caches and a runs folder of its own for one test; yields that folder."""
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    st.cache_resource.clear()
    yield tmp_path / "runs"
    st.cache_resource.clear()


@pytest.fixture
def local_jobs(fresh_server, monkeypatch):
    """A fresh server whose jobs run in its own process (JobManager, one worker), shut down
    after so that no training outlives the test; yields the runs folder."""
    monkeypatch.setenv("CNNLAB_MAX_WORKERS", "1")
    yield fresh_server
    resources.job_manager().shutdown(timeout_s=30)


@pytest.fixture()
def on_redis(monkeypatch, redis_url, rq_workers):
    """A 'web process' whose settings point at the private Redis and the workers' runs folder
    (tests/redis_fixtures.py); yields that runs folder."""
    monkeypatch.setenv("CNNLAB_REDIS_URL", redis_url)
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(rq_workers.runs_dir))
    st.cache_resource.clear()
    yield rq_workers.runs_dir
    st.cache_resource.clear()
