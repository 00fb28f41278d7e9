"""Streamlit glue for the "Draw & predict" page: the models a student can pick, and loading one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from cnnlab.runs import store as runs
from cnnlab.text import percent
from cnnlab.errors import LabError
from cnnlab.classroom.settings import Settings
from ui import resources
from ui import session

MODEL_KEY = "draw_model"  # the selectbox: a model folder, as a string
CANVAS_COUNT_KEY = "draw_canvas_count"  # bumped by "Clear": a new key gives a fresh, empty canvas


def model_options(config: Settings, owner: str) -> dict[str, str]:
    """Model folder -> label: the shipped default model, then the student's runs, newest first."""
    options = {str(config.default_model_dir):
               "Default model (shipped with CNN Lab, trained on MNIST)"}
    for info in runs.list_runs(config.runs_dir, owner):
        if not info.has_model:
            continue
        accuracy = (f"{percent(info.test_accuracy)} test accuracy" if info.test_accuracy is not None
                    else "not tested")
        stopped = ", stopped early" if info.status == "cancelled" else ""
        options[str(info.path)] = f"{info.name} ({accuracy}{stopped})"
    return options


def pick_model(config: Settings, owner: str) -> str:
    """A selectbox of models, starting at the run chosen on another page; shares the choice back."""
    options = model_options(config, owner)
    paths = list(options)
    chosen = session.selected_run()
    index = paths.index(chosen) if chosen in options else 0
    default = paths[0]

    def share() -> None:
        picked = st.session_state[MODEL_KEY]
        session.select_run(None if picked == default else picked)

    return st.selectbox("Model", paths, index=index, format_func=options.get, key=MODEL_KEY,
                        on_change=share,
                        help="The shipped model, or one you trained on the Train page.")


def load_model(config: Settings, path: str) -> tuple[Any | None, str | None]:
    """(model, None) or (None, a friendly message) for the chosen model folder."""
    if Path(path) == Path(config.default_model_dir) and not (Path(path) / "model.keras").is_file():
        from cnnlab.runs.model_file import DEFAULT_MODEL_MISSING

        return None, DEFAULT_MODEL_MISSING
    try:
        from cnnlab.runs.model_file import check_mnist_model

        return check_mnist_model(resources.model(path)), None
    except LabError as err:
        return None, str(err)


def canvas_key() -> str:
    """The canvas' current key; "Clear" changes it so Streamlit mounts a new, empty canvas."""
    return f"draw_canvas_{st.session_state.setdefault(CANVAS_COUNT_KEY, 0)}"


def clear_canvas() -> None:
    st.session_state[CANVAS_COUNT_KEY] = st.session_state.get(CANVAS_COUNT_KEY, 0) + 1
