"""The design spec: JSON round trips, Keras-style defaults, and friendly rejection of bad input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from cnnlab.design import spec
from cnnlab.errors import LabError
from cnnlab.design.spec import Architecture
from tests.strategies import valid_architectures


@settings(max_examples=200, deadline=None)
@given(valid_architectures())
def test_json_round_trip(arch: Architecture) -> None:
    assert Architecture.from_json(arch.to_json()) == arch
    assert Architecture.from_dict(json.loads(arch.to_json(indent=None))) == arch


def _design(*layers: dict, **top) -> dict:
    return {"input_shape": [28, 28, 1], "layers": list(layers), **top}


def test_defaults_and_square_pairs() -> None:
    arch = Architecture.from_dict(_design({"type": "Conv2D", "filters": 4, "kernel_size": 3},
                                          {"type": "MaxPooling2D"}, {"type": "Flatten"},
                                          {"type": "Dense", "units": 10}))
    conv, pool = arch.layers[0], arch.layers[1]
    assert conv.kernel_size == (3, 3) and conv.strides == (1, 1)
    assert conv.padding == "valid" and conv.activation == "linear"
    assert pool.pool_size == (2, 2) and pool.strides is None
    written = arch.to_dict()["layers"]
    assert written[0]["kernel_size"] == 3 and "strides" not in written[1]


def test_non_square_pair_stays_a_list() -> None:
    arch = Architecture.from_dict(_design({"type": "Conv2D", "filters": 2, "kernel_size": [3, 5]},
                                          {"type": "Flatten"}))
    assert arch.layers[0].kernel_size == (3, 5)
    assert arch.to_dict()["layers"][0]["kernel_size"] == [3, 5]


def test_missing_input_shape_means_mnist() -> None:
    arch = Architecture.from_dict({"layers": [{"type": "Flatten"}]})
    assert arch.input_shape == (28, 28, 1)


@pytest.mark.parametrize("layer, words", [
    ({"type": "Conv2D", "filters": 4, "kernel_size": 3, "colour": 1}, "unknown key"),
    ({"type": "Conv3D", "filters": 4}, "unknown layer type"),
    ({"filters": 4}, "'type'"),
    ({"type": "Conv2D", "kernel_size": 3}, "missing filters"),
    ({"type": "Conv2D", "filters": 0, "kernel_size": 3}, "at least 1"),
    ({"type": "Conv2D", "filters": 4.5, "kernel_size": 3}, "whole number"),
    ({"type": "Conv2D", "filters": True, "kernel_size": 3}, "whole number"),
    ({"type": "Conv2D", "filters": 4, "kernel_size": 0}, "at least 1"),
    ({"type": "Conv2D", "filters": 4, "kernel_size": [3, 3, 3]}, "pair"),
    ({"type": "Conv2D", "filters": 4, "kernel_size": "3"}, "pair"),
    ({"type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "full"}, "padding"),
    ({"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "leaky"}, "activation"),
    ({"type": "Dense", "units": -3}, "at least 1"),
    ({"type": "Dropout", "rate": 1.0}, "rate"),
    ({"type": "Dropout", "rate": -0.1}, "rate"),
    ({"type": "Dropout", "rate": "0.5"}, "rate"),
    ({"type": "MaxPooling2D", "strides": 0}, "at least 1"),
    ({"type": "Flatten", "units": 3}, "takes no keys"),
])
def test_bad_layers_name_the_layer_and_the_problem(layer: dict, words: str) -> None:
    with pytest.raises(LabError) as info:
        Architecture.from_dict(_design({"type": "Flatten"}, layer))
    assert info.value.layer == 2
    assert str(info.value).startswith("Layer 2")
    assert words in str(info.value)


@pytest.mark.parametrize("data, words", [
    ([], "JSON object"),
    ({"layers": []}, "non-empty"),
    ({"layers": {"type": "Flatten"}}, "non-empty list"),
    ({"layers": [{"type": "Flatten"}], "optimizer": "adam"}, "Unknown top-level"),
    ({"input_shape": [28, 28], "layers": [{"type": "Flatten"}]}, "input_shape"),
    ({"input_shape": [28, 0, 1], "layers": [{"type": "Flatten"}]}, "input_shape"),
    ({"input_shape": [28, 28, 1.5], "layers": [{"type": "Flatten"}]}, "input_shape"),
])
def test_bad_designs(data, words: str) -> None:
    with pytest.raises(LabError, match=words):
        Architecture.from_dict(data)


@pytest.mark.parametrize("text", ["{", '{"layers": [}', "", "not json", "[1, 2,]"])
def test_malformed_json_is_a_friendly_error(text: str) -> None:
    with pytest.raises(LabError, match="not valid JSON"):
        Architecture.from_json(text)


def test_design_error_is_a_value_error() -> None:
    assert issubclass(LabError, ValueError)


def test_layer_names_and_labels() -> None:
    conv = spec.Conv2D(32, (3, 3), (2, 2), "same", "relu")
    assert spec.layer_name(1, conv) == "conv2d_1"
    assert spec.layer_name(12, spec.MaxPooling2D()) == "max_pooling2d_12"
    assert spec.layer_name(3, spec.ResidualBlock(8)) == "residual_block_3"
    assert spec.describe(conv) == "Conv2D 32 3x3 stride 2x2 same"
    assert spec.describe(spec.Dropout(0.25)) == "Dropout 0.25"


def test_replace_layer_returns_a_copy() -> None:
    arch = Architecture((spec.Flatten(), spec.Dense(10, "softmax")))
    new = arch.replace_layer(1, spec.Dense(5))
    assert new.layers[1] == spec.Dense(5) and arch.layers[1] == spec.Dense(10, "softmax")
