"""The Train page's words: progress lines, queue places, job outcomes, run rows and defaults."""

import dataclasses
import time
from pathlib import Path

import pytest

from cnnlab.training import page_text as view
from cnnlab.training.config import TrainConfig
from cnnlab.training.queue import JobStatus
from cnnlab.classroom.limits import Limits
from cnnlab.training.progress import Progress
from cnnlab.runs.store import RunInfo, sanitize_name


def job(state="running", *, job_id="a", created=1.0, position=None, run_dir=None, error=None,
        progress=None, started=None, finished=None) -> JobStatus:
    return JobStatus(job_id, "owner", "my run", state, position, progress or Progress(state=state),
                     run_dir, error, created, started, finished)


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (42.4, "0:42"), (59.6, "1:00"),
                                           (725, "12:05"), (3723, "1:02:03"), (None, "–"),
                                           (float("nan"), "–"), (-1, "–")])
def test_clock(seconds, text):
    assert view.clock(seconds) == text


@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                     (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd"),
                                     (101, "101st"), (111, "111th")])
def test_ordinal(n, text):
    assert view.ordinal(n) == text


def test_queue_text_counts_the_trainings_ahead():
    assert view.queue_text(3) == "3rd in line — 2 trainings ahead of yours."
    assert view.queue_text(2) == "2nd in line — 1 training ahead of yours."
    # position 1 says nothing about a running training: none may be running (issue 14.7)
    assert view.queue_text(1) == view.queue_text(None) == (
        "Next in line — yours starts as soon as a training slot is free.")


def test_progress_text_while_training():
    p = Progress(state="training", epoch=2, epochs=5, batch=120, batches_per_epoch=141,
                 samples_per_sec=1830.4, elapsed_s=12.2, eta_s=42.0)
    assert view.progress_text(p) == ("Epoch 2 of 5 · batch 120/141 · 1,830 images/s · "
                                     "0:12 elapsed · about 0:42 left")
    first = Progress(state="training", epoch=1, epochs=3, batches_per_epoch=10)
    assert view.progress_text(first) == "Epoch 1 of 3 · batch 0/10 · 0:00 elapsed"


@pytest.mark.parametrize("state", ["starting", "evaluating", "saving", "queued"])
def test_progress_text_names_the_phase(state):
    assert view.progress_text(Progress(state=state)) == view.PHASES[state].format(n="10,000")


def test_status_lines_for_every_state():
    queued = view.status_line(job("queued", position=4))
    assert (queued.kind, queued.text) == ("info", view.queue_text(4))
    running = Progress(state="training", epoch=1, epochs=2, batch=3, batches_per_epoch=9)
    assert view.status_line(job(progress=running)).text == view.progress_text(running)
    done = view.status_line(job("done", progress=Progress(state="done", test_accuracy=0.98765,
                                                          elapsed_s=42.2), run_dir=Path("/r")))
    assert done.kind == "success" and "98.77%" in done.text and "0:42" in done.text
    kept = view.status_line(job("cancelled", run_dir=Path("/r"), progress=Progress(
        state="cancelled", test_accuracy=0.5, message="Stopped after 1 of 3 epoch(s).")))
    assert kept.kind == "warning" and "Stopped after 1 of 3" in kept.text and "50.00%" in kept.text
    nothing = view.status_line(dataclasses.replace(job("cancelled"), started=5.0))
    assert nothing.kind == "warning" and "nothing was saved" in nothing.text
    never = view.status_line(job("cancelled"))  # cancelled while queued (issue 14.7)
    assert never.kind == "warning" and "never started" in never.text
    assert "epoch" not in never.text
    failed = view.status_line(job("failed", error="Training ran out of memory."))
    assert (failed.kind, failed.text) == ("error", "Training ran out of memory.")
    assert view.status_line(job("interrupted")).kind == "error"


def test_jobs_to_show_keeps_active_jobs_and_the_latest_finished_one():
    old = job("done", job_id="old", created=1.0)
    mine = job("done", job_id="mine", created=2.0)
    running = job("running", job_id="run", created=3.0)
    queued = job("queued", job_id="q", created=4.0)
    jobs = [old, mine, running, queued]
    assert [j.job_id for j in view.jobs_to_show(jobs, "mine")] == ["mine", "run", "q"]
    # a new session (no focus) sees its active jobs; the newest is one of them
    assert [j.job_id for j in view.jobs_to_show(jobs, None)] == ["run", "q"]
    assert [j.job_id for j in view.jobs_to_show([old, mine], None)] == ["mine"]
    assert view.jobs_to_show([], None) == []
    assert [j.job_id for j in view.jobs_to_show([old], "gone")] == ["old"]
    # a job this session showed keeps its own outcome when another one starts (issue 14.7)
    assert [j.job_id for j in view.jobs_to_show(jobs, "q", kept=["mine"])] == ["mine", "run", "q"]


def test_a_queued_job_is_cancelled_not_stopped_mid_batch():
    label, what = view.stop_button_text(job("queued"))
    assert label == "Cancel" and "batch" not in what and "queue" in what
    label, what = view.stop_button_text(job("running"))
    assert label == "Stop training" and "current batch" in what


def test_active_run_dirs_only_for_running_jobs_with_a_folder():
    jobs = [job("running", run_dir=Path("/a")), job("queued"), job("done", run_dir=Path("/b"))]
    assert view.active_run_dirs(jobs) == [Path("/a")]


def test_default_run_name_is_a_clean_run_name():
    name = view.default_run_name("adam", 0.001, 3, 20_000)
    assert name == "adam lr 0.001 - 20k images x 3"
    assert sanitize_name(name) == name  # nothing is lost when the run is saved
    odd = view.default_run_name("sgd", 0.01, 1, 1_500)
    assert sanitize_name(odd) == odd and "1 500 images" in odd


def test_form_defaults_are_a_valid_config_within_the_caps():
    TrainConfig(**view.DEFAULTS).check(Limits())
    tight = Limits(max_epochs=1, max_subset=500, max_batch_size=32)
    values = view.form_defaults(tight)
    TrainConfig(**values).check(tight)
    assert (values["epochs"], values["subset"], values["batch_size"]) == (1, 500, 32)
    assert view.DEFAULTS["epochs"] == view.form_defaults(Limits())["epochs"]


def test_batch_size_options_respect_the_cap():
    assert view.batch_size_options(1024) == list(view.BATCH_SIZES)
    assert view.batch_size_options(100) == [16, 32, 64]
    assert view.batch_size_options(8) == [8]
    assert view.nearest([16, 32, 64], 128) == 64


def test_suggested_learning_rates_are_options():
    assert set(view.SUGGESTED_LR) == {"adam", "rmsprop", "sgd"}
    assert set(view.SUGGESTED_LR.values()) <= set(view.LEARNING_RATES)
    assert view.DEFAULTS["learning_rate"] == view.SUGGESTED_LR[view.DEFAULTS["optimizer"]]


def test_created_text():
    assert view.created_text("2025-01-31T14:25:01+00:00") == "2025-01-31 14:25 UTC"
    assert view.created_text("2025-01-31T14:25:01") == "2025-01-31 14:25"
    assert view.created_text("garbage") == "garbage"
    assert view.created_text("") == "–"


def test_run_rows_and_labels():
    complete = RunInfo("r1", Path("/r1"), "first", "complete", "2025-01-31T14:25:01+00:00",
                       test_accuracy=0.98123, test_loss=0.05, params=225_034, train_seconds=83.0,
                       epochs_completed=3)
    broken = RunInfo("r2", Path("/r2"), "second", "interrupted", "")
    rows = view.run_rows([complete, broken])
    assert rows[0] == {"Name": "first", "Status": "complete", "Test accuracy": "98.12%",
                       "Parameters": "225,034", "Epochs": "3", "Training time": "1:23",
                       "Created": "2025-01-31 14:25 UTC"}
    assert rows[1]["Test accuracy"] == rows[1]["Parameters"] == rows[1]["Training time"] == "–"
    assert rows[1]["Status"] == view.RUN_STATUS["interrupted"]
    assert "98.12%" in view.run_label(complete) and "first" in view.run_label(complete)
    assert view.has_model(complete) and not view.has_model(broken)


def test_a_running_job_line_updates_with_real_time_numbers():
    started = time.time() - 5
    p = Progress(state="training", epoch=1, epochs=1, batch=5, batches_per_epoch=10,
                 samples_per_sec=100.0, elapsed_s=5.0, eta_s=5.0)
    line = view.status_line(job(progress=p, started=started))
    assert "about 0:05 left" in line.text and "100 images/s" in line.text


def test_the_last_epoch_in_words_is_the_charts_text_alternative():
    progress = Progress(state="training", epoch=2, epochs=3, batches_per_epoch=10,
                        epoch_history=({"epoch": 1, "loss": 0.5, "accuracy": 0.8},
                                       {"epoch": 2, "loss": 0.0712, "accuracy": 0.97812,
                                        "val_loss": 0.09, "val_accuracy": 0.9701}))
    assert view.last_values_text(progress) == (
        "Epoch 2: training loss 0.0712 · training accuracy 97.81% · validation loss 0.0900 · "
        "validation accuracy 97.01%")
    assert view.last_values_text(Progress(state="training", epochs=3)) is None
