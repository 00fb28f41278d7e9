"""The Convolution explained page: its numbers are cnnlab's, for whatever the student picks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnnlab.convolution import walkthrough as wt
from cnnlab.convolution.by_hand import output_size, output_size_formula, pool2d
from cnnlab.convolution.kernels import KERNELS, receptive_field_of_stack
from cnnlab.training.mnist import load_mnist
from cnnlab.convolution.receptive_field import compare_stack
from tests.views.conftest import open_page, page

ROOT = Path(__file__).resolve().parents[2]
PAGE = page("convolution")


@pytest.fixture
def at(fresh_server):
    return open_page("convolution")


def _codes(app) -> list[str]:
    return [c.value for c in app.code]


def _titles(app) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in app.get("plotly_chart")]


def _step_slider(app):
    (slider,) = [s for s in app.slider if s.key == "conv_step"]
    return slider


def _expected_walk(app):
    """The walkthrough the page should be showing, rebuilt from its widgets with cnnlab."""
    name = app.selectbox(key="conv_kernel").value
    kernel = (wt.box_kernel(app.select_slider(key="conv_box_size").value) if name == wt.BOX
              else KERNELS[name].weights)
    grid = wt.small_grids()[app.selectbox(key="conv_grid").value]
    return wt.walkthrough(grid, kernel, app.slider(key="conv_stride").value,
                          app.radio(key="conv_padding").value)


def test_page_renders_with_the_default_walkthrough(at):
    assert at.title[0].value == "Convolution explained"
    walk = _expected_walk(at)
    h_formula, w_formula = walk.formulas()
    assert h_formula in _codes(at) and w_formula in _codes(at)
    assert f"1 to {walk.n_steps}" in _step_slider(at).label
    assert f"Output so far ({walk.out_shape[0]} × {walk.out_shape[1]})" in _titles(at)


@pytest.mark.parametrize("stride, padding, kernel", [(2, "same", "Blur"), (3, "valid", "X shape"),
                                                     (1, "same", wt.BOX)])
def test_stride_padding_and_kernel_change_the_formula_and_output_size(at, stride, padding, kernel):
    at.slider(key="conv_stride").set_value(stride)
    at.radio(key="conv_padding").set_value(padding)
    at.selectbox(key="conv_kernel").select(kernel).run()
    if kernel == wt.BOX:
        at.select_slider(key="conv_box_size").set_value(4).run()
    assert not at.exception
    grid = wt.small_grids()[at.selectbox(key="conv_grid").value]
    k = 4 if kernel == wt.BOX else 3
    out_h = output_size(grid.shape[0], k, stride, padding)
    out_w = output_size(grid.shape[1], k, stride, padding)
    codes = _codes(at)
    assert output_size_formula(grid.shape[0], k, stride, padding) in codes
    assert output_size_formula(grid.shape[1], k, stride, padding) in codes
    assert f"Output so far ({out_h} × {out_w})" in _titles(at)
    assert f"1 to {out_h * out_w}" in _step_slider(at).label


@pytest.mark.parametrize("grid", ["X (7x7)", "Plus (7x7)"])
def test_the_written_out_sum_is_the_window_total_of_the_chosen_step(at, grid):
    at.selectbox(key="conv_grid").select(grid)
    at.selectbox(key="conv_kernel").select("Sobel vertical")
    at.radio(key="conv_padding").set_value("same").run()
    walk = _expected_walk(at)
    step = walk.n_steps // 2 + 1
    _step_slider(at).set_value(step).run()
    window = walk.window(step)
    row, col = walk.position(step)
    expression = wt.sum_expression(window, walk.kernel)
    assert expression in _codes(at)
    assert expression.endswith(f"= {wt.format_number(window.total)}")
    assert any(f"output cell (row {row}, col {col})" in m.value for m in at.markdown)


def test_arrow_buttons_move_one_step_and_stay_on_the_grid(at):
    at.button(key="conv_next").click().run()
    assert _step_slider(at).value == 2
    at.button(key="conv_prev").click().run()
    assert _step_slider(at).value == 1
    assert at.button(key="conv_prev").disabled  # nothing before the first cell
    walk = _expected_walk(at)
    _step_slider(at).set_value(walk.n_steps).run()
    assert at.button(key="conv_next").disabled
    at.slider(key="conv_stride").set_value(3).run()  # the output shrinks under the slider
    assert not at.exception
    assert _step_slider(at).value == _expected_walk(at).n_steps


def test_custom_kernel_renders(at):
    at.selectbox(key="conv_kernel").select(wt.CUSTOM).run()
    assert not at.exception
    assert "Kernel (3 × 3)" in _titles(at)


def test_real_digit_and_pooling_use_cnnlab_shapes(at):
    mnist = load_mnist()
    at.number_input(key="conv_digit").set_value(5)
    at.slider(key="conv_digit_stride").set_value(2)
    at.radio(key="conv_digit_padding").set_value("same")
    at.select_slider(key="conv_pool_size").set_value(3)
    at.radio(key="conv_pool_source").set_value("Feature map").run()
    assert not at.exception
    titles = _titles(at)
    side = output_size(28, 3, 2, "same")
    assert f"Test digit #5: a {int(mnist.y_test[5])} (28 × 28)" in titles
    assert f"After “Sobel vertical” ({side} × {side})" in titles
    fmap = wt.feature_map(mnist.x_test[5, :, :, 0], KERNELS["Sobel vertical"].weights, 2, "same")
    pooled = pool2d(fmap, 3)
    assert f"Max pooling ({pooled.shape[0]} × {pooled.shape[1]})" in titles
    captions = " ".join(c.value for c in at.caption)
    assert output_size_formula(28, 3, 2, "same") in captions
    assert output_size_formula(side, 3, 3, "valid") in captions


@pytest.mark.parametrize("n_layers", [1, 3])
def test_receptive_field_states_the_students_numbers(at, n_layers):
    at.slider(key="conv_rf_layers").set_value(n_layers)
    at.number_input(key="conv_rf_channels").set_value(16).run()
    field = receptive_field_of_stack(n_layers)
    assert any(f"depends on a {field} × {field} patch" in m.value for m in at.markdown)
    stack = compare_stack(n_layers, 16)
    metrics = {m.label: m.value for m in at.metric}
    if n_layers > 1:
        assert metrics[f"{n_layers} × 3×3 layers"] == f"{stack.stacked_weights:,} weights"
        assert metrics[f"1 × {field}×{field} layer"] == f"{stack.single_weights:,} weights"
    else:
        assert not metrics


def test_light_pages_do_not_import_tensorflow():
    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"conv = AppTest.from_file({PAGE!r}, default_timeout=120).run()\n"
        f"home = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=120).run()\n"
        "assert not conv.exception and not home.exception\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "HEAVY=\n" in done.stdout, done.stdout
