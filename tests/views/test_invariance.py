"""Invariance lab with AppTest: the shipped model's answers before and after the sliders, and its
curves read from the robustness.json shipped beside it (no recomputation)."""

import base64
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab.classroom.lab_codes import new_lab_code
from cnnlab.evaluation import transforms
from cnnlab.paths import DEFAULT_MODEL_DIR
from cnnlab.training.mnist import load_mnist

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "invariance.py")


@pytest.fixture
def at(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("CNNLAB_DEFAULT_MODEL_DIR", str(DEFAULT_MODEL_DIR))
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["student_id"] = new_lab_code()
    return app


def _z(z):
    """A Plotly heatmap's z as sent: a nested list, or numpy's binary form {dtype, bdata, shape}."""
    if isinstance(z, dict):
        raw = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"])
        return raw.reshape([int(n) for n in str(z["shape"]).split(",")])
    return np.array(z)


def _answers(at):
    return at.table[0].value


def test_sliders_change_the_digit_and_the_answers_follow(at):
    at.run()
    assert not at.exception and at.title[0].value == "Invariance lab"
    assert at.multiselect(key="invariance_models").value == [str(DEFAULT_MODEL_DIR)]
    answers = _answers(at)
    assert answers["Original"].iloc[0].startswith("7 (") and answers["Changed"].iloc[0].startswith("7 (")
    at.slider(key="invariance_rotate").set_value(30).run()
    at.slider(key="invariance_dx").set_value(3).run()
    assert not at.exception
    shown = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]["z"]
    expected = transforms.apply_all(load_mnist().x_test[0, :, :, 0], dx=3, degrees=30)
    np.testing.assert_allclose(_z(shown), expected, atol=1e-6)  # the picture is the transform
    assert _answers(at)["Original"].iloc[0].startswith("7 (")
    # the shipped model's curves come from models/default/robustness.json: no button to press
    assert any(c.proto.id for c in at.get("plotly_chart"))
    assert not [b for b in at.button if b.key == "invariance_compute"]
    assert any("from the cache" in c.value for c in at.caption)
