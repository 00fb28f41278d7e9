"""The feature-map picture: one drawn box per output, sized by its shape, labelled exactly."""

import math

import plotly.graph_objects as go
import pytest

from cnnlab.design.arithmetic import analyze
from cnnlab.design import spec
from cnnlab.plots.network import (MAX_HEIGHT, network_figure, shape_label,
                                  volume_boxes)
from cnnlab.design.presets import PRESETS, get_preset


def _trace(fig: go.Figure, name: str) -> go.Scatter:
    return next(t for t in fig.data if t.name == name)


@pytest.mark.parametrize("key", list(PRESETS))
def test_one_labelled_box_per_output(key):
    summary = analyze(get_preset(key).arch)
    fig = network_figure(summary)
    boxes = volume_boxes(summary)
    assert len(boxes) == len(summary.layers) + 1
    shapes = [summary.input_shape] + [s.output_shape for s in summary.layers]
    assert list(_trace(fig, "output shape").text) == [shape_label(s) for s in shapes]
    assert len(_trace(fig, "layer").text) == len(shapes)
    faces = sum(1 if len(s) == 1 else 3 for s in shapes)  # a volume has 3 faces, a vector 1
    assert len(fig.layout.shapes) == faces
    hovers = list(_trace(fig, "details").hovertext)
    for stats, hover in zip(summary.layers, hovers[1:]):
        assert shape_label(stats.output_shape) in hover and f"{stats.params:,} parameters" in hover
    xs = [b.x for b in boxes]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # left to right, no overlap


def test_heights_follow_the_map_size_and_thickness_the_channels():
    summary = analyze(get_preset("cnn_a").arch)  # 28 -> 26 -> 13 -> 11 -> 5 -> 3, 1 -> 128 channels
    boxes = volume_boxes(summary)
    maps = [b for b in boxes if not b.is_vector]
    assert maps[0].height == MAX_HEIGHT
    for box in maps:
        assert box.height == pytest.approx(MAX_HEIGHT * box.shape[0] / 28)
    conv32, conv64 = boxes[1], boxes[3]
    assert conv32.height > conv64.height  # the map shrinks
    assert conv64.thickness > conv32.thickness  # and deepens
    assert conv64.thickness - maps[0].thickness > conv32.thickness - maps[0].thickness
    assert boxes[2].thickness == conv32.thickness  # pooling keeps the channels


def test_vectors_are_thin_bars_on_a_log_scale():
    summary = analyze(get_preset("dense_baseline").arch)  # 784 -> 128 -> 10
    flat, hidden, out = volume_boxes(summary)[1:]
    assert flat.is_vector and flat.slant == (0.0, 0.0)
    assert flat.height > hidden.height > out.height > 0
    assert hidden.height / flat.height == pytest.approx(math.log10(128) / math.log10(784))


def test_short_names_and_labels():
    assert spec.Conv2D(32, (3, 3)).picture_label() == "Conv 32"
    assert spec.MaxPooling2D((2, 2)).picture_label() == "Max pool 2×2"
    assert spec.Flatten().picture_label() == "Flatten"
    assert spec.Dropout(0.5).picture_label() == "Dropout"  # the rate is in the hover
    assert spec.ResidualBlock(32, strides=(2, 2)).picture_label() == "Residual 32"
    assert shape_label((26, 26, 32)) == "26×26×32"
    assert shape_label((1600,)) == "1,600"


def test_figure_is_static_and_unlabelled_axes():
    fig = network_figure(analyze(get_preset("recommended").arch), title="Recommended")
    assert fig.layout.title.text == "Recommended"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange


@pytest.mark.parametrize("key", list(PRESETS))
@pytest.mark.parametrize("trace", ["layer", "output shape"])
def test_labels_on_one_row_never_run_into_each_other(key, trace):
    """Issue 14: Small AlexNet's labels ran together ("Dense 256Dense 256"). On the Design page
    the picture is about 1,100 px wide and a 12 px label character about 7 px wide, so two
    labels on one row need half their widths of room between their centres."""
    fig = network_figure(analyze(get_preset(key).arch))
    labels = _trace(fig, trace)
    low, high = fig.layout.xaxis.range
    char = 7.0 * (high - low) / 1100  # drawing units per character
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in zip(labels.x, labels.y, labels.text):
        rows.setdefault(y, []).append((x, text))
    for row in rows.values():
        for (xa, a), (xb, b) in zip(row, row[1:]):
            assert xb - xa >= char * (len(a) + len(b)) / 2, (a, b)
