"""Per-student state, kept in st.session_state (never in module globals shared by sessions).

The student's design and its history also live on the server, under their lab code
(cnnlab.classroom.workspace), so a reload, another browser with the bookmark or a server
restart brings back exactly what they were working on.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from cnnlab.classroom import lab_codes
from cnnlab.classroom import workspace as ws_store
from cnnlab.design.spec import Architecture
from cnnlab.errors import LabError
from cnnlab.i18n import _
from ui import resources

DESIGN_KEY = "design"  # the student's last valid Architecture
RUN_KEY = "selected_run"  # the run folder (str) the student is looking at, or None for the default model
CODE_KEY = "student_id"
WORKSPACE_KEY = "workspace"  # the student's Workspace as last stored


def runs_dir() -> Path:
    return resources.settings().runs_dir


def student_id() -> str:
    """This student's lab code, mirrored in the URL (?lab=...) so a bookmark brings them back.

    A new visitor gets a code issued by the server; a code in the address that the server did
    not issue (mistyped or made up) stops the page with the reason and a way back.
    """
    code = st.session_state.get(CODE_KEY)
    if code is None:
        from_url = st.query_params.get("lab")
        if from_url is None:
            code = lab_codes.issue(runs_dir())
        else:
            try:
                code = lab_codes.check_known(runs_dir(), from_url)
            except LabError as err:
                _unknown_code(err)  # stops the page
        st.session_state[CODE_KEY] = code
    if st.query_params.get("lab") != code:
        st.query_params["lab"] = code  # page switches clear the URL's parameters; put it back
    return code


def _unknown_code(err: LabError) -> None:
    """Say why the code is refused and offer a fresh workspace; nothing else on the page runs."""
    st.title(_("This lab code is not known here"))
    st.error(str(err), icon=":material/key_off:")
    st.write(_("Your runs are kept under the code you were given when you first opened CNN Lab. "
               "Compare the address with the one you bookmarked, or start afresh."))
    st.button(_("Start a new workspace"), key="lab_new_workspace", type="primary",
              on_click=_start_new_workspace)
    st.stop()


def _start_new_workspace() -> None:
    code = lab_codes.issue(runs_dir())
    st.session_state[CODE_KEY] = code
    st.query_params["lab"] = code


def workspace() -> ws_store.Workspace:
    """The student's workspace, read from the server once per browser session."""
    if WORKSPACE_KEY not in st.session_state:
        st.session_state[WORKSPACE_KEY] = ws_store.load(runs_dir(), student_id())
    return st.session_state[WORKSPACE_KEY]


def keep_workspace(ws: ws_store.Workspace) -> None:
    """Store a changed workspace on the server (atomically) and in this session."""
    if ws is not st.session_state.get(WORKSPACE_KEY):
        ws_store.store(runs_dir(), student_id(), ws)
        st.session_state[WORKSPACE_KEY] = ws


def design() -> Architecture:
    """The student's current design: the stored one, or the recommended preset for a new one."""
    if DESIGN_KEY not in st.session_state:
        current = workspace().current
        if current is None:
            from cnnlab.design.presets import get_preset

            current = get_preset("recommended").arch
        st.session_state[DESIGN_KEY] = current
    return st.session_state[DESIGN_KEY]


def set_design(arch: Architecture) -> None:
    """Keep a design that passed validation, so every page uses the last valid one; a change
    is saved on the server with one undo step."""
    st.session_state[DESIGN_KEY] = arch
    keep_workspace(ws_store.record(workspace(), arch))


def show_design(arch: Architecture, ws: ws_store.Workspace) -> None:
    """Make `arch` the design on show after undo, redo or opening a saved design."""
    keep_workspace(ws)
    st.session_state[DESIGN_KEY] = arch


def selected_run() -> str | None:
    return st.session_state.get(RUN_KEY)


def select_run(run_dir: str | None) -> None:
    st.session_state[RUN_KEY] = run_dir
