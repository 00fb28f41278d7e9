"""SeparableConv2D and DepthwiseConv2D: MobileNet's saving, shown against a Conv2D of the same shape."""

from __future__ import annotations

import pytest

from cnnlab.classroom.caps import check
from cnnlab.classroom.limits import Limits
from cnnlab.codegen.generate import generate_model_code
from cnnlab.design import spec
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError

HEAD = (spec.GlobalAveragePooling2D(), spec.Dense(10, "softmax"))


def _rows(*layers: spec.Layer):
    return analyze(spec.Architecture((spec.Conv2D(32, (3, 3), padding="same"),) + layers + HEAD)
                   ).layers


def test_separable_counts_and_the_saving() -> None:
    row = _rows(spec.SeparableConv2D(64, (3, 3), padding="same"))[1]
    assert row.output_shape == (28, 28, 64)
    assert row.params == 3 * 3 * 32 + 32 * 64 + 64 == 2_400
    assert row.param_formula == (
        "depthwise 3 x 3 x 32 = 288 + pointwise 32 x 64 = 2,048 + 64 biases = 2,400; "
        "a Conv2D of the same shape needs 18,496: 16,096 fewer (7.7x less)")
    assert row.macs == 28 * 28 * (288 + 2_048)


def test_depthwise_keeps_channels_times_the_multiplier() -> None:
    row = _rows(spec.DepthwiseConv2D((3, 3), (2, 2), "same", depth_multiplier=2))[1]
    assert row.output_shape == (14, 14, 64)
    assert row.params == 32 * 2 * (3 * 3 + 1)
    assert "a Conv2D of the same shape needs 18,496" in row.param_formula
    assert row.macs == 14 * 14 * 9 * 64
    assert "depth_multiplier" not in spec.layer_to_dict(spec.DepthwiseConv2D((3, 3)))


def test_code_leaves_the_defaults_out() -> None:
    code = generate_model_code(spec.Architecture(
        (spec.Conv2D(8, (3, 3)), spec.SeparableConv2D(16, (3, 3), depth_multiplier=2),
         spec.DepthwiseConv2D((3, 3), activation="relu")) + HEAD))
    assert "layers.SeparableConv2D(16, 3, depth_multiplier=2)," in code
    assert 'layers.DepthwiseConv2D(3, activation="relu"),' in code


def test_caps_cover_the_channels_a_depth_multiplier_makes() -> None:
    arch = spec.Architecture((spec.Conv2D(32, (3, 3)), spec.DepthwiseConv2D((3, 3),
                                                                             depth_multiplier=4))
                             + HEAD)
    check(arch, Limits(max_filters=128))
    with pytest.raises(LabError, match="makes 128 channels.*cap of 64"):
        check(arch, Limits(max_filters=64))
    separable = spec.Architecture((spec.Conv2D(32, (3, 3)),
                                   spec.SeparableConv2D(8, (3, 3), depth_multiplier=4)) + HEAD)
    with pytest.raises(LabError, match="depthwise step makes 128 channels"):
        check(separable, Limits(max_filters=64))
    with pytest.raises(LabError, match="depth multiplier of 600"):
        check(spec.Architecture((spec.DepthwiseConv2D((3, 3), depth_multiplier=600),) + HEAD))
