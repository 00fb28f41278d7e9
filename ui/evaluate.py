"""Streamlit glue for the Evaluate page: picking a run, cached evaluations, the chosen cell of the
confusion matrix and the runs being compared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from cnnlab.evaluation import page_text as evaluate_view

from cnnlab.runs import store as runs
from cnnlab.errors import LabError
from cnnlab.classroom.settings import Settings
from ui import resources
from ui import session
from cnnlab.i18n import _

RUN_KEY = "evaluate_run"  # the selectbox: a run folder, as a string
TRUE_KEY, PRED_KEY = "evaluate_true", "evaluate_pred"  # the confusion-matrix cell shown
CHART_KEY = "evaluate_confusion"  # the clickable confusion matrix
CELL_RUN_KEY = "evaluate_cell_run"  # whose cell is shown: a new run starts at its top mistake
COMPARE_KEY = "evaluate_compare"  # the runs in the comparison


def default_installed(config: Settings) -> bool:
    return (Path(config.default_model_dir) / "model.keras").is_file()


def run_options(config: Settings, owner: str) -> dict[str, str]:
    return evaluate_view.run_options(Path(config.default_model_dir),
                                     runs.list_runs(config.runs_dir, owner),
                                     default_installed(config))


def pick_run(config: Settings, owner: str, options: dict[str, str]) -> str:
    """A selectbox of runs starting at the one chosen on another page; the choice is shared back."""
    paths = list(options)
    default = str(config.default_model_dir)
    start = evaluate_view.initial_choice(paths, session.selected_run(), Path(default),
                                         default_installed(config))
    if st.session_state.get(RUN_KEY) not in options:
        st.session_state[RUN_KEY] = start  # first visit, or the remembered run was deleted
    elif session.selected_run() in options and session.selected_run() != st.session_state[RUN_KEY]:
        st.session_state[RUN_KEY] = session.selected_run()  # chosen on Train or Draw meanwhile

    def share() -> None:
        picked = st.session_state[RUN_KEY]
        session.select_run(None if picked == default else picked)

    return st.selectbox(_("Model to evaluate"), paths, format_func=options.get, key=RUN_KEY,
                        on_change=share,
                        help=_("The model shipped with CNN Lab, or one you trained on the Train "
                               "page."))


def load_run(path: str) -> tuple[runs.Run | None, str | None]:
    """(run, None), or (None, a friendly message) when its files are missing or damaged."""
    try:
        return runs.load_run(Path(path)), None
    except LabError as err:
        return None, str(err)


@st.cache_resource(max_entries=16, show_spinner=False)
def _evaluate(path: str, mtime_ns: int, size: int, disk_cache: bool):
    """One evaluation per model file version, shared read-only by every session of the server."""
    from cnnlab.evaluation.evaluate import evaluate_run

    resources.settle_keras()  # evaluating a run may load its model
    return evaluate_run(path, data=resources.mnist(), use_cache=disk_cache)


def evaluation(path: str, config: Settings):
    """The run's Evaluation on the 10,000 test images (LabError for a missing or bad model).

    The shipped default model lives in the repository, so its results are not written beside it
    (that would leave an untracked evaluation.npz in the working tree); it is evaluated once per
    server instead. Students' runs keep evaluation.npz, so a server restart costs no inference.
    """
    model_file = Path(path) / "model.keras"
    try:
        stat = model_file.stat()
    except OSError:
        raise LabError(_("The folder {name} has no model.keras, so there is nothing to "
                         "evaluate; its training may have been interrupted. Train it again.")
                       .format(name=Path(path).name)) from None
    disk_cache = Path(path).resolve() != Path(config.default_model_dir).resolve()
    return _evaluate(str(model_file.parent), stat.st_mtime_ns, stat.st_size, disk_cache)


def first_layer_filters(path: str) -> np.ndarray | None:
    """The first convolution's kernels (k_h, k_w, C_in, F), None when the first layer is not one."""
    from cnnlab.drawing.look_inside import first_layer_filters as kernels

    return kernels(resources.model(path))


def init_cell(run: str, default: tuple[int, int]) -> None:
    """Put the cell pickers on `default` (the run's most common mistake) whenever another run is
    opened; while the student stays on one run, their pick is kept."""
    if st.session_state.get(CELL_RUN_KEY) != run or TRUE_KEY not in st.session_state:
        st.session_state[TRUE_KEY], st.session_state[PRED_KEY] = default
        st.session_state[CELL_RUN_KEY] = run


def cell_from_chart() -> None:
    """on_select callback: a click on the matrix moves both cell pickers to that cell."""
    event: Any = st.session_state.get(CHART_KEY)
    points = (getattr(event, "selection", None) or {}).get("points") or []
    for point in points:
        x, y = point.get("x"), point.get("y")
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            st.session_state[TRUE_KEY], st.session_state[PRED_KEY] = int(y), int(x)
            return


def keep_choice(key: str, options: list[Any], default: Any) -> None:
    """Reset a widget's remembered value to `default` when it is no longer among `options`."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def init_compare(choices: list[str], chosen: str, most: int) -> None:
    """Start the comparison with the evaluated run and the newest others (the default model
    first), at most `most`; later, just drop runs deleted since."""
    if COMPARE_KEY not in st.session_state:
        start = [chosen] + [p for p in choices if p != chosen]
        st.session_state[COMPARE_KEY] = [p for p in start if p in choices][:most]
    else:
        st.session_state[COMPARE_KEY] = [p for p in st.session_state[COMPARE_KEY] if p in choices]


def comparable(options: dict[str, str], config: Settings) -> list[str]:
    """The runs that can be compared: every option except a default model that is not installed."""
    default = str(config.default_model_dir)
    return [p for p in options if p != default or default_installed(config)]
