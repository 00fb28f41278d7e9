"""Property test: on random valid designs, every layer's arithmetic equals what Keras itself reports."""

from __future__ import annotations

import keras
import numpy as np
from hypothesis import HealthCheck, given, settings

from cnnlab.design.arithmetic import analyze
from cnnlab.training.build import build_model, keras_layers_by_position, output_shapes_by_position
from tests.strategies import valid_architectures


def _count(variables: list) -> int:
    return sum(int(np.prod(v.shape)) for v in variables)


def _macs(layer) -> int:
    """Kernel multiplications per image: each kernel's size times the output positions
    (Conv2D, Dense, DepthwiseConv2D; SeparableConv2D has a depthwise and a pointwise kernel)."""
    kernels = [getattr(layer, name, None) for name in ("kernel", "depthwise_kernel",
                                                        "pointwise_kernel")]
    kernels = [k for k in kernels if k is not None]
    positions = int(np.prod(layer.output.shape[1:-1])) if len(layer.output.shape) > 2 else 1
    return sum(int(np.prod(k.shape)) for k in kernels) * positions


def assert_matches_keras(arch) -> None:
    """Shapes, trainable and non-trainable counts of every position, and the totals."""
    summary = analyze(arch)
    keras.backend.clear_session()
    model = build_model(arch)
    shapes = output_shapes_by_position(model, arch)
    parts = keras_layers_by_position(model, arch)
    for row in summary.layers:
        layers = parts[row.position]
        assert layers[0].name.startswith(row.name)
        assert row.output_shape == shapes[row.position], row
        assert row.trainable_params == sum(_count(l.trainable_weights) for l in layers), row
        assert row.non_trainable_params == sum(_count(l.non_trainable_weights) for l in layers), row
        assert row.macs == sum(_macs(l) for l in layers), row
        assert row.activations == int(np.prod(row.output_shape))
    assert summary.total_params == model.count_params()
    assert summary.trainable_params == _count(model.trainable_weights)
    assert summary.output_shape == tuple(model.compute_output_shape((None,) + arch.input_shape)[1:])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_architectures())
def test_random_designs_match_keras(arch) -> None:
    assert_matches_keras(arch)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_architectures(max_image_layers=8, mnist=True))
def test_random_mnist_designs_match_keras(arch) -> None:
    assert_matches_keras(arch)
