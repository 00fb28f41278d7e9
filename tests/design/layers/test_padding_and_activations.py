"""ZeroPadding2D, Activation and ReLU: shapes, JSON, code lines, and the loss they lead to."""

from __future__ import annotations

import pytest

from cnnlab.classroom.caps import check
from cnnlab.classroom.limits import Limits
from cnnlab.codegen.generate import generate_model_code
from cnnlab.design import spec
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.training.loop import outputs_probabilities


def test_zero_padding_grows_the_map_only() -> None:
    rows = analyze(spec.Architecture((spec.ZeroPadding2D((1, 2)), spec.Conv2D(4, (3, 3)),
                                      spec.Flatten()))).layers
    assert rows[0].output_shape == (30, 32, 1) and rows[0].params == 0
    assert rows[0].shape_formula == ("height 28 + 2 x 1 = 30, width 28 + 2 x 2 = 32, "
                                     "channels kept: 30 x 32 x 1")
    assert rows[1].output_shape == (28, 30, 4)
    assert spec.layer_to_dict(spec.ZeroPadding2D()) == {"type": "ZeroPadding2D", "padding": 1}
    with pytest.raises(LabError, match="padding must be at least 0"):
        spec.parse_layer({"type": "ZeroPadding2D", "padding": -1}, 1)
    with pytest.raises(LabError, match="cap of 28 pixels"):
        check(spec.Architecture((spec.ZeroPadding2D((40, 40)), spec.Flatten())), Limits())


def test_activation_and_relu_work_on_images_and_vectors() -> None:
    arch = spec.Architecture((spec.Conv2D(4, (3, 3)), spec.ReLU(6.0), spec.Flatten(),
                              spec.Dense(10), spec.Activation("softmax")))
    rows = analyze(arch).layers
    assert [r.params for r in rows] == [40, 0, 0, 10 * (26 * 26 * 4 + 1), 0]
    assert rows[1].label == "ReLU max 6" and rows[4].label == "Activation softmax"
    code = generate_model_code(arch)
    assert "layers.ReLU(max_value=6.0)," in code and 'layers.Activation("softmax"),' in code
    assert spec.layer_to_dict(spec.ReLU()) == {"type": "ReLU"}
    with pytest.raises(LabError, match="positive number"):
        spec.parse_layer({"type": "ReLU", "max_value": -1}, 1)
    with pytest.raises(LabError, match="missing activation"):
        spec.parse_layer({"type": "Activation"}, 1)


def test_a_softmax_activation_layer_means_the_loss_gets_probabilities() -> None:
    two_steps = spec.Architecture((spec.Flatten(), spec.Dense(10), spec.Activation("softmax")))
    assert analyze(two_steps).warnings == ()  # the same as Dense(10, "softmax")
    assert analyze(spec.Architecture((spec.Flatten(), spec.Dense(10), spec.ReLU()))).warnings
    head = (spec.Flatten(), spec.Dense(10))
    assert outputs_probabilities(spec.Architecture(head + (spec.Activation("softmax"),
                                                           spec.Dropout(0.1))))
    assert not outputs_probabilities(spec.Architecture(head + (spec.ReLU(),)))
    assert not outputs_probabilities(spec.Architecture(head))
