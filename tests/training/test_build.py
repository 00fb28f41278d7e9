"""build_model: the Keras model of a design, with the spec's layer names and ResidualBlock parts."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnlab.design import spec
from cnnlab.design.layers.residual_block import PARTS as RESIDUAL_PARTS
from cnnlab.training.build import build_model, keras_layers_by_position
from cnnlab.design.spec import (Architecture, Conv2D, Dense, Flatten, GlobalAveragePooling2D,
                         MaxPooling2D, ResidualBlock)

PLAIN = Architecture((Conv2D(4, (3, 3), activation="relu"), MaxPooling2D(), Flatten(),
                      Dense(10, "softmax")))
RESIDUAL = Architecture((Conv2D(4, (3, 3), padding="same"), ResidualBlock(4),
                         ResidualBlock(8, strides=(2, 2)), GlobalAveragePooling2D(),
                         Dense(10, "softmax")))


def test_plain_stack_is_sequential_named_like_the_spec() -> None:
    keras.backend.clear_session()
    model = build_model(PLAIN)
    assert isinstance(model, keras.Sequential)
    assert [l.name for l in model.layers] == [spec.layer_name(i, l) for i, l in
                                             enumerate(PLAIN.layers, start=1)]
    assert not model.compiled  # training compiles it
    assert model.get_layer("conv2d_1").activation.__name__ == "relu"
    assert model.get_layer("dense_4").activation.__name__ == "softmax"


def test_residual_stack_is_functional_with_named_parts() -> None:
    keras.backend.clear_session()
    model = build_model(RESIDUAL)
    assert not isinstance(model, keras.Sequential)
    names = {l.name for l in model.layers}
    identity = {f"residual_block_2_{p}" for p in RESIDUAL_PARTS if "proj" not in p}
    projected = {f"residual_block_3_{p}" for p in RESIDUAL_PARTS}
    assert identity <= names and projected <= names
    assert "residual_block_2_proj" not in names
    for name in names & {f"residual_block_3_{p}" for p in ("conv1", "conv2", "proj")}:
        assert model.get_layer(name).use_bias is False
    parts = keras_layers_by_position(model, RESIDUAL)
    assert parts[3][-1].name == "residual_block_3_out"
    assert tuple(parts[3][-1].output.shape[1:]) == (14, 14, 8)


def test_residual_block_computes_relu_of_main_plus_shortcut() -> None:
    """Run the block's own Keras layers by hand and compare with the model's output."""
    keras.backend.clear_session()
    model = build_model(RESIDUAL, seed=1)
    x = np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32)
    get = model.get_layer
    h = get("conv2d_1")(x)
    main = get("residual_block_2_bn2")(get("residual_block_2_conv2")(
        get("residual_block_2_relu1")(get("residual_block_2_bn1")(get("residual_block_2_conv1")(h)))))
    expected = np.maximum(np.asarray(main) + np.asarray(h), 0)
    probe = keras.Model(model.input, get("residual_block_2_out").output)
    np.testing.assert_allclose(np.asarray(probe(x)), expected, rtol=1e-5, atol=1e-6)


def test_seed_makes_weights_repeatable() -> None:
    first = [w.copy() for w in build_model(PLAIN, seed=3).get_weights()]
    again = build_model(PLAIN, seed=3).get_weights()
    other = build_model(PLAIN, seed=4).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("block, channels, expected", [
    (ResidualBlock(8), 8, False), (ResidualBlock(8), 4, True),
    (ResidualBlock(8, strides=(2, 2)), 8, True), (ResidualBlock(8, strides=(1, 2)), 8, True),
])
def test_needs_projection(block: ResidualBlock, channels: int, expected: bool) -> None:
    assert block.needs_projection(channels) is expected


def test_model_predicts_probabilities() -> None:
    keras.backend.clear_session()
    out = np.asarray(build_model(PLAIN, seed=0)(np.zeros((3, 28, 28, 1), "float32")))
    assert out.shape == (3, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
