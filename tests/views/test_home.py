"""Home: the path through the pages, the student's design at a glance, and their lab code."""

from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from cnnlab.design import spec
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.design.presets import get_preset
from cnnlab.design.spec import Architecture, Conv2D, Dense
from tests.views.conftest import APP



@pytest.fixture
def at(fresh_server):
    return AppTest.from_file(APP, default_timeout=60)


def test_home_renders_the_path_with_a_link_to_every_page(at):
    at.run()
    assert not at.exception
    assert "CNN Lab" in at.title[0].value
    links = at.get("page_link")
    assert [link.proto.page for link in links] == ["convolution", "design", "train", "evaluate",
                                                   "draw", "invariance"]
    code = at.session_state["student_id"]
    assert all(link.proto.query_string == f"lab={code}" for link in links)


def test_home_shows_the_current_design_with_analyze_totals(at):
    arch = get_preset("cnn_a").arch
    at.session_state["design"] = arch
    at.run()
    assert not at.exception
    summary = analyze(arch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Total parameters"] == f"{summary.total_params:,}"
    assert metrics["Output"] == f"{summary.output_shape[0]:,} values"
    flow = " → ".join(spec.describe(layer) for layer in arch.layers)
    assert flow in [c.value for c in at.code]


def test_the_default_design_is_the_recommended_preset(at):
    at.run()
    total = analyze(get_preset("recommended").arch).total_params
    assert {m.label: m.value for m in at.metric}["Total parameters"] == f"{total:,}"


def test_a_design_that_cannot_be_analysed_shows_the_friendly_message(at):
    arch = Architecture((Conv2D(8, (3, 3)), Dense(10, "softmax")))
    with pytest.raises(LabError) as err:
        analyze(arch)
    at.session_state["design"] = arch
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [str(err.value)]
    assert not at.metric


def test_the_lab_code_is_shown_with_the_bookmark_advice(at):
    at.run()
    code = at.session_state["student_id"]
    assert code in [c.value for c in at.code]
    assert at.query_params["lab"] == code  # in the address, so a bookmark keeps it
    assert any("bookmark this page's address to come back to your runs" in m.value.lower()
               for m in at.markdown)
