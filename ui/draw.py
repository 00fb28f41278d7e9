"""Streamlit glue for the "Draw & predict" page: the models a student can pick, loading one, and
the keyboard grid for entering a digit without a mouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import streamlit as st

from cnnlab.runs import store as runs
from cnnlab.text import percent
from cnnlab.errors import LabError
from cnnlab.classroom.settings import Settings
from cnnlab.drawing import grid
from cnnlab.i18n import _
from ui import resources
from ui import session

MODEL_KEY = "draw_model"  # the selectbox: a model folder, as a string
CANVAS_COUNT_KEY = "draw_canvas_count"  # bumped by "Clear": a new key gives a fresh, empty canvas


def model_options(config: Settings, owner: str) -> dict[str, str]:
    """Model folder -> label: the shipped default model, then the student's runs, newest first."""
    options = {str(config.default_model_dir):
               _("Default model (shipped with CNN Lab, trained on MNIST)")}
    for info in runs.list_runs(config.runs_dir, owner):
        if not info.has_model:
            continue
        accuracy = (_("{score} test accuracy").format(score=percent(info.test_accuracy))
                    if info.test_accuracy is not None else _("not tested"))
        stopped = _(", stopped early") if info.status == "cancelled" else ""
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

    return st.selectbox(_("Model"), paths, index=index, format_func=options.get, key=MODEL_KEY,
                        on_change=share,
                        help=_("The shipped model, or one you trained on the Train page."))


def load_model(config: Settings, path: str) -> tuple[Any | None, str | None]:
    """(model, None) or (None, a friendly message) for the chosen model folder."""
    if Path(path) == Path(config.default_model_dir) and not (Path(path) / "model.keras").is_file():
        from cnnlab.runs.model_file import default_model_missing

        return None, default_model_missing()
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


def grid_key(row: int) -> str:
    return f"draw_grid_row_{row}"


def _start_grid_from(example_key: str) -> None:
    """Put an example digit (or nothing) into the grid's rows, to edit from there."""
    example = st.session_state.get(example_key)
    rows = grid.pattern_rows(grid.EXAMPLES[example]) if example in grid.EXAMPLES else []
    for row in range(grid.ROWS):
        st.session_state[grid_key(row)] = rows[row] if row < len(rows) else []


def keyboard_grid() -> np.ndarray:
    """A 7 x 7 grid of cells, one row of toggle buttons per line of the digit, operable with the
    keyboard alone (Tab to a cell, Space or Enter to switch it); returns the canvas-like picture."""
    st.caption(_("Switch cells on to write a digit without a mouse: Tab to a cell, then Space or "
                 "Enter switches it. Row 1 is the top of the digit, cell 1 its left edge."))
    st.pills(_("Start from"), [*grid.EXAMPLES, "empty"], key="draw_grid_example",
             format_func=lambda k: _("empty grid") if k == "empty" else k,
             on_change=_start_grid_from, args=("draw_grid_example",))
    chosen = []
    for row in range(grid.ROWS):
        chosen.append(st.pills(_("Row {n}").format(n=row + 1), list(range(1, grid.COLUMNS + 1)),
                               selection_mode="multi", key=grid_key(row),
                               label_visibility="collapsed"))
    return grid.grid_image(grid.cells_from_rows(chosen))


def novelty_score(path: str, x28: np.ndarray):
    """How unlike every digit the model learned the prepared drawing is (a cnnlab.drawing.novelty
    Novelty), or None for a model that cannot be measured. The first drawing per model fits the
    statistics."""
    meter = resources.novelty_meter(path)  # shows its own spinner while it fits
    return meter.measure(x28) if meter is not None else None
