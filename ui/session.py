"""Per-student state, kept in st.session_state (never in module globals shared by sessions)."""

from __future__ import annotations

import streamlit as st

from cnnlab.classroom.lab_codes import is_lab_code, new_lab_code
from cnnlab.design.spec import Architecture

DESIGN_KEY = "design"  # the student's last valid Architecture
RUN_KEY = "selected_run"  # the run folder (str) the student is looking at, or None for the default model


def student_id() -> str:
    """This student's lab code, mirrored in the URL (?lab=...) so a bookmark brings them back."""
    code = st.session_state.get("student_id")
    if code is None:
        from_url = st.query_params.get("lab")
        code = from_url if is_lab_code(from_url) else new_lab_code()
        st.session_state["student_id"] = code
    if st.query_params.get("lab") != code:
        st.query_params["lab"] = code  # page switches clear the URL's parameters; put it back
    return code


def design() -> Architecture:
    """The student's current design; a new student starts from the recommended preset."""
    if DESIGN_KEY not in st.session_state:
        from cnnlab.design.presets import get_preset

        st.session_state[DESIGN_KEY] = get_preset("recommended").arch
    return st.session_state[DESIGN_KEY]


def set_design(arch: Architecture) -> None:
    """Keep a design that passed validation, so every page uses the last valid one."""
    st.session_state[DESIGN_KEY] = arch


def selected_run() -> str | None:
    return st.session_state.get(RUN_KEY)


def select_run(run_dir: str | None) -> None:
    st.session_state[RUN_KEY] = run_dir
