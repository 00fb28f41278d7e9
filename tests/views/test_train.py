"""The Train page: settings within the caps, friendly refusals, one real live training, coming back
with the same lab code, and the run actions (rename, download, evaluate, delete)."""

from __future__ import annotations

import dataclasses
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab.runs import store as runs
from cnnlab.runs.names import markdown_escaped

from cnnlab.training import page_text as train_view
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.design.overview import glance
from cnnlab.training.queue import JobStatus
from cnnlab.classroom.limits import Limits
from cnnlab.design.presets import get_preset
from cnnlab.training.progress import Progress
from cnnlab.runs.downloads import run_file_bytes
from cnnlab.classroom.settings import load_settings
from cnnlab.design.spec import Architecture
from cnnlab.classroom.caps import check
from ui import resources
from tests.views.conftest import START, TINY, open_train, start_training


@pytest.fixture(autouse=True)
def server(local_jobs):
    """A fresh 'server' per test with one local training worker (tests/views/conftest.py)."""
    return local_jobs


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def test_fresh_start_renders_the_design_the_form_and_no_runs():
    at = open_train()
    assert at.title[0].value == "Train your CNN"
    total = analyze(get_preset("recommended").arch).total_params
    assert any(f"**{total:,}** parameters" in m for m in texts(at.markdown))
    assert glance(get_preset("recommended").arch).flow in texts(at.code)
    assert [link.proto.page for link in at.get("page_link")] == ["design"]
    defaults = train_view.form_defaults(Limits())
    assert at.number_input(key="train_epochs").value == defaults["epochs"]
    assert at.number_input(key="train_subset").value == defaults["subset"]
    assert at.select_slider(key="train_lr").value == defaults["learning_rate"]
    assert "Nothing is training right now" in " ".join(texts(at.caption))
    assert "Your finished trainings will be listed here." in texts(at.caption)
    assert not at.dataframe and not at.error


def test_widgets_are_bounded_by_the_server_caps(monkeypatch):
    monkeypatch.setenv("CNNLAB_MAX_EPOCHS", "2")
    monkeypatch.setenv("CNNLAB_MAX_SUBSET", "5000")
    monkeypatch.setenv("CNNLAB_MAX_BATCH_SIZE", "100")
    st.cache_resource.clear()
    limits = load_settings().limits
    at = open_train()
    epochs, subset = at.number_input(key="train_epochs"), at.number_input(key="train_subset")
    assert epochs.max == limits.max_epochs and epochs.value <= limits.max_epochs
    assert subset.max == limits.max_subset and subset.value <= limits.max_subset
    options = at.select_slider(key="train_batch_size").options
    assert options == [str(b) for b in train_view.batch_size_options(limits.max_batch_size)]
    assert max(int(o) for o in options) <= limits.max_batch_size
    assert "up to 2" in epochs.help


def test_sgd_shows_momentum_and_suggests_its_learning_rate():
    at = open_train()
    assert not at.slider  # momentum only matters for SGD
    at.radio(key="train_optimizer").set_value("sgd").run()
    assert at.slider(key="train_momentum").value == pytest.approx(0.9)
    assert at.select_slider(key="train_lr").value == train_view.SUGGESTED_LR["sgd"]


def test_a_design_over_the_cap_is_refused_with_the_friendly_message(monkeypatch):
    monkeypatch.setenv("CNNLAB_MAX_PARAMS", "1000")
    st.cache_resource.clear()
    arch = get_preset("recommended").arch
    with pytest.raises(LabError) as refusal:
        check(arch, load_settings().limits)
    at = open_train(arch)
    at.button(key=START).click().run()
    assert not at.exception
    assert texts(at.error) == [str(refusal.value)]
    assert resources.job_manager().jobs(at.session_state["student_id"]) == []
    assert "train_job_id" not in at.session_state


def wait_until_finished(at: AppTest, job_id: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not resources.job_manager().status(job_id).active:
            break
        time.sleep(1.5)
        at.run()
        assert not at.exception
    at.run()
    assert not resources.job_manager().status(job_id).active


@pytest.mark.timeout(300)
def test_one_real_training_live_then_listed_and_managed(monkeypatch, server):
    monkeypatch.setenv("CNNLAB_MAX_JOBS_PER_STUDENT", "1")
    st.cache_resource.clear()
    at = open_train(TINY)
    owner = at.session_state["student_id"]
    job_id = start_training(at, 300, 1, 64, "tiny conv")
    assert resources.job_manager().status(job_id).active
    # the live view shows the job with its status and a Stop button
    assert f"train_stop_{job_id}" in keys(at)
    assert "**tiny conv**" in texts(at.markdown)
    assert at.info  # queued / starting / epoch progress

    # a second start is refused by the per-student cap, in words
    at.button(key=START).click().run()
    assert any("max_jobs_per_student = 1" in e for e in texts(at.error))
    assert len(resources.job_manager().jobs(owner)) == 1

    # a new session with the same lab code (tab closed, bookmark reopened) finds the running job
    back = open_train(TINY, lab=owner)
    assert back.session_state["student_id"] == owner
    assert "**tiny conv**" in texts(back.markdown)
    if resources.job_manager().status(job_id).active:
        assert f"train_stop_{job_id}" in keys(back)

    wait_until_finished(at, job_id)
    job = resources.job_manager().status(job_id)
    assert job.state == "done"
    accuracy = train_view.percent(job.progress.test_accuracy)
    assert any(accuracy in s for s in texts(at.success))
    assert f"train_eval_{job_id}" in keys(at) and f"train_stop_{job_id}" not in keys(at)
    assert at.get("plotly_chart")

    # the run is listed with its test accuracy, as list_runs reads it from disk
    (info,) = runs.list_runs(server, owner)
    table = at.dataframe[0].value.to_dict("records")
    assert table == train_view.run_rows([info])
    assert table[0]["Test accuracy"] == train_view.percent(info.test_accuracy) == accuracy
    assert table[0]["Name"] == "tiny conv"

    # coming back later shows the finished job and the same run
    back.run()
    assert not back.exception
    assert any(accuracy in s for s in texts(back.success))
    assert back.dataframe[0].value.to_dict("records") == table

    # downloads serve the run's own files
    labels = {b.proto.label: b for b in at.get("download_button")}
    assert set(labels) == {"Model (.keras)", "Design (.json)"}
    assert Architecture.from_json(run_file_bytes(info.path, "design.json").decode()) == TINY

    # rename (confirmed inside its popover): kept exactly as typed, the box shows it (issue 14.6)
    typed = "lr=0.01, bs=64 #2 my tiny/../net ✓"
    at.text_input(key=f"train_rename_{info.run_id}").set_value(typed).run()
    at.button(key="train_run_rename").click().run()
    assert not at.exception
    new_name = runs.list_runs(server, owner)[0].name
    assert new_name == typed
    assert at.dataframe[0].value.to_dict("records")[0]["Name"] == new_name
    assert any(markdown_escaped(new_name) in s for s in texts(at.success))
    assert at.text_input(key=f"train_rename_{info.run_id}").value == new_name
    picker = at.selectbox[0]  # the picker shows the new name and still has this run chosen
    assert picker.value == info.run_id
    assert picker.options == [train_view.run_label(runs.list_runs(server, owner)[0])]

    # open in Evaluate selects the run and switches page
    at.button(key="train_run_evaluate").click().run()
    assert not at.exception
    assert at.session_state["selected_run"] == str(info.path)
    assert at.title[0].value != "Train your CNN"

    # delete (confirmed inside the popover) moves it to the trash, out of the table
    at.switch_page("views/train.py").run()
    at.button(key="train_run_delete").click().run()
    assert not at.exception
    assert runs.list_runs(server, owner) == []
    assert not info.path.exists()
    assert at.session_state["selected_run"] is None
    assert not at.dataframe
    moved = [s for s in texts(at.success) if "to the trash" in s]
    assert len(moved) == 1 and markdown_escaped(new_name) in moved[0]  # said once
    at.run()
    assert not [s for s in texts(at.success) if "to the trash" in s]
    # ... from where it can be restored, as it was
    at.button(key=f"train_restore_{info.run_id}").click().run()
    assert not at.exception
    assert [(r.run_id, r.name) for r in runs.list_runs(server, owner)] == [(info.run_id, new_name)]
    assert at.dataframe[0].value.to_dict("records")[0]["Name"] == new_name


class FakeBackend:
    """A scripted JobBackend: the page's view of every job state without training anything."""

    def __init__(self):
        self.jobs_by_id: dict[str, JobStatus] = {}
        self.cancelled: list[tuple[str, str]] = []
        self.submitted: list[tuple] = []

    def submit(self, owner, arch, config, name=None):
        job_id = f"job{len(self.submitted)}"
        self.submitted.append((owner, arch, config, name))
        self.jobs_by_id[job_id] = JobStatus(job_id, owner, name, "queued", 3,
                                            Progress(state="queued", epochs=config.epochs),
                                            None, None, time.time())
        return job_id

    def status(self, job_id):
        return self.jobs_by_id[job_id]

    def jobs(self, owner):
        return sorted((j for j in self.jobs_by_id.values() if j.owner == owner),
                      key=lambda j: j.created)

    def cancel(self, job_id, owner):
        self.cancelled.append((job_id, owner))
        return True

    def shutdown(self, timeout_s=30.0):
        pass

    def set(self, job_id, **changes):
        self.jobs_by_id[job_id] = dataclasses.replace(self.jobs_by_id[job_id], **changes)


@pytest.fixture
def fake(monkeypatch):
    backend = FakeBackend()
    monkeypatch.setattr(resources, "job_manager", lambda: backend)
    return backend


def test_every_job_state_as_the_student_sees_it(fake):
    at = open_train(TINY)
    at.select_slider(key="train_lr").set_value(0.003)
    at.number_input(key="train_epochs").set_value(2)
    at.button(key=START).click().run()
    owner, arch, config, name = fake.submitted[0]
    assert (owner, arch) == (at.session_state["student_id"], TINY)
    assert (config.learning_rate, config.epochs, config.subset) == (0.003, 2, 20_000)
    assert name == train_view.default_run_name("adam", 0.003, 2, 20_000)
    job_id = at.session_state["train_job_id"]

    # queued: the place in line, and Stop (which only asks the backend)
    assert texts(at.info) == [train_view.queue_text(3)]
    at.button(key=f"train_stop_{job_id}").click().run()
    assert fake.cancelled == [(job_id, owner)]
    assert at.button(key=f"train_stop_{job_id}").disabled
    assert any("Stop requested" in c for c in texts(at.caption))

    # running: the progress line, the bar and the live curves
    tracked = Progress(state="training", epoch=2, epochs=2, batch=5, batches_per_epoch=10,
                       samples_per_sec=900.0, elapsed_s=20.0, eta_s=4.0,
                       batch_history=((5, 1.2, 0.6), (10, 0.9, 0.7), (15, 0.5, 0.8)),
                       epoch_history=({"epoch": 1, "loss": 0.9, "accuracy": 0.7,
                                       "val_loss": 0.8, "val_accuracy": 0.75, "seconds": 9.0},))
    fake.set(job_id, state="running", queue_position=None, progress=tracked)
    at.run()
    assert texts(at.info) == [train_view.progress_text(tracked)]
    (bar,) = at.get("progress")
    assert bar.proto.value == round(tracked.fraction * 100)
    assert len(at.get("plotly_chart")) == 1

    # failed: the friendly reason, no Stop, no Evaluate
    fake.set(job_id, state="failed", error="Training ran out of memory. Use a smaller batch.")
    at.run()
    assert texts(at.error) == ["Training ran out of memory. Use a smaller batch."]
    assert not {k for k in keys(at) if k.startswith(("train_stop_", "train_eval_"))}

    # stopped before the first epoch: nothing saved, said so
    message = "Stopped before the first epoch finished, so there is no model to keep."
    fake.set(job_id, state="cancelled", error=None, run_dir=None,
             progress=Progress(state="cancelled", message=message))
    at.run()
    assert texts(at.warning) == [message]


def test_the_fast_recipe_button_fills_in_every_setting_of_the_recipe() -> None:
    from cnnlab.training import recipes
    from ui.train import FIELDS

    at = open_train(get_preset("fast").arch)
    at.button(key="train_fast_recipe").click().run()
    assert not at.exception and not at.error
    for field, value in recipes.FAST.items():
        assert at.session_state[FIELDS[field]] == value, field
