"""The Design page: presets, per-layer editing, the live table, errors at the layer, JSON, code."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab.codegen import generate as codegen

from cnnlab.design import spec
from cnnlab.design.arithmetic import analyze
from cnnlab.design.table import table_rows
from cnnlab.design.presets import get_preset
from tests.views.conftest import open_page as open_view, page

REPO = Path(__file__).resolve().parents[2]
PAGE = page("design")


pytestmark = pytest.mark.usefixtures("fresh_server")


def open_page() -> AppTest:
    return open_view("design", timeout=30)


def load(at: AppTest, key: str) -> AppTest:
    at.selectbox(key="design_preset").select(key).run()
    at.button(key="design_load_preset").click().run()
    assert not at.exception
    return at


def uid(at: AppTest, position: int) -> int:
    """The stable id of the layer at 1-based `position`."""
    return at.session_state["design_layers"][position - 1]["uid"]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def table(at: AppTest) -> list[dict]:
    return at.table[0].value.to_dict("records")


def code(at: AppTest) -> str:
    """The code block's text; st.code drops the script's final newline."""
    return at.code[0].value


def script(arch: spec.Architecture, style: str) -> str:
    return codegen.generate_script(arch, style).rstrip("\n")


def shown_design(at: AppTest) -> spec.Architecture:
    return at.session_state["design"]


def test_renders_without_exceptions():
    at = open_page()
    assert "design" in at.title[0].value.lower()
    assert not at.error
    assert table(at) == table_rows(analyze(get_preset("recommended").arch))


def test_loading_cnn_a_shows_its_exact_parameter_count():
    at = load(open_page(), "cnn_a")
    expected = analyze(get_preset("cnn_a").arch).total_params
    assert metric(at, "Parameters") == f"{expected:,}"
    assert metric(at, "Parameters") == "104,202"  # the number quoted in the course
    assert table(at)[-1]["Parameters"] == f"{expected:,}"
    assert shown_design(at) == get_preset("cnn_a").arch
    baseline = analyze(get_preset("dense_baseline").arch).total_params
    assert metric(at, "Parameters / dense baseline") == f"{expected / baseline:,.2f}×"


def test_editing_a_layer_updates_the_table_to_the_exact_numbers():
    at = load(open_page(), "cnn_a")
    first = uid(at, 1)
    at.number_input(key=f"design_{first}_filters").set_value(16).run()
    at.number_input(key=f"design_{first}_kernel_h").set_value(5).run()
    assert not at.exception and not at.error
    base = get_preset("cnn_a").arch
    edited = base.replace_layer(0, dataclasses.replace(base.layers[0], filters=16,
                                                       kernel_size=(5, 5)))
    assert shown_design(at) == edited
    assert table(at) == table_rows(analyze(edited))
    assert metric(at, "Parameters") == f"{analyze(edited).total_params:,}"


def test_a_rectangular_kernel_and_pooling_strides_follow_the_widgets():
    at = load(open_page(), "cnn_a")
    first, pool = uid(at, 1), uid(at, 2)
    at.toggle(key=f"design_{first}_square").set_value(False).run()
    at.number_input(key=f"design_{first}_kernel_w").set_value(5).run()
    at.toggle(key=f"design_{pool}_stride_auto").set_value(False).run()
    at.toggle(key=f"design_{pool}_square").set_value(False).run()
    at.number_input(key=f"design_{pool}_stride_h").set_value(1).run()
    assert not at.exception and not at.error
    layers = shown_design(at).layers
    assert layers[0].kernel_size == (3, 5)
    assert layers[1].strides == (1, 2)  # not square: only the height stride changed
    assert layers[1].pool_size == (2, 2)
    assert table(at) == table_rows(analyze(shown_design(at)))


def test_an_impossible_design_names_the_layer_and_keeps_the_last_valid_one():
    at = load(open_page(), "cnn_a")
    last_conv = uid(at, 5)  # Conv2D 128 3x3 valid on a 5x5 map
    at.number_input(key=f"design_{last_conv}_kernel_h").set_value(7).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 2  # at the top and at layer 5
    assert all("Layer 5" in text for text in errors)
    assert any("see layer 5" in text for text in errors)
    assert "last valid design" in " ".join(i.value for i in at.info)
    # the table, totals and code still show cnn_a
    assert shown_design(at) == get_preset("cnn_a").arch
    assert table(at) == table_rows(analyze(get_preset("cnn_a").arch))
    assert metric(at, "Parameters") == "104,202"
    assert code(at) == script(get_preset("cnn_a").arch, "sequential")
    # fixing the layer clears the error
    at.number_input(key=f"design_{last_conv}_kernel_h").set_value(3).run()
    assert not at.error


def test_many_pooling_layers_are_reported_at_the_layer_that_no_longer_fits():
    at = load(open_page(), "cnn_a")
    first = uid(at, 1)
    for _ in range(4):  # 26 -> 13 -> 6 -> 3 -> 1, then cnn_a's own pooling has nothing to pool
        at.selectbox(key=f"design_{first}_insert_type").select("MaxPooling2D").run()
        at.button(key=f"design_{first}_insert").click().run()
    assert not at.exception
    assert [r["type"] for r in at.session_state["design_layers"]][:6] == (
        ["Conv2D"] + ["MaxPooling2D"] * 5)
    errors = [e.value for e in at.error]
    assert len(errors) == 2 and all("Layer 6 (MaxPooling2D 2x2)" in e for e in errors)
    assert "1x1" in errors[0]  # the message says what the input size was
    assert shown_design(at) == get_preset("cnn_a").arch
    assert table(at) == table_rows(analyze(get_preset("cnn_a").arch))


def test_insert_move_and_remove_keep_each_value_with_its_layer():
    at = load(open_page(), "cnn_a")
    first = uid(at, 1)
    at.number_input(key=f"design_{first}_filters").set_value(8).run()
    at.selectbox(key=f"design_{first}_insert_type").select("BatchNormalization").run()
    at.button(key=f"design_{first}_insert").click().run()
    types = [layer.type for layer in shown_design(at).layers]
    assert types[:3] == ["Conv2D", "BatchNormalization", "MaxPooling2D"]
    at.button(key=f"design_{first}_down").click().run()
    layers = shown_design(at).layers
    assert layers[0] == spec.BatchNormalization()
    assert layers[1].type == "Conv2D" and layers[1].filters == 8  # the value moved with its layer
    assert at.number_input(key=f"design_{first}_filters").value == 8
    at.button(key=f"design_{first}_up").click().run()
    bn = uid(at, 2)
    at.button(key=f"design_{bn}_remove").click().run()
    assert not at.exception and not at.error
    expected = get_preset("cnn_a").arch
    expected = expected.replace_layer(0, dataclasses.replace(expected.layers[0], filters=8))
    assert shown_design(at) == expected
    assert table(at) == table_rows(analyze(expected))


def test_importing_a_good_file_replaces_the_design():
    at = open_page()
    good = get_preset("lenet5").arch.to_json().encode()
    at.file_uploader(key="design_upload").set_value(("lenet.json", good, "application/json")).run()
    assert not at.exception and not at.error
    assert shown_design(at) == get_preset("lenet5").arch
    assert "Loaded lenet.json" in at.success[0].value
    assert table(at) == table_rows(analyze(get_preset("lenet5").arch))


@pytest.mark.parametrize("content, words", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00binary", "not text"),
    (b'{"layers": [{"type": "Conv3D", "filters": 2}]}', "unknown layer type"),
    (b'{"layers": [{"type": "Conv2D", "filters": 99999, "kernel_size": 3}, {"type": "Flatten"},'
     b' {"type": "Dense", "units": 10, "activation": "softmax"}]}', "cap"),
])
def test_a_bad_file_shows_why_and_keeps_the_design(content, words):
    at = load(open_page(), "cnn_a")
    at.file_uploader(key="design_upload").set_value(("bad.json", content, "application/json")).run()
    assert not at.exception
    assert any("Could not load bad.json" in e.value and words in e.value for e in at.error)
    assert shown_design(at) == get_preset("cnn_a").arch
    assert len(at.session_state["design_layers"]) == len(get_preset("cnn_a").arch.layers)


def test_a_file_over_the_upload_cap_is_refused(monkeypatch):
    monkeypatch.setenv("CNNLAB_MAX_UPLOAD_BYTES", "100")
    st.cache_resource.clear()
    at = open_page()
    big = get_preset("vgg_small").arch.to_json().encode()
    at.file_uploader(key="design_upload").set_value(("big.json", big, "application/json")).run()
    assert any("at most 100 bytes" in e.value for e in at.error)
    assert shown_design(at) == get_preset("recommended").arch


def test_pasting_json_loads_the_design():
    at = open_page()
    at.text_area(key="design_paste").input(get_preset("cnn_c").arch.to_json()).run()
    at.button(key="design_use_paste").click().run()
    assert not at.exception and not at.error
    assert shown_design(at) == get_preset("cnn_c").arch


def test_the_code_section_shows_codegen_output_in_both_styles():
    at = load(open_page(), "cnn_b")
    arch = get_preset("cnn_b").arch
    assert code(at) == script(arch, "sequential")
    at.segmented_control(key="design_code_style").set_value("functional").run()
    assert code(at) == script(arch, "functional")
    assert "keras.Model(inputs, outputs)" in code(at)


def test_a_residual_design_explains_why_the_code_is_functional():
    at = load(open_page(), "resnet_small")
    assert not at.exception
    assert any("ResidualBlock" in i.value for i in at.info)
    assert code(at) == script(get_preset("resnet_small").arch, "sequential")


def test_the_page_never_imports_tensorflow():
    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({PAGE!r}, default_timeout=30)\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
        "print('HEAVY', bad)\n"
        "sys.exit(1 if bad else 0)\n")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_layers_above_a_failing_one_still_show_their_shapes():
    at = load(open_page(), "cnn_a")
    at.number_input(key=f"design_{uid(at, 5)}_kernel_h").set_value(7).run()
    text = " ".join(m.value for m in at.markdown)
    for stats in analyze(get_preset("cnn_a").arch).layers[:4]:
        shape = " × ".join(f"{d:,}" for d in stats.output_shape)
        assert f"**{stats.position}. {stats.type}** `{stats.name}`  \n→ **{shape}**" in text
    assert "**5. Conv2D** `conv2d_5`" in text and "**5. Conv2D** `conv2d_5`  \n→" not in text


def test_a_design_chosen_on_another_page_replaces_the_rows():
    at = load(open_page(), "cnn_a")
    at.session_state["design"] = get_preset("cnn_c").arch  # e.g. the Train page loaded a run
    at.run()
    assert not at.exception
    assert [r["type"] for r in at.session_state["design_layers"]] == [
        layer.type for layer in get_preset("cnn_c").arch.layers]
    assert table(at) == table_rows(analyze(get_preset("cnn_c").arch))


def test_an_unfinished_edit_is_kept_while_the_design_is_invalid():
    at = load(open_page(), "cnn_a")
    at.number_input(key=f"design_{uid(at, 5)}_kernel_h").set_value(7).run()
    at.run()  # any rerun, e.g. after visiting another page
    assert at.session_state["design_layers"][4]["kernel_size"] == [7, 7]
    assert shown_design(at) == get_preset("cnn_a").arch


def test_adding_layers_stops_at_the_server_cap(monkeypatch):
    monkeypatch.setenv("CNNLAB_MAX_LAYERS", "8")
    st.cache_resource.clear()
    at = load(open_page(), "cnn_a")  # 7 layers
    at.button(key="design_add").click().run()
    assert len(at.session_state["design_layers"]) == 8
    assert at.button(key="design_add").disabled


def test_design_warnings_are_shown():
    at = load(open_page(), "cnn_a")
    last = uid(at, 7)
    at.selectbox(key=f"design_{last}_activation").select("relu").run()
    assert not at.exception and not at.error
    expected = analyze(shown_design(at)).warnings
    assert expected and [w.value for w in at.warning] == list(expected)


def test_the_new_layer_types_edit_like_the_others():
    """MobileNet's preset: its dilation, bias, ReLU cap, border and depth multiplier widgets."""
    at = load(open_page(), "mobilenet_small")
    arch = get_preset("mobilenet_small").arch
    assert shown_design(at) == arch and table(at) == table_rows(analyze(arch))
    first, relu, pad, sep = uid(at, 1), uid(at, 3), uid(at, 10), uid(at, 11)
    at.number_input(key=f"design_{first}_dilation_h").set_value(2).run()  # with stride 2
    assert any("dilation_rate" in e.value for e in at.error)
    at.number_input(key=f"design_{first}_stride_h").set_value(1).run()
    at.toggle(key=f"design_{first}_use_bias").set_value(True).run()
    at.number_input(key=f"design_{relu}_max_value").set_value(1.5).run()
    at.toggle(key=f"design_{uid(at, 6)}_max_value_on").set_value(False).run()
    at.number_input(key=f"design_{pad}_border_h").set_value(2).run()
    at.number_input(key=f"design_{sep}_depth_multiplier").set_value(2).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    layers = shown_design(at).layers
    assert (layers[0].dilation_rate, layers[0].strides, layers[0].use_bias) == ((2, 2), (1, 1),
                                                                                True)
    assert layers[2] == spec.ReLU(1.5) and layers[5] == spec.ReLU()
    assert layers[9] == spec.ZeroPadding2D((2, 2))
    assert layers[10].depth_multiplier == 2
    assert table(at) == table_rows(analyze(shown_design(at)))
    assert "layers.SeparableConv2D(64, 3, strides=2, depth_multiplier=2, " in code(at)
