"""Conv2D's dilation_rate and use_bias: Keras' names in JSON, omitted at Keras' defaults, exact formulas."""

from __future__ import annotations

import pytest

from cnnlab.classroom.caps import check
from cnnlab.classroom.limits import Limits
from cnnlab.design import spec
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError


def _first(*layers: spec.Layer, shape=(28, 28, 1)):
    return analyze(spec.Architecture(layers + (spec.Flatten(),), shape)).layers[0]


def test_defaults_stay_out_of_the_json() -> None:
    plain = spec.Conv2D(8, (3, 3))
    assert "dilation_rate" not in spec.layer_to_dict(plain)
    assert "use_bias" not in spec.layer_to_dict(plain)
    chosen = spec.parse_layer({"type": "Conv2D", "filters": 8, "kernel_size": 3,
                               "dilation_rate": [2, 3], "use_bias": False}, 1)
    assert chosen.dilation_rate == (2, 3) and chosen.use_bias is False
    assert spec.layer_to_dict(chosen)["dilation_rate"] == [2, 3]
    assert spec.layer_to_dict(chosen)["use_bias"] is False


def test_a_dilated_kernel_spans_more_pixels_with_the_same_weights() -> None:
    row = _first(spec.Conv2D(4, (3, 3), dilation_rate=(2, 2)))
    assert row.output_shape == (24, 24, 4)  # the 3x3 kernel spans 5x5: 28 - 5 + 1
    assert row.params == 4 * (3 * 3 * 1 + 1)
    assert row.receptive_field == (5, 5)
    assert row.shape_formula.startswith("dilated kernel (3 - 1) x 2 + 1 = 5")
    assert row.macs == 24 * 24 * 4 * 9


def test_no_bias_drops_one_weight_per_filter() -> None:
    row = _first(spec.Conv2D(16, (3, 3), use_bias=False))
    assert row.params == 16 * 9
    assert row.param_formula == "16 x 3 x 3 x 1 = 144 (no bias)"


@pytest.mark.parametrize("raw, words", [
    ({"dilation_rate": 2, "strides": 2}, "strides above 1 together with a dilation_rate"),
    ({"dilation_rate": 0}, "dilation_rate must be at least 1"),
    ({"use_bias": "no"}, "use_bias must be true or false"),
])
def test_bad_values_name_the_fix(raw, words) -> None:
    with pytest.raises(LabError, match=words):
        spec.parse_layer({"type": "Conv2D", "filters": 4, "kernel_size": 3, **raw}, 2)


def test_the_cap_covers_the_dilated_extent() -> None:
    arch = spec.Architecture((spec.Conv2D(4, (3, 3), padding="same", dilation_rate=(8, 8)),
                              spec.Flatten(), spec.Dense(10, "softmax")))
    check(arch, Limits(max_kernel=28))  # spans 17 pixels: allowed
    with pytest.raises(LabError, match="spans 17x17 pixels.*cap of 9"):
        check(arch, Limits(max_kernel=9))
