"""Evaluate page figures: the confusion matrix shows exactly the counts (or row percentages) it is
given, galleries hold each image and its caption, filter grids each kernel, and the comparison
charts one series per run with the runs' own numbers."""

import base64
import io
import math

import numpy as np
import pytest
from PIL import Image

from cnnlab.evaluation import metrics
from cnnlab.evaluation.compare import ComparisonRow, HistoryRow
from cnnlab.plots import evaluation as plots


@pytest.fixture
def cm():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, 600)
    y_pred = np.where(rng.random(600) < 0.8, y_true, rng.integers(0, 10, 600))
    return metrics.confusion_matrix(y_true, y_pred)


def test_confusion_heatmaps_together_hold_the_matrix_diagonal_green_mistakes_red(cm):
    fig = plots.confusion_figure(cm)
    wrong, right, cells = fig.data
    wrong_z, right_z = np.array(wrong.z, float), np.array(right.z, float)
    diag = np.eye(10, dtype=bool)
    assert np.all(np.isnan(wrong_z[diag])) and np.all(np.isnan(right_z[~diag]))
    assert np.array_equal(wrong_z[~diag], cm[~diag])
    # the diagonal is coloured by recall, so one scale fits models good and bad
    recall = [m.recall * 100 for m in metrics.per_class(cm)]
    assert np.allclose(right_z[diag], recall)
    assert (right.zmin, right.zmax) == (0, 100)
    assert wrong.zmax == cm[~diag].max()
    assert wrong.colorscale != right.colorscale


def test_confusion_cells_are_annotated_with_their_counts_and_empty_mistakes_left_blank(cm):
    cm = cm.copy()
    cm[3, 5] = 0
    fig = plots.confusion_figure(cm)
    wrong_text, right_text = np.array(fig.data[0].text), np.array(fig.data[1].text)
    for t in range(10):
        for p in range(10):
            text = right_text[t, p] if t == p else wrong_text[t, p]
            assert text == ("" if cm[t, p] == 0 and t != p else f"{cm[t, p]:,}")
    assert fig.data[0].texttemplate == "%{text}"


def test_percent_mode_shows_each_row_as_percent_of_the_true_digit(cm):
    fig = plots.confusion_figure(cm, mode="percent")
    wrong_z = np.array(fig.data[0].z, float)
    rows = cm.sum(axis=1, keepdims=True)
    expected = 100 * cm / rows
    off = ~np.eye(10, dtype=bool)
    assert np.allclose(wrong_z[off], expected[off])
    assert fig.data[1].text[4][4] == f"{expected[4, 4]:.1f}%"
    with pytest.raises(ValueError):
        plots.confusion_figure(cm, mode="log")


def test_every_cell_has_a_clickable_marker_with_its_true_and_predicted_digit(cm):
    cells = plots.confusion_figure(cm).data[2]
    assert cells.type == "scatter" and cells.marker.opacity == 0
    pairs = list(zip(cells.y, cells.x))
    assert sorted(pairs) == [(t, p) for t in range(10) for p in range(10)]
    for (t, p), data in zip(pairs, cells.customdata):
        assert data[0] == cm[t, p] and data[2] == cm[t].sum()


def test_the_selected_cell_is_outlined_and_true_digit_rows_run_down(cm):
    fig = plots.confusion_figure(cm, selected=(4, 9))
    (shape,) = fig.layout.shapes
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (8.5, 9.5, 3.5, 4.5)
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.title.text == "predicted digit"
    assert fig.layout.yaxis.title.text == "true digit"
    assert not plots.confusion_figure(cm).layout.shapes
    with pytest.raises(ValueError):
        plots.confusion_figure(np.zeros((3, 4)))


def decode(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def test_a_gallery_puts_every_image_in_one_png_with_its_caption_below():
    rng = np.random.default_rng(1)
    images = rng.random((11, 28, 28, 1)).astype(np.float32)
    captions = [f"image {i}" for i in range(11)]
    fig = plots.image_gallery(images, captions, columns=4)
    (picture,) = fig.data
    canvas = decode(picture.source)
    pitch_y, pitch_x = 28 + plots.GAP + plots.CAPTION_ROOM, 28 + plots.GAP
    assert canvas.shape == (3 * pitch_y - plots.GAP, 4 * pitch_x - plots.GAP)
    assert [a.text for a in fig.layout.annotations] == captions
    for i, annotation in enumerate(fig.layout.annotations):
        r, c = divmod(i, 4)
        top, left = r * pitch_y, c * pitch_x
        tile = canvas[top:top + 28, left:left + 28].astype(np.float32)
        assert np.abs(tile - images[i, :, :, 0] * 255).max() <= 0.5  # 0 black .. 255 white
        assert annotation.y > top + 27  # below its image (rows run down)
        assert left <= annotation.x <= left + 28
    assert np.all(canvas[:28, 28:28 + plots.GAP] == 255)  # white gaps between tiles
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # row 0 on top
    with pytest.raises(ValueError):
        plots.image_gallery(images, captions[:3])


def test_an_empty_gallery_is_an_empty_figure():
    assert not plots.image_gallery(np.zeros((0, 28, 28)), []).data


def test_filter_tiles_average_channels_and_scale_each_filter_to_its_largest_weight():
    rng = np.random.default_rng(2)
    kernels = rng.normal(size=(3, 3, 2, 5)).astype(np.float32)
    kernels[..., 4] = 0.0  # a dead filter stays zero instead of dividing by zero
    tiles = plots.filter_tiles(kernels)
    assert tiles.shape == (5, 3, 3)
    for f in range(4):
        mean = kernels[:, :, :, f].mean(axis=2)
        assert np.allclose(tiles[f], mean / np.abs(mean).max())
    assert np.all(tiles[4] == 0)


def test_the_filter_grid_shows_each_filter_on_a_diverging_scale_with_raw_weights_on_hover():
    rng = np.random.default_rng(3)
    kernels = rng.normal(size=(3, 3, 1, 10)).astype(np.float32)
    fig = plots.filter_grid(kernels, columns=4)
    heat = fig.data[0]
    canvas = np.array(heat.z, dtype=np.float32)
    custom = np.array(heat.customdata, dtype=np.float32)
    assert (heat.zmin, heat.zmid, heat.zmax) == (-1, 0, 1)
    assert canvas.shape == (3 * 4 - 1, 4 * 4 - 1)  # 3 rows of 4 tiles, 1-pixel gaps
    for f in range(10):
        r, c = divmod(f, 4)
        block = (slice(r * 4, r * 4 + 3), slice(c * 4, c * 4 + 3))
        assert np.all(custom[block][..., 0] == f + 1)
        assert np.allclose(custom[block][..., 1], kernels[:, :, 0, f])
        assert np.isclose(np.abs(canvas[block]).max(), 1.0)


def test_history_overlay_draws_one_line_per_run_of_the_chosen_curve():
    rows = [HistoryRow("a", e, m, v) for e, v in ((1, 0.9), (2, 0.95)) for m in ("val_accuracy",)]
    rows += [HistoryRow("b", 1, "val_accuracy", 0.8), HistoryRow("b", 1, "loss", 0.5)]
    fig = plots.history_overlay(rows, "val_accuracy", "Validation accuracy", names=["b", "a"])
    assert [t.name for t in fig.data] == ["b", "a"]
    assert list(fig.data[1].x) == [1, 2] and list(fig.data[1].y) == [0.9, 0.95]
    assert fig.data[0].line.color == plots.RUN_COLORS[0]
    assert fig.data[1].line.color == plots.RUN_COLORS[1]
    assert fig.layout.yaxis.tickformat == ".1%"
    assert fig.layout.yaxis.title.text == "Validation accuracy"
    loss = plots.history_overlay(rows, "loss")
    assert [t.name for t in loss.data] == ["b"] and loss.layout.yaxis.tickformat is None


def test_accuracy_against_parameters_uses_a_log_axis_and_the_runs_numbers():
    rows = [ComparisonRow("dense", 0.978, 101_770, 101_632, 10.0, 3),
            ComparisonRow("cnn", 0.991, 225_034, 2_631_040, 50.0, 3),
            ComparisonRow("untested", None, 5_000, None, None, None)]
    fig = plots.accuracy_vs_params(rows)
    assert [t.name for t in fig.data] == ["dense", "cnn"]
    assert (fig.data[0].x[0], fig.data[0].y[0]) == (101_770, 0.978)
    assert fig.data[1].marker.color == plots.RUN_COLORS[1]
    assert fig.layout.xaxis.type == "log"
    low, high = fig.layout.xaxis.range
    assert low < math.log10(101_770) and high > math.log10(225_034)
    assert fig.layout.yaxis.range[1] <= 1.0
    assert "100k" in fig.layout.xaxis.ticktext


def test_log_ticks_are_1_2_5_steps_labelled_short():
    assert plots.log_ticks(30_000, 700_000) == ([50_000, 100_000, 200_000, 500_000],
                                               ["50k", "100k", "200k", "500k"])
    assert plots.log_ticks(500, 3e6)[1] == ["1k", "10k", "100k", "1M"]
