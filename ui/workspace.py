"""Streamlit glue of the Design page's workspace: undo/redo and designs saved by name.

Every action goes through cnnlab.classroom.workspace (pure) and ui.session.keep_workspace
(stored on the server under the lab code). A callback changes the design on show; the Design
page's editor notices the new design in its next run and redraws its rows from it.
"""

from __future__ import annotations

import streamlit as st

from cnnlab.classroom import workspace as ws_store
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from ui import session

NAME_KEY = "workspace_save_name"
PICK_KEY = "workspace_saved_pick"
NOTE_KEY = "workspace_note"  # (kind, English text, fields) to show after a callback


def _on_undo() -> None:
    ws = ws_store.undo(session.workspace())
    session.show_design(ws.current, ws)


def _on_redo() -> None:
    ws = ws_store.redo(session.workspace())
    session.show_design(ws.current, ws)


def undo_redo_bar() -> None:
    """Undo and Redo buttons, disabled when there is nothing to undo or redo."""
    ws = session.workspace()
    with st.container(horizontal=True, gap="small"):
        st.button(_("Undo"), key="workspace_undo", icon=":material/undo:",
                  disabled=not ws.can_undo, on_click=_on_undo,
                  help=_("Back to the design before your last change."))
        st.button(_("Redo"), key="workspace_redo", icon=":material/redo:",
                  disabled=not ws.can_redo, on_click=_on_redo,
                  help=_("Forward again to the change you undid."))
        st.caption(_("Your design is saved on the server as you edit it, under your lab code."))


def _on_save() -> None:
    try:
        ws = ws_store.save_as(session.workspace(), st.session_state.get(NAME_KEY),
                              session.design())
    except LabError as err:
        st.session_state[NOTE_KEY] = ("error", "{error}", {"error": str(err)})
        return
    session.keep_workspace(ws)
    name = ws.saved[-1][0]
    st.session_state[PICK_KEY] = name
    st.session_state[NOTE_KEY] = ("success", N_("Saved your design as “{name}”."), {"name": name})


def _on_open() -> None:
    ws = session.workspace()
    try:
        arch = ws.saved_design(st.session_state.get(PICK_KEY))
    except LabError as err:
        st.session_state[NOTE_KEY] = ("error", "{error}", {"error": str(err)})
        return
    ws = ws_store.record(ws, arch)
    session.show_design(arch, ws)
    st.session_state[NOTE_KEY] = ("success", N_("Opened “{name}”. Undo brings back the design "
                                                "you had before."),
                                  {"name": st.session_state[PICK_KEY]})


def _on_delete() -> None:
    name = st.session_state.get(PICK_KEY)
    session.keep_workspace(ws_store.remove_saved(session.workspace(), name))
    st.session_state[NOTE_KEY] = ("success", N_("Deleted the saved design “{name}”."),
                                  {"name": name})


def saved_designs_panel() -> None:
    """Save the current design under a name; open or delete one saved before."""
    ws = session.workspace()
    keep, pick = st.columns(2, gap="medium")
    with keep:
        st.text_input(_("Keep this design as…"), key=NAME_KEY,
                      max_chars=ws_store.MAX_DESIGN_NAME, placeholder=_("my LeNet"))
        st.button(_("Save design"), key="workspace_save", icon=":material/bookmark_add:",
                  on_click=_on_save)
    with pick:
        names = ws.saved_names()
        if st.session_state.get(PICK_KEY) not in names:
            st.session_state.pop(PICK_KEY, None)
        st.selectbox(_("Your saved designs"), names, key=PICK_KEY, index=None,
                     placeholder=_("none saved yet") if not names else _("pick one"))
        with st.container(horizontal=True, gap="small"):
            chosen = st.session_state.get(PICK_KEY) is not None
            st.button(_("Open"), key="workspace_open", disabled=not chosen, on_click=_on_open)
            with st.popover(_("Delete…"), icon=":material/delete:", disabled=not chosen):
                st.write(_("Delete this saved design? Your current design stays as it is."))
                st.button(_("Yes, delete it"), key="workspace_delete", type="primary",
                          on_click=_on_delete)
    note = st.session_state.pop(NOTE_KEY, None)
    if note is not None:
        kind, text, fields = note  # translated here: callbacks run before the language is set
        (st.error if kind == "error" else st.success)(_(text).format(**fields))
