"""The keyboard grid gives the same kind of picture as the canvas: white cells on black, RGBA."""

import numpy as np
import pytest

from cnnlab.drawing import grid
from cnnlab.drawing.preprocess import is_empty, preprocess_digit


def test_cells_become_white_blocks_on_black_at_the_canvas_size():
    image = grid.grid_image({(0, 0), (6, 6)})
    assert image.shape == (grid.CANVAS, grid.CANVAS, 4) and image.dtype == np.uint8
    assert (image[..., 3] == 255).all()
    cell = grid.CANVAS // grid.ROWS
    assert (image[:cell, :cell, :3] == 255).all() and (image[-cell:, -cell:, :3] == 255).all()
    assert image[..., 0].sum() == 2 * cell * cell * 255  # nothing else is lit


def test_an_empty_grid_is_empty_and_a_lit_one_is_prepared_like_a_drawing():
    assert is_empty(grid.grid_image(set()))
    steps = preprocess_digit(grid.grid_image(grid.cells_from_rows(
        grid.pattern_rows(grid.EXAMPLES["1"]))))
    assert steps.final28.shape == (28, 28) and steps.model_input.shape == (1, 28, 28, 1)


def test_rows_of_one_based_columns_and_text_patterns_agree():
    assert grid.pattern_rows("#..\n.#.\n..#") == [[1], [2], [3]]
    assert grid.cells_from_rows([[1], [2], [3]]) == {(0, 0), (1, 1), (2, 2)}
    assert all(len(grid.pattern_rows(p)) == grid.ROWS for p in grid.EXAMPLES.values())


def test_a_cell_outside_the_grid_is_refused():
    with pytest.raises(ValueError):
        grid.grid_image({(7, 0)})
