"""Issue 14 items 1 and 4: the design survives a reload, another browser and a restart; lab
codes the server did not issue are refused with a way back."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab.classroom import lab_codes
from cnnlab.classroom import workspace as ws_store
from cnnlab.design.presets import get_preset
from tests.views.conftest import APP, open_app_on
from tests.views.test_design import load


@pytest.fixture(autouse=True)
def runs(fresh_server):
    return fresh_server


def open_design(lab: str | None = None) -> AppTest:
    """A new browser session (optionally opening a bookmark), on the Design page."""
    return open_app_on("views/design.py", lab=lab, timeout=60)


def test_a_loaded_preset_comes_back_on_reload_and_after_a_restart(runs):
    first = load(open_design(), "lenet5")
    code = first.session_state["student_id"]
    lenet = get_preset("lenet5").arch
    assert first.session_state["design"] == lenet
    assert ws_store.load(runs, code).current == lenet  # on disk, not only in the session

    st.cache_resource.clear()  # a server restart: nothing in memory survives
    again = open_design(lab=code)  # F5, or the bookmark in another browser
    assert again.session_state["student_id"] == code
    assert again.session_state["design"] == lenet
    assert [r["type"] for r in again.session_state["design_layers"]] == \
        [layer.type for layer in lenet.layers]


def test_undo_and_redo_walk_the_history_and_survive_a_reload():
    at = load(load(open_design(), "lenet5"), "cnn_a")
    code = at.session_state["student_id"]
    at.button(key="workspace_undo").click().run()
    assert at.session_state["design"] == get_preset("lenet5").arch
    at.button(key="workspace_undo").click().run()
    assert at.session_state["design"] == get_preset("recommended").arch
    assert at.button(key="workspace_undo").disabled
    at.button(key="workspace_redo").click().run()
    assert at.session_state["design"] == get_preset("lenet5").arch

    again = open_design(lab=code)
    assert again.session_state["design"] == get_preset("lenet5").arch
    again.button(key="workspace_redo").click().run()
    assert again.session_state["design"] == get_preset("cnn_a").arch
    assert again.button(key="workspace_redo").disabled


def test_a_design_saved_by_name_opens_again_in_another_browser():
    at = load(open_design(), "vgg_small")
    code = at.session_state["student_id"]
    at.text_input(key="workspace_save_name").input("my VGG ✓").run()
    at.button(key="workspace_save").click().run()
    assert any("my VGG ✓" in s.value for s in at.success)
    load(at, "dense_baseline")

    other = open_design(lab=code)
    assert other.session_state["design"] == get_preset("dense_baseline").arch
    other.selectbox(key="workspace_saved_pick").select("my VGG ✓").run()
    other.button(key="workspace_open").click().run()
    assert other.session_state["design"] == get_preset("vgg_small").arch


@pytest.mark.parametrize("typed, words", [
    ("aaaaaaaaaaaa", "is not known here: check it, or start a new workspace"),
    (None, "looks mistyped"),  # filled in below: an issued code with one character changed
])
def test_a_made_up_or_mistyped_code_is_refused_with_a_way_back(runs, typed, words):
    if typed is None:
        real = lab_codes.issue(runs)
        typed = real[:3] + ("x" if real[3] != "x" else "y") + real[4:]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lab"] = typed
    at.run()
    assert not at.exception
    assert any(words in e.value for e in at.error)
    assert "student_id" not in at.session_state  # no workspace was opened or made
    assert not (runs / typed).exists()
    at.button(key="lab_new_workspace").click().run()
    code = at.session_state["student_id"]
    assert lab_codes.has_valid_check(code) and lab_codes.is_issued(runs, code)
    assert at.query_params["lab"] == code
    assert not at.error
