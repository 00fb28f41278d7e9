"""The teaching kernels, the example grid and the receptive-field helpers."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab.convolution import by_hand as cv
from cnnlab.convolution.kernels import (KERNELS, receptive_field_of_stack, receptive_mask, receptive_window,
                            small_grid_example)


def test_every_kernel_is_a_read_only_3x3_with_an_explanation():
    assert {"Identity", "Blur", "Sharpen", "Edge (outline)", "Sobel horizontal", "Sobel vertical",
            "Vertical line", "Horizontal line", "X shape"} <= set(KERNELS)
    for name, (weights, text) in KERNELS.items():
        assert weights.shape == (3, 3) and not weights.flags.writeable, name
        assert text.endswith(".") and len(text) < 120, name


def test_kernels_do_what_their_explanations_say():
    rng = np.random.default_rng(0)
    image = rng.random((8, 8))
    np.testing.assert_allclose(cv.convolve2d(image, KERNELS["Identity"].weights), image[1:-1, 1:-1])
    flat = np.full((5, 5), 0.7)
    assert np.isclose(cv.convolve2d(flat, KERNELS["Blur"].weights), 0.7).all()
    for edge in ("Edge (outline)", "Sobel horizontal", "Sobel vertical", "Vertical line",
                 "Horizontal line"):  # detectors: silent on a flat image
        assert np.allclose(cv.convolve2d(np.ones((5, 5)), KERNELS[edge].weights), 0), edge
    stripes = np.zeros((5, 5))
    stripes[:, 2] = 1  # a vertical stroke
    vertical = cv.convolve2d(stripes, KERNELS["Vertical line"].weights)
    horizontal = cv.convolve2d(stripes, KERNELS["Horizontal line"].weights)
    assert vertical.max() > horizontal.max()
    step = np.zeros((5, 5))
    step[:, 3:] = 1  # dark left, bright right: a vertical edge
    assert cv.convolve2d(step, KERNELS["Sobel vertical"].weights).max() > 0
    assert np.allclose(cv.convolve2d(step, KERNELS["Sobel horizontal"].weights), 0)


def test_x_kernel_scores_best_on_the_x_in_the_example_grid():
    grid = small_grid_example()
    assert grid.shape == (7, 7) and set(np.unique(grid)) == {0, 1}
    out = cv.convolve2d(grid, KERNELS["X shape"].weights)
    assert out.shape == (5, 5)
    assert np.unravel_index(out.argmax(), out.shape) == (2, 2)
    assert out[2, 2] == np.abs(KERNELS["X shape"].weights).sum() - 4  # 5 ones hit, 4 -1s on zeros


@pytest.mark.parametrize("n_layers,kernel,stride", [(1, 3, 1), (2, 3, 1), (3, 3, 1), (2, 3, 2), (3, 2, 2), (2, 5, 1)])
def test_receptive_field_matches_which_inputs_change_an_output(n_layers, kernel, stride):
    """Poke each input cell and see whether output (1, 1) of the stack changes."""
    size = receptive_field_of_stack(n_layers, kernel, stride) + 2 * stride ** n_layers + 2
    ones = np.ones((kernel, kernel))

    def stack(image):
        for _ in range(n_layers):
            image = cv.convolve2d(image, ones, stride, "valid")
        return image

    seen = np.zeros((size, size), dtype=bool)
    for r in range(size):
        for c in range(size):
            impulse = np.zeros((size, size))
            impulse[r, c] = 1
            seen[r, c] = stack(impulse)[1, 1] != 0
    np.testing.assert_array_equal(seen, receptive_mask(size, 1, 1, n_layers, kernel, stride))
    top, left, side = receptive_window(1, 1, n_layers, kernel, stride)
    assert seen.sum() == side * side


def test_two_3x3_layers_see_5x5_and_a_mask_past_the_edge_is_refused():
    assert receptive_field_of_stack(2) == 5
    assert receptive_field_of_stack(0) == 1
    with pytest.raises(ValueError):
        receptive_mask(5, 1, 1, 2)
