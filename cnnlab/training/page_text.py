"""What the Train page writes: progress lines, queue places, job outcomes and run-table rows.

Plain functions of Progress, JobStatus and RunInfo (no Streamlit, no TensorFlow), so every
sentence a student reads while waiting for a training is tested, and the page stays thin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

from cnnlab.training.queue import JobStatus
from cnnlab.classroom.limits import Limits
from cnnlab.training.progress import Progress, time_to_best
from cnnlab.runs.store import RunInfo
from cnnlab.text import percent
from cnnlab.i18n import N_, _, ngettext, sentences

TEST_IMAGES = 10_000  # MNIST's test set, measured after every training
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
SUGGESTED_LR = {"adam": 0.001, "rmsprop": 0.001, "sgd": 0.01}
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)
VALIDATION_SPLITS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
# The recommended design trains at about 3,500 images/s on one core: 20,000 images x 3 epochs
# is under 20 s of training, about half a minute with start-up, and reaches roughly 98 %.
DEFAULTS: dict[str, Any] = {"optimizer": "adam", "learning_rate": 0.001, "momentum": 0.9,
                            "batch_size": 128, "epochs": 3, "validation_split": 0.1,
                            "label_format": "integer", "subset": 20_000, "seed": 0,
                            "augment": False, "lr_schedule": "constant",
                            "precision": "float32"}
OPTIMIZER_HELP = {
    "adam": N_("Adam: adapts the step size of every weight; a safe default (learning rate "
               "0.001)."),
    "rmsprop": N_("RMSprop: scales each step by recent gradient sizes; close to Adam (try "
                  "0.001)."),
    "sgd": N_("SGD: plain steps downhill, with momentum carrying part of the last step over; "
              "needs a larger learning rate (try 0.01 to 0.1).")}
LABEL_HELP = {
    "integer": N_("Integer labels (7) with sparse categorical cross-entropy"),
    "one_hot": N_("One-hot labels ([0,0,0,0,0,0,0,1,0,0]) with categorical cross-entropy")}
LABEL_NOTE = N_("Both give the same loss: −log(probability of the true digit). One-hot just "
              "spells the label out as 10 numbers, so it uses 10× the label memory.")
PHASES = {"queued": N_("Waiting in the queue…"),
          "starting": N_("Starting: loading TensorFlow and the MNIST images…"),
          "evaluating": N_("Measuring accuracy on the {n} test images…"),
          "saving": N_("Saving the model…")}
RUN_STATUS = {"complete": N_("complete"), "cancelled": N_("stopped early"),
              "interrupted": N_("interrupted (not saved)"), "running": N_("training…")}


@dataclass(frozen=True)
class StatusLine:
    """One headline about a job: `kind` picks st.info/success/warning/error."""

    kind: str  # info | success | warning | error
    text: str


def clock(seconds: float | None) -> str:
    """'0:42', '12:05' or '1:02:03'; '–' when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "–"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…"""
    if 10 <= n % 100 <= 20 or n % 10 not in (1, 2, 3):
        return _("{n}th").format(n=n)
    return {1: _("{n}st"), 2: _("{n}nd"), 3: _("{n}rd")}[n % 10].format(n=n)


def queue_text(position: int | None) -> str:
    """Where a queued job stands, counting the trainings that will start before it."""
    if not position or position <= 1:  # true whether or not a training is running right now
        return _("Next in line — yours starts as soon as a training slot is free.")
    ahead = position - 1
    return ngettext("{place} in line — {n} training ahead of yours.",
                    "{place} in line — {n} trainings ahead of yours.", ahead).format(
        place=ordinal(position), n=f"{ahead:,}")


def progress_text(progress: Progress) -> str:
    """'Epoch 2 of 5 · batch 120/141 · 1,830 images/s · 0:12 elapsed · about 0:42 left'."""
    if progress.state in PHASES:
        return _(PHASES[progress.state]).format(n=f"{TEST_IMAGES:,}")
    parts = [_("Epoch {epoch} of {epochs}").format(epoch=progress.epoch, epochs=progress.epochs)]
    if progress.batches_per_epoch:
        parts.append(_("batch {batch}/{batches}").format(
            batch=f"{progress.batch:,}", batches=f"{progress.batches_per_epoch:,}"))
    if progress.samples_per_sec > 0:
        parts.append(_("{rate} images/s").format(rate=f"{progress.samples_per_sec:,.0f}"))
    parts.append(_("{time} elapsed").format(time=clock(progress.elapsed_s)))
    if progress.eta_s is not None:
        parts.append(_("about {time} left").format(time=clock(progress.eta_s)))
    return " · ".join(parts)


def status_line(job: JobStatus) -> StatusLine:
    """The headline of a job in words, for each state a job can be in."""
    progress = job.progress
    if job.state == "queued":
        return StatusLine("info", queue_text(job.queue_position))
    if job.state == "running":
        return StatusLine("info", progress_text(progress))
    if job.state == "done":
        took = (_(" (trained for {time})").format(time=clock(progress.elapsed_s))
                if progress.elapsed_s else "")
        return StatusLine("success", _("Done: test accuracy **{score}** on the {n} test images "
                                       "the network never saw{took}.").format(
            score=percent(progress.test_accuracy), n=f"{TEST_IMAGES:,}", took=took))
    if job.state == "cancelled":
        if job.run_dir is None:
            never = job.started is None  # cancelled in the queue: no epoch to speak of
            return StatusLine("warning", job.error or progress.message or (
                _("Cancelled while waiting in the queue: it never started, so nothing was "
                  "trained.") if never else
                _("Stopped before the first epoch finished, so nothing was saved.")))
        text = job.error or progress.message or _("Stopped; the last completed epoch was kept.")
        score = percent(progress.test_accuracy)
        return StatusLine("warning", sentences(text, _("Its test accuracy: **{score}**.").format(
            score=score)))
    return StatusLine("error", job.error or _("This training stopped unexpectedly; nothing was "
                                              "saved."))


def jobs_to_show(jobs: Sequence[JobStatus], focus: str | None,
                 kept: Iterable[str] = ()) -> list[JobStatus]:
    """Every active job of the student, every job in `kept` (those this session has shown,
    so a finished job keeps its own outcome when another starts or stops), plus the one they
    last started (or, in a new session, their newest job), oldest first."""
    kept = set(kept)
    shown = {j.job_id: j for j in jobs if j.active or j.job_id in kept}
    latest = next((j for j in jobs if j.job_id == focus), None) if focus else None
    if latest is None and jobs:
        latest = max(jobs, key=lambda j: j.created)
    if latest is not None:
        shown[latest.job_id] = latest
    return sorted(shown.values(), key=lambda j: j.created)


def stop_button_text(job: JobStatus) -> tuple[str, str]:
    """(button label, what it does) for an active job: a queued one is only taken out of line."""
    if job.state == "queued":
        return (_("Cancel"), _("It has not started yet: cancelling takes it out of the queue."))
    return (_("Stop training"), _("Stopping finishes the current batch and keeps the model of "
                                  "the last completed epoch (nothing is kept if no epoch has "
                                  "finished yet)."))


def active_run_dirs(jobs: Iterable[JobStatus]) -> list[Path]:
    """The run folders of running jobs, so the run list marks them 'training', not 'interrupted'."""
    return [j.run_dir for j in jobs if j.active and j.run_dir is not None]


def default_run_name(optimizer: str, learning_rate: float, epochs: int, subset: int) -> str:
    """A name that tells runs apart in the table, e.g. 'adam lr 0.001 - 20k images x 3'."""
    images = f"{subset // 1000}k" if subset % 1000 == 0 else f"{subset:,}".replace(",", " ")
    return f"{optimizer} lr {learning_rate:g} - {images} images x {epochs}"


def best_epoch_line(progress: Progress) -> str | None:
    """'Best validation accuracy 99.05% after epoch 2, 7.4 s into training.' (None: no epoch)."""
    best = time_to_best(progress.epoch_history)
    if best is None:
        return None
    when = ("" if best.elapsed_s is None else
            _(", {seconds} s into training").format(seconds=f"{best.elapsed_s:.1f}"))
    text = (_("Best validation accuracy {score} after epoch {epoch}{when}.")
            if best.metric == "val_accuracy" else
            _("Best training accuracy {score} after epoch {epoch}{when}."))
    return text.format(score=f"{best.accuracy:.2%}", epoch=best.epoch, when=when)


def capped(values: dict[str, Any], limits: Limits) -> dict[str, Any]:
    """Settings brought under this server's caps (epochs, images, batch size)."""
    values = dict(values)
    values["epochs"] = min(values["epochs"], limits.max_epochs)
    values["subset"] = min(values["subset"], limits.max_subset)
    values["batch_size"] = min(values["batch_size"], limits.max_batch_size)
    return values


def form_defaults(limits: Limits) -> dict[str, Any]:
    """The starting settings, brought under this server's caps."""
    return capped(DEFAULTS, limits)


def batch_size_options(max_batch_size: int) -> list[int]:
    """The usual powers of two up to the cap (the cap itself when it is smaller than all)."""
    options = [b for b in BATCH_SIZES if b <= max_batch_size]
    return options or [max_batch_size]


def nearest(options: Sequence[Any], value: Any) -> Any:
    """The option closest to `value`, so a remembered setting still fits a changed list."""
    return min(options, key=lambda o: abs(o - value))


def created_text(iso: str) -> str:
    """'2025-01-31T14:25:01+00:00' -> '2025-01-31 14:25 UTC'; the raw text if unreadable."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or "–"
    zone = " UTC" if moment.utcoffset() is not None and not moment.utcoffset() else ""
    return f"{moment:%Y-%m-%d %H:%M}{zone}"


def run_rows(runs: Sequence[RunInfo]) -> list[dict[str, str]]:
    """The 'Your runs' table: one row of display text per run, newest first as given."""
    return [{_("Name"): r.name, _("Status"): _(RUN_STATUS.get(r.status, r.status)),
             _("Test accuracy"): percent(r.test_accuracy),
             _("Parameters"): "–" if r.params is None else f"{r.params:,}",
             _("Epochs"): "–" if r.epochs_completed is None else str(r.epochs_completed),
             _("Training time"): clock(r.train_seconds), _("Created"): created_text(r.created)}
            for r in runs]


def run_label(run: RunInfo) -> str:
    """One line naming a run in a picker: name, when, and how good."""
    score = f" · {percent(run.test_accuracy)}" if run.test_accuracy is not None else ""
    status = _(RUN_STATUS.get(run.status, run.status))
    return f"{run.name} · {created_text(run.created)}{score} · {status}"


def has_model(run: RunInfo) -> bool:
    """A finished (complete or stopped-early) run has a model to evaluate, rename or download."""
    return run.has_model


LAST_VALUES = (("loss", N_("training loss")), ("accuracy", N_("training accuracy")),
               ("val_loss", N_("validation loss")), ("val_accuracy", N_("validation accuracy")))


def last_values_text(progress: Progress) -> str | None:
    """The learning curves' latest epoch in words: the charts' text alternative for a screen
    reader, e.g. 'Epoch 3: training loss 0.0712 · training accuracy 97.81% · ...'."""
    if not progress.epoch_history:
        return None
    last = progress.epoch_history[-1]
    parts = [f"{_(label)} {percent(last[key]) if key.endswith('accuracy') else f'{last[key]:.4f}'}"
             for key, label in LAST_VALUES if last.get(key) is not None]
    return _("Epoch {n}: {values}").format(n=last["epoch"], values=" · ".join(parts))
