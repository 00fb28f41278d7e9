"""Home's one-line design summary agrees with analyze() and survives a broken design."""

from __future__ import annotations

import pytest

from cnnlab.design import spec
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.design.overview import glance, shape_text
from cnnlab.design.presets import get_preset
from cnnlab.design.spec import Architecture, Conv2D, Dense


@pytest.mark.parametrize("key", ["recommended", "dense_baseline", "cnn_a"])
def test_glance_has_the_flow_and_analyze_totals(key):
    arch = get_preset(key).arch
    summary = analyze(arch)
    view = glance(arch)
    assert view.error is None
    assert view.total_params == summary.total_params
    assert view.output_shape == summary.output_shape and view.input_shape == (28, 28, 1)
    assert view.flow.split(" → ") == [spec.describe(layer) for layer in arch.layers]
    assert view.n_layers == len(arch.layers)


def test_a_design_analyze_rejects_gives_its_message_not_an_exception():
    arch = Architecture((Conv2D(8, (3, 3)), Dense(10, "softmax")))
    with pytest.raises(LabError) as err:
        analyze(arch)
    view = glance(arch)
    assert view.error == str(err.value)
    assert view.total_params is None and view.flow.startswith("Conv2D 8 3x3")


def test_shape_text():
    assert shape_text((28, 28, 1)) == "28 × 28 × 1"
    assert shape_text((1600,)) == "1,600 values"
