"""Stacked small kernels: the field equals analyze()'s, the weight counts equal Keras'."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab.design.arithmetic import analyze
from cnnlab.convolution.kernels import receptive_field_of_stack, receptive_mask
from cnnlab.convolution.receptive_field import compare_stack, receptive_rings
from cnnlab.design.spec import Architecture, Conv2D, Dense, Flatten


@pytest.mark.parametrize("n_layers", [1, 2, 3, 5])
def test_field_is_what_analyze_reports_for_the_stack(n_layers):
    arch = Architecture(tuple(Conv2D(4, (3, 3)) for _ in range(n_layers))
                        + (Flatten(), Dense(10, "softmax")))
    last_conv = analyze(arch).layers[n_layers - 1]
    field = compare_stack(n_layers).field
    assert last_conv.receptive_field == (field, field)
    assert field == receptive_field_of_stack(n_layers)


def test_weight_counts_equal_keras_conv2d_without_bias():
    keras = pytest.importorskip("keras")
    channels = 4
    for n_layers in (2, 3):
        stack = compare_stack(n_layers, channels)
        stacked = sum(_params(keras, channels, 3) for _ in range(n_layers))
        assert stack.stacked_weights == stacked
        assert stack.single_weights == _params(keras, channels, stack.field)
        assert stack.saving == pytest.approx(1 - stacked / stack.single_weights)


def _params(keras, channels: int, kernel: int) -> int:
    layer = keras.layers.Conv2D(channels, kernel, use_bias=False)
    layer.build((None, 16, 16, channels))
    return layer.count_params()


def test_two_3x3_see_5x5_for_18_instead_of_25():
    stack = compare_stack(2, 32)
    assert (stack.field, stack.stacked_per_pair, stack.single_per_pair) == (
        receptive_field_of_stack(2), 2 * 3 * 3, receptive_field_of_stack(2) ** 2)
    with pytest.raises(ValueError):
        compare_stack(0)


@pytest.mark.parametrize("n_layers", [1, 2, 4, 5])
def test_rings_number_each_cell_by_the_layer_that_brings_it_in(n_layers):
    size = 13
    rings = receptive_rings(n_layers, size)
    centre = size // 2
    for layers in range(1, n_layers + 1):
        half = (receptive_field_of_stack(layers) - 1) // 2
        mask = receptive_mask(size, centre - half, centre - half, layers)
        assert (rings[mask] <= layers).all() and (rings[mask] >= 1).all()
        assert mask.sum() == (2 * half + 1) ** 2
    seen = rings > 0
    assert seen.sum() == receptive_field_of_stack(n_layers) ** 2
    distance = np.maximum(*np.abs(np.indices((size, size)) - centre))  # Chebyshev distance
    np.testing.assert_array_equal(rings[seen], np.maximum(distance[seen], 1))


def test_rings_refuse_a_field_larger_than_the_grid():
    with pytest.raises(ValueError):
        receptive_rings(5, 9)
