"""The step-by-step convolution shows Keras' numbers, one cell at a time, and writes them out right."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab.convolution import by_hand as cv
from cnnlab.convolution import walkthrough as wt
from cnnlab.errors import LabError
from cnnlab.convolution.kernels import KERNELS

CASES = [("X (7x7)", "X shape", 1, "valid"), ("Plus (7x7)", "Sobel vertical", 2, "same"),
         ("Vertical edge (6x6)", "box4", 3, "same"), ("Horizontal edge (6x6)", "box2", 1, "same")]


def _kernel(name: str) -> np.ndarray:
    return wt.box_kernel(int(name[3:])) if name.startswith("box") else KERNELS[name].weights


def test_small_grids_are_tiny_read_only_pictures_of_zeros_and_ones():
    grids = wt.small_grids()
    assert len(grids) >= 3
    for name, grid in grids.items():
        assert grid.ndim == 2 and max(grid.shape) <= 8 and not grid.flags.writeable, name
        assert set(np.unique(grid)) <= {0, 1}, name
    assert wt.kernel_names()[:len(KERNELS)] == list(KERNELS)
    assert {wt.BOX, wt.CUSTOM} <= set(wt.kernel_names())


def test_walkthrough_output_is_keras_conv2d():
    keras = pytest.importorskip("keras")
    for grid_name, kernel_name, stride, padding in CASES:
        grid, kernel = wt.small_grids()[grid_name], _kernel(kernel_name)
        walk = wt.walkthrough(grid, kernel, stride, padding)
        layer = keras.layers.Conv2D(1, kernel.shape, strides=stride, padding=padding, use_bias=False)
        layer.build((1, *grid.shape, 1))
        layer.set_weights([kernel[:, :, None, None].astype("float32")])
        expected = np.asarray(layer(grid[None, :, :, None].astype("float32")))[0, :, :, 0]
        np.testing.assert_allclose(walk.output, expected, atol=1e-5, err_msg=str(grid_name))


@pytest.mark.parametrize("grid_name, kernel_name, stride, padding", CASES)
def test_every_step_computes_its_own_output_cell(grid_name, kernel_name, stride, padding):
    grid, kernel = wt.small_grids()[grid_name], _kernel(kernel_name)
    walk = wt.walkthrough(grid, kernel, stride, padding)
    out_h, out_w = (cv.output_size(n, k, stride, padding) for n, k in zip(grid.shape, kernel.shape))
    assert walk.out_shape == (out_h, out_w) and walk.n_steps == out_h * out_w
    padded, pads = cv.pad(grid, padding, kernel.shape, stride)
    np.testing.assert_array_equal(walk.padded, padded)
    assert walk.pads == pads
    for step in range(1, walk.n_steps + 1):
        row, col = walk.position(step)
        assert (row, col) == cv.positions(out_h, out_w)[step - 1]
        win = walk.window(step)
        assert win.total == pytest.approx(walk.output[row, col])
        r0, c0, r1, c1 = walk.highlight(step)
        np.testing.assert_array_equal(walk.padded[r0:r1, c0:c1], win.patch)
        partial = walk.partial_output(step)
        assert np.isnan(partial).sum() == walk.n_steps - step
        np.testing.assert_array_equal(partial.ravel()[:step], walk.output.ravel()[:step])
    with pytest.raises(ValueError):
        walk.position(walk.n_steps + 1)
    assert walk.formulas() == (cv.output_size_formula(grid.shape[0], kernel.shape[0], stride, padding),
                               cv.output_size_formula(grid.shape[1], kernel.shape[1], stride, padding))


def test_sum_expression_adds_up_to_the_cell():
    walk = wt.walkthrough(wt.small_grids()["X (7x7)"], KERNELS["Blur"].weights, 1, "same")
    for step in (1, 9, walk.n_steps):
        win = walk.window(step)
        text = wt.sum_expression(win, walk.kernel)
        left, right = text.rsplit(" = ", 1)
        assert right == wt.format_number(win.total)
        terms = left.split(" + ")
        assert len(terms) == walk.kernel.size
        value = sum(float(x.strip("()")) * float(w.strip("()"))
                    for x, w in (t.split("×") for t in terms))
        assert value == pytest.approx(win.total, abs=1e-3)
    sobel = wt.walkthrough(wt.small_grids()["X (7x7)"], KERNELS["Sobel vertical"].weights)
    assert "×(-1)" in wt.sum_expression(sobel.window(1), sobel.kernel)  # negatives in brackets


def test_format_number_is_short():
    assert [wt.format_number(v) for v in (3.0, -1.0, 0.0625, 1 / 3)] == ["3", "-1", "0.0625", "0.333"]
    assert wt.format_number(float("nan")) == ""


def test_box_and_custom_kernels():
    np.testing.assert_array_equal(wt.box_kernel(4), np.ones((4, 4)))
    with pytest.raises(ValueError):
        wt.box_kernel(0)
    kernel = wt.custom_kernel([[1, None, 2], [0, 1, 0], [-1, -2, float("nan")]])
    np.testing.assert_array_equal(kernel, [[1, 0, 2], [0, 1, 0], [-1, -2, 0]])
    with pytest.raises(ValueError):
        wt.custom_kernel([[1, 2], [3, 4]])
    with pytest.raises(ValueError):
        wt.custom_kernel([[np.inf, 0, 0], [0, 0, 0], [0, 0, 0]])


def test_a_kernel_too_big_for_valid_padding_is_a_friendly_error():
    with pytest.raises(LabError, match="same"):
        wt.walkthrough(np.zeros((3, 3)), wt.box_kernel(5), 1, "valid")


def test_padding_note_names_the_border():
    grid = wt.small_grids()["X (7x7)"]
    assert "no border" in wt.walkthrough(grid, wt.box_kernel(3)).padding_note()
    note = wt.walkthrough(grid, wt.box_kernel(2), 1, "same").padding_note()
    assert "0 top, 1 bottom, 0 left, 1 right" in note


def test_feature_map_and_pooling_follow_the_convolution_module():
    rng = np.random.default_rng(0)
    digit = rng.random((28, 28))
    kernel = KERNELS["Sobel horizontal"].weights
    raw = wt.feature_map(digit, kernel, 2, "same")
    np.testing.assert_array_equal(raw, cv.convolve2d(digit, kernel, 2, "same"))
    np.testing.assert_array_equal(wt.feature_map(digit, kernel, relu=True),
                                  np.maximum(cv.convolve2d(digit, kernel), 0))
    pools = wt.pooled(raw, 3, 2, "same")
    np.testing.assert_array_equal(pools["max"], cv.pool2d(raw, 3, 2, "same", "max"))
    np.testing.assert_array_equal(pools["average"], cv.pool2d(raw, 3, 2, "same", "average"))
