"""Streamlit glue of the Train page: the settings form, the live job view and the run actions.

Only widgets and calls into cnnlab live here. Training itself runs in worker processes
(cnnlab.training.queue); these functions only submit, poll and display, so no click on the page can
interrupt a training.
"""

from __future__ import annotations

import zlib
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from cnnlab.runs import store as runstore
from cnnlab.training import augmentation
from cnnlab.training import page_text as view
from cnnlab.errors import LabError
from cnnlab.training import recipes
from cnnlab.training.config import LABEL_FORMATS, LR_SCHEDULES, OPTIMIZERS, PRECISIONS
from cnnlab.training.queue import JobStatus
from cnnlab.classroom.limits import Limits
from cnnlab.plots.training import progress_figure
from cnnlab.runs.downloads import download_name, mime_type, run_file_bytes
from cnnlab.runs.names import markdown_escaped
from cnnlab.runs.store import RunInfo
from cnnlab.runs import trash
from ui import language
from ui import resources
from ui import session
from cnnlab.i18n import N_, _, sentences
from cnnlab.text import count, percent

JOB_KEY = "train_job_id"  # the job this session started last
STOP_KEY = "train_stop_asked"  # ids of jobs whose Stop was clicked
PICK_KEY = "train_run_chosen"  # the run id picked in "Your runs"
KEPT_KEY = "train_jobs_kept"  # ids of the jobs this session's panel shows, finished ones too
MAX_KEPT = 5
NOTICE_KEY = "train_notice"  # (kind, English text, fields) left by a run action for the next run
FIELDS = {"optimizer": "train_optimizer", "learning_rate": "train_lr", "momentum": "train_momentum",
          "batch_size": "train_batch_size", "epochs": "train_epochs",
          "validation_split": "train_val_split", "label_format": "train_labels",
          "subset": "train_subset", "seed": "train_seed", "augment": "train_augment",
          "lr_schedule": "train_lr_schedule", "precision": "train_precision"}
PLOT_CONFIG = {"displayModeBar": False}
DOWNLOAD_HELP = {"model.keras": N_("The trained network with its weights; in Python, "
                                   "keras.models.load_model(path) loads it."),
                 "design.json": N_("The layer list; import it on the Design page to train it "
                                   "again.")}


def init_form(limits: Limits) -> None:
    """Start every setting at its default once, and keep remembered ones within the caps."""
    defaults = view.form_defaults(limits)
    for field, key in FIELDS.items():
        st.session_state.setdefault(key, defaults[field])
    state = st.session_state
    state["train_epochs"] = min(max(int(state["train_epochs"]), 1), limits.max_epochs)
    state["train_subset"] = min(max(int(state["train_subset"]), 100), limits.max_subset)
    state["train_batch_size"] = view.nearest(view.batch_size_options(limits.max_batch_size),
                                             state["train_batch_size"])
    state.setdefault("train_name", "")


def _suggest_lr() -> None:
    """A new optimizer starts from its usual learning rate."""
    st.session_state["train_lr"] = view.SUGGESTED_LR[st.session_state["train_optimizer"]]


def _use_recipe(values: dict[str, Any], limits: Limits) -> None:
    """Fill the form with a recipe's settings (within this server's caps)."""
    values = view.capped(values, limits)
    values["batch_size"] = view.nearest(view.batch_size_options(limits.max_batch_size),
                                        values["batch_size"])
    for field, value in values.items():
        st.session_state[FIELDS[field]] = value


def settings_form(limits: Limits, blocked: bool = False) -> tuple[dict[str, Any], str] | None:
    """The training settings; returns (TrainConfig fields, run name) when Start is clicked.
    `blocked`: the design cannot train, so Start stays disabled (the page says why)."""
    recipe_col, note_col = st.columns([1, 3], vertical_alignment="center")
    recipe_col.button(_("Use the fast recipe"), key="train_fast_recipe", icon=":material/bolt:",
                      on_click=_use_recipe, args=(recipes.FAST, limits))
    note_col.caption(_(recipes.FAST_NOTE))
    optimizer = st.radio(_("Optimizer"), OPTIMIZERS, key="train_optimizer", horizontal=True,
                         on_change=_suggest_lr, format_func=lambda o: {"sgd": "SGD", "adam": "Adam",
                                                                      "rmsprop": "RMSprop"}[o])
    st.caption(_(view.OPTIMIZER_HELP[optimizer]))
    with st.form("train_form", border=False):
        left, right = st.columns(2, gap="large")
        with left:
            st.select_slider(_("Learning rate"), view.LEARNING_RATES, key="train_lr",
                             format_func=lambda v: f"{v:g}",
                             help=_("How big each weight update is. Too small: slow progress. "
                                    "Too big: the loss jumps around or explodes."))
            st.radio(_("Learning-rate schedule"), LR_SCHEDULES, key="train_lr_schedule",
                     horizontal=True, format_func=lambda v: _(recipes.LR_SCHEDULE_NAMES[v]),
                     help=" ".join(_(text) for text in recipes.LR_SCHEDULE_HELP.values()))
            st.radio(_("Arithmetic precision"), PRECISIONS, key="train_precision",
                     horizontal=True, format_func=lambda v: _(recipes.PRECISION_NAMES[v]),
                     help=_(recipes.PRECISION_HELP))
            if optimizer == "sgd":
                st.slider(_("Momentum"), 0.0, 0.99, step=0.01, key="train_momentum",
                          help=_("How much of the previous step carries over into the next one."))
            st.select_slider(_("Batch size"), view.batch_size_options(limits.max_batch_size),
                             key="train_batch_size",
                             help=_("Images per weight update. Bigger batches: fewer, smoother "
                                    "updates per epoch. This server allows up to {cap}.")
                             .format(cap=count(limits.max_batch_size)))
            st.number_input(_("Epochs"), min_value=1, max_value=limits.max_epochs, step=1,
                            key="train_epochs",
                            help=_("Passes over the training images. This server allows up to "
                                   "{cap}.").format(cap=count(limits.max_epochs)))
        with right:
            st.number_input(_("Training images"), min_value=100, max_value=limits.max_subset,
                            step=1000, key="train_subset",
                            help=_("How many of MNIST's 60,000 training images to use (a "
                                   "random, seeded choice). Fewer trains faster; more usually "
                                   "scores higher. This server allows up to {cap}.")
                            .format(cap=count(limits.max_subset)))
            st.select_slider(_("Validation split"), view.VALIDATION_SPLITS, key="train_val_split",
                             format_func=lambda v: percent(v, 0),
                             help=_("The share of those images held out of training and scored "
                                  "after every epoch: a gap between training and validation "
                                  "accuracy means the network memorizes."))
            st.radio(_("Labels and loss"), LABEL_FORMATS, key="train_labels",
                     format_func=lambda f: _(view.LABEL_HELP[f]))
            st.caption(_(view.LABEL_NOTE))
            st.toggle(_("Augment the training images"), key="train_augment", help=augmentation.description())
            st.caption(_("Augmentation: random turns, shifts, resizing, slant and stroke width, "
                         "new every epoch. Train a design with and without it and compare both "
                         "in the **Invariance lab**."))
        seed_col, name_col = st.columns([1, 3])
        seed_col.number_input(_("Seed"), min_value=0, max_value=2**31 - 1, step=1, key="train_seed",
                              help=_("Fixes the starting weights, the shuffling and the validation "
                                   "split: the same seed and settings train the same network."))
        name_col.text_input(_("Run name (optional)"), key="train_name", max_chars=runstore.MAX_NAME,
                            placeholder=_("e.g. my first CNN"),
                            help=_("Shown in your list of runs; left empty, it is named after "
                                   "its settings."))
        started = st.form_submit_button(_("Start training"), type="primary", disabled=blocked,
                                        icon=":material/play_arrow:")
    if not started or blocked:
        return None
    values = {field: st.session_state[key] for field, key in FIELDS.items()}
    values["subset"] = int(values["subset"])
    values["epochs"] = int(values["epochs"])
    values["seed"] = int(values["seed"])
    values["momentum"] = float(values["momentum"])
    name = st.session_state["train_name"].strip() or view.default_run_name(
        values["optimizer"], values["learning_rate"], values["epochs"], values["subset"])
    return values, name


def live_view(owner: str) -> None:
    """The student's trainings, refreshed every second in a fragment while one is active."""
    active = any(j.active for j in resources.job_manager().jobs(owner))

    @language.fragment(run_every=1.0 if active else None)
    def _live() -> None:
        jobs = resources.job_manager().jobs(owner)
        shown = view.jobs_to_show(jobs, st.session_state.get(JOB_KEY),
                                  st.session_state.get(KEPT_KEY, ()))
        st.session_state[KEPT_KEY] = [j.job_id for j in shown][-MAX_KEPT:]
        if not shown:
            st.caption(_("Nothing is training right now: choose the settings above and click "
                         "**Start training**."))
        for job in shown:
            _job_panel(job, owner)
        if active and not any(j.active for j in jobs):
            st.rerun()  # the last training just ended: refresh the run list, stop polling

    _live()


def _job_panel(job: JobStatus, owner: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{markdown_escaped(job.name)}**")
        line = view.status_line(job)
        getattr(st, line.kind)(line.text)
        progress = job.progress
        if job.state == "running":
            st.progress(progress.fraction, text=_("{percent} of all batches").format(
                percent=percent(progress.fraction, 0)))
        if job.state in ("running", "done", "cancelled") and progress.epochs:
            st.plotly_chart(progress_figure(progress, uirevision=job.job_id),
                            config=PLOT_CONFIG, key=f"train_chart_{job.job_id}")
            if progress.epoch_history:
                st.markdown(view.last_values_text(progress))  # the chart's numbers, as text
            st.caption(_("Thin line: Keras' running average over the current epoch (it restarts at "
                       "each epoch). Blue dots: that average over a whole epoch, early mistakes "
                       "included, so it can sit below validation, which scores the end-of-epoch "
                       "network on held-out images. Training far above validation means the "
                       "network memorizes its training images."))
            best = view.best_epoch_line(progress)
            if best and job.state != "running":
                st.caption(best)
        if job.active:
            asked = job.job_id in st.session_state.get(STOP_KEY, ())
            label, what = view.stop_button_text(job)
            st.button(label, key=f"train_stop_{job.job_id}", icon=":material/stop:",
                      on_click=_stop, args=(job.job_id, owner), disabled=asked)
            st.caption(sentences(what, _("**Stop requested…**")) if asked else what)
        elif job.run_dir is not None and job.state in ("done", "cancelled"):
            if st.button(_("Evaluate this run"), key=f"train_eval_{job.job_id}", type="primary",
                         icon=":material/analytics:"):
                open_in_evaluate(job.run_dir)


def _stop(job_id: str, owner: str) -> None:
    if resources.job_manager().cancel(job_id, owner):
        st.session_state.setdefault(STOP_KEY, []).append(job_id)


def open_in_evaluate(run_dir: Path | str) -> None:
    session.select_run(str(run_dir))
    st.switch_page("views/evaluate.py")


def show_notice() -> None:
    """The outcome of the last rename or delete, shown once."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        kind, text, fields = notice  # translated here: callbacks run before the language is set
        getattr(st, kind)(_(text).format(**fields))


def run_manager(runs: list[RunInfo], owner: str, runs_dir: Path) -> None:
    """Pick one run, then evaluate, rename, download or delete it."""
    by_id = {r.run_id: r for r in runs}
    labels = {i: view.run_label(r) for i, r in by_id.items()}
    chosen = st.session_state.get(PICK_KEY)
    ids = list(by_id)
    # The browser keeps a picker's shown text, so a renamed or finished run would keep its old
    # label: a new picker (new key) whenever any label changes, preselecting the chosen run.
    version = zlib.crc32("\n".join(labels.values()).encode())
    chosen = st.selectbox(_("Run"), ids, index=ids.index(chosen) if chosen in by_id else 0,
                          key=f"train_run_pick_{version}", format_func=labels.get)
    st.session_state[PICK_KEY] = chosen
    run = by_id[chosen]
    if not view.has_model(run):
        st.caption(_("An interrupted run has no model (its training stopped before it was saved); "
                     "you can only delete it.") if run.status == "interrupted" else
                   _("This run is still training; its actions appear once it has finished."))
    root = runstore.owner_dir(runs_dir, owner)
    ready = view.has_model(run)
    evaluate, model, design, delete = st.columns(4)
    if evaluate.button(_("Open in Evaluate"), key="train_run_evaluate", disabled=not ready,
                       icon=":material/analytics:", width="stretch"):
        open_in_evaluate(run.path)
    for column, filename, label in ((model, "model.keras", _("Model (.keras)")),
                                    (design, "design.json", _("Design (.json)"))):
        column.download_button(label, data=partial(run_file_bytes, run.path, filename, root),
                               file_name=download_name(run.name, filename),
                               mime=mime_type(filename), disabled=not ready, on_click="ignore",
                               key=f"train_run_dl_{filename}", icon=":material/download:",
                               width="stretch", help=_(DOWNLOAD_HELP[filename]))
    with delete.popover(_("Delete…"), icon=":material/delete:", disabled=run.status == "running",
                        width="stretch"):
        st.write(_("Delete **{name}**? It goes to the trash below, where you can restore it "
                   "for {days} days.").format(name=markdown_escaped(run.name), days=trash.KEEP_DAYS))
        st.button(_("Delete"), key="train_run_delete", type="primary",
                  on_click=_delete, args=(run,))
    if ready:
        name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        rename_key = f"train_rename_{run.run_id}"
        name_col.text_input(_("New name"), value=run.name, key=rename_key,
                            max_chars=runstore.MAX_NAME)
        typed = (st.session_state.get(rename_key) or "").strip()
        with button_col.popover(_("Rename…"), width="stretch", disabled=typed in ("", run.name)):
            st.write(_("Rename **{old}** to **{new}**?").format(old=markdown_escaped(run.name),
                                                              new=markdown_escaped(typed)))
            st.button(_("Rename"), key="train_run_rename", type="primary", on_click=_rename,
                      args=(run,))


def trash_panel(root: Path) -> None:
    """Runs deleted in the last days, each with a Restore button."""
    deleted = trash.list_trash(root)
    if not deleted:
        return
    with st.expander(_("Recently deleted ({n})").format(n=len(deleted)),
                     icon=":material/restore_from_trash:"):
        st.caption(_("Deleted runs are kept for {days} days, then removed for good.").format(
            days=trash.KEEP_DAYS))
        for item in deleted:
            text, button = st.columns([4, 1], vertical_alignment="center")
            text.markdown(markdown_escaped(item.name))
            button.button(_("Restore"), key=f"train_restore_{item.path.name}",
                          on_click=_restore, args=(item,), width="stretch")


def _restore(item: trash.Deleted) -> None:
    try:
        trash.restore(item.path)
    except LabError as err:
        st.session_state[NOTICE_KEY] = ("error", "{error}", {"error": str(err)})
    else:
        st.session_state[NOTICE_KEY] = ("success", N_("Restored “{name}”."),
                                        {"name": markdown_escaped(item.name)})


def _rename(run: RunInfo) -> None:
    key = f"train_rename_{run.run_id}"
    try:
        name = runstore.rename_run(run.path, st.session_state[key])
    except LabError as err:
        st.session_state[NOTICE_KEY] = ("error", "{error}", {"error": str(err)})
    else:
        st.session_state[NOTICE_KEY] = ("success", N_("Renamed to “{name}”."),
                                        {"name": markdown_escaped(name)})
        st.session_state.pop(key, None)  # the box shows the saved name on the next run


def _delete(run: RunInfo) -> None:
    runstore.delete_run(run.path)
    if session.selected_run() == str(run.path):
        session.select_run(None)
    st.session_state.pop(f"train_rename_{run.run_id}", None)
    st.session_state[NOTICE_KEY] = ("success", N_("Moved “{name}” to the trash; restore it "
                                                  "below if that was a slip."),
                                    {"name": markdown_escaped(run.name)})
