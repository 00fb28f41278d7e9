"""The convolution figures draw exactly the numbers they are given, where the page says they are."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab.convolution import by_hand as cv
from cnnlab.convolution.kernels import KERNELS
from cnnlab.plots import convolution as plots
from cnnlab.convolution.receptive_field import compare_stack, receptive_rings
from cnnlab.convolution.walkthrough import format_number, small_grids, walkthrough


def _trace(fig, name):
    (trace,) = [t for t in fig.data if t.name == name]
    return trace


def _shapes(fig, name):
    return [s for s in fig.layout.shapes if s.name == name]


def _cells(shape) -> set[tuple[int, int]]:
    """The (row, col) cells a unit-cell rectangle covers."""
    rows = range(round(shape.y0 + 0.5), round(shape.y1 + 0.5))
    cols = range(round(shape.x0 + 0.5), round(shape.x1 + 0.5))
    return {(r, c) for r in rows for c in cols}


def test_grid_heatmap_shows_the_values_and_their_numbers_row_zero_on_top():
    values = np.arange(12).reshape(3, 4) / 4
    fig = plots.grid_heatmap(values, "A grid")
    trace = _trace(fig, "values")
    np.testing.assert_array_equal(np.array(trace.z), values)
    assert [list(row) for row in trace.text] == [[format_number(v) for v in row] for row in values]
    assert trace.texttemplate == "%{text}"
    assert fig.layout.title.text == "A grid"
    y_range = fig.layout.yaxis.range
    assert y_range[0] > y_range[1]  # reversed: row 0 at the top, as in the array
    assert list(fig.layout.xaxis.tickvals) == [0, 1, 2, 3]
    assert not _shapes(fig, "padding") and not _shapes(fig, "highlight")


def test_highlight_outlines_exactly_the_window_cells():
    fig = plots.grid_heatmap(np.zeros((6, 7)), highlight=(1, 2, 4, 5))
    (box,) = _shapes(fig, "highlight")
    assert (box.x0, box.x1, box.y0, box.y1) == (1.5, 4.5, 0.5, 3.5)
    assert _cells(box) == {(r, c) for r in range(1, 4) for c in range(2, 5)}
    with pytest.raises(ValueError):
        plots.grid_heatmap(np.zeros((3, 3)), highlight=(1, 1, 4, 2))


@pytest.mark.parametrize("pads", [(1, 1, 1, 1), (0, 1, 0, 1), (2, 1, 0, 3)])
def test_padding_strips_cover_exactly_the_border(pads):
    top, bottom, left, right = pads
    rows, cols = 5 + top + bottom, 6 + left + right
    fig = plots.grid_heatmap(np.zeros((rows, cols)), pad=pads)
    covered = [_cells(s) for s in _shapes(fig, "padding")]
    union = set().union(*covered)
    assert sum(len(c) for c in covered) == len(union)  # no cell tinted twice
    border = {(r, c) for r in range(rows) for c in range(cols)
              if r < top or r >= rows - bottom or c < left or c >= cols - right}
    assert union == border
    (edge,) = _shapes(fig, "image edge")
    assert _cells(edge) == {(r, c) for r in range(top, rows - bottom)
                            for c in range(left, cols - right)}
    assert list(fig.layout.xaxis.ticktext)[left] == "0"  # the image's own column 0
    assert list(fig.layout.yaxis.ticktext)[top] == "0"


def test_padding_matches_the_walkthrough_of_a_same_convolution():
    walk = walkthrough(small_grids()["X (7x7)"], np.ones((2, 2)), 1, "same")
    fig = plots.grid_heatmap(walk.padded, pad=walk.pads, highlight=walk.highlight(7))
    assert walk.pads == (0, 1, 0, 1)
    tinted = set().union(*(_cells(s) for s in _shapes(fig, "padding")))
    assert tinted == {(int(r), int(c)) for r, c in np.argwhere(_border(walk))}
    (box,) = _shapes(fig, "highlight")
    win = walk.window(7)
    assert (box.y0 + 0.5, box.x0 + 0.5) == (win.top, win.left)


def _border(walk):
    top, bottom, left, right = walk.pads
    mask = np.ones(walk.padded.shape, bool)
    mask[top:walk.padded.shape[0] - bottom, left:walk.padded.shape[1] - right] = False
    return mask


def test_unfilled_output_cells_are_empty_and_colours_stay_put():
    walk = walkthrough(small_grids()["X (7x7)"], KERNELS["X shape"].weights)
    partial = walk.partial_output(3)
    fig = plots.grid_heatmap(partial, scale_like=walk.output)
    trace = _trace(fig, "values")
    z = np.array(trace.z, dtype=float)
    np.testing.assert_array_equal(np.isnan(z), np.isnan(partial))
    assert list(trace.text[0][:3]) == [format_number(v) for v in walk.output[0, :3]]
    assert trace.text[0][3] == ""
    assert _trace(fig, "empty")  # the not-yet-computed cells get their own background
    top = np.abs(walk.output).max()
    assert (trace.zmin, trace.zmax) == (-top, top)  # from the finished output, not the first 3


def test_signed_values_use_a_symmetric_diverging_scale():
    fig = plots.grid_heatmap(np.array([[-1.0, 3.0]]))
    trace = _trace(fig, "values")
    assert trace.zmin == -3 and trace.zmax == 3
    assert trace.colorscale != _trace(plots.grid_heatmap(np.array([[0.0, 1.0]])), "values").colorscale
    with pytest.raises(ValueError):
        plots.grid_heatmap(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError):
        plots.grid_heatmap(np.zeros((3, 3)), pad=(2, 2, 0, 0))


def test_image_heatmap_draws_a_digit_in_grey_and_a_feature_map_around_zero():
    rng = np.random.default_rng(1)
    digit = rng.random((28, 28))
    fig = plots.image_heatmap(digit, "Digit")
    trace = _trace(fig, "values")
    np.testing.assert_array_equal(np.array(trace.z), digit)
    assert (trace.zmin, trace.zmax) == (0, 1)
    assert trace.texttemplate is None and fig.layout.title.text == "Digit"
    fmap = cv.convolve2d(digit, KERNELS["Sobel vertical"].weights, 2, "same")
    signed = _trace(plots.image_heatmap(fmap), "values")
    np.testing.assert_array_equal(np.array(signed.z), fmap)
    assert signed.zmin == -signed.zmax == -np.abs(fmap).max()
    pooled = cv.pool2d(np.maximum(fmap, 0), 2)
    same_scale = _trace(plots.image_heatmap(pooled, scale_like=np.maximum(fmap, 0)), "values")
    assert same_scale.zmax == max(1.0, np.maximum(fmap, 0).max())


@pytest.mark.parametrize("n_layers", [1, 2, 5])
def test_receptive_figure_outlines_the_field_around_the_output_cell(n_layers):
    rings = receptive_rings(n_layers, 13)
    fig = plots.receptive_figure(rings, "sees")
    np.testing.assert_array_equal(np.array(fig.data[0].z), rings)
    (box,) = _shapes(fig, "highlight")
    field = compare_stack(n_layers).field
    assert _cells(box) == {(int(r), int(c)) for r, c in np.argwhere(rings > 0)}
    assert box.x1 - box.x0 == field
    marker = _trace(fig, "output cell")
    assert (marker.x[0], marker.y[0]) == (6, 6)
    assert fig.data[0].text[6][6] == "1" and fig.data[0].text[0][0] == ""


def test_grid_height_grows_with_rows_within_limits():
    assert plots.grid_height(3) < plots.grid_height(9) <= 420
    assert plots.shape_text((26, 26)) == "26 × 26"
