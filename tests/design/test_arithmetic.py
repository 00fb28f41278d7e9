"""analyze(): formula texts, receptive fields, errors and warnings (numbers come from Keras or the stats)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from cnnlab.design import spec
from cnnlab.design.arithmetic import BYTES_PER_VALUE, analyze
from cnnlab.errors import LabError
from cnnlab.design.spec import (Architecture, AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout,
                         Flatten, GlobalAveragePooling2D, MaxPooling2D, ResidualBlock)

HEAD = (Flatten(), Dense(10, "softmax"))


def _keras(arch: Architecture):
    import keras

    from cnnlab.training.build import build_model, keras_layers_by_position

    keras.backend.clear_session()
    model = build_model(arch, seed=0)
    return model, keras_layers_by_position(model, arch)


def test_importing_arithmetic_does_not_import_tensorflow() -> None:
    code = ("import sys, cnnlab.design.arithmetic, cnnlab.classroom.caps, cnnlab.design.presets; "
            "sys.exit(any(m in sys.modules for m in ('tensorflow', 'keras')))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_conv_and_dense_formulas_use_the_students_numbers() -> None:
    arch = Architecture((Conv2D(8, (3, 5), (1, 2), "valid", "relu"), Flatten(), Dense(10, "softmax")))
    summary = analyze(arch)
    _, parts = _keras(arch)
    conv, dense = summary.layers[0], summary.layers[2]
    keras_conv = parts[1][0]
    kh, kw, cin, filters = keras_conv.kernel.shape
    assert conv.param_formula == f"{filters} x ({kh} x {kw} x {cin} + 1) = {keras_conv.count_params():,}"
    h, w = keras_conv.output.shape[1:3]
    assert conv.shape_formula.startswith(
        f"height: out = floor((28 + 2*0 - 3) / 1) + 1 = {h}; "
        f"width: out = floor((28 + 2*0 - 5) / 2) + 1 = {w}")
    inputs = summary.layers[1].output_shape[0]
    assert dense.param_formula == f"10 x ({inputs:,} + 1) = {parts[3][0].count_params():,}"


def test_same_padding_formula_is_a_ceiling() -> None:
    arch = Architecture((Conv2D(4, (3, 3), (2, 2), "same"),) + HEAD, input_shape=(27, 27, 1))
    row = analyze(arch).layers[0]
    _, parts = _keras(arch)
    out = parts[1][0].output.shape[1]
    assert row.shape_formula.startswith(f"out = ceil(27 / 2) = {out}")
    assert "height" not in row.shape_formula


def test_batch_norm_and_residual_formulas() -> None:
    arch = Architecture((Conv2D(4, (3, 3)), BatchNormalization(), ResidualBlock(8, strides=(2, 2)),
                         ResidualBlock(8), GlobalAveragePooling2D(), Dense(10, "softmax")))
    rows = analyze(arch).layers
    c = rows[1].output_shape[-1]
    assert rows[1].param_formula == (f"4 x {c} = {4 * c} ({2 * c} trainable gamma/beta, "
                                     f"{2 * c} moving mean/variance)")
    assert rows[2].param_formula.endswith(f"= {rows[2].params:,} (no biases; 1x1 projection)")
    assert "proj " in rows[2].param_formula
    assert rows[3].param_formula.endswith(f"= {rows[3].params:,} (no biases; identity shortcut)")
    assert "proj" not in rows[3].param_formula


def test_totals_and_memory_add_up() -> None:
    arch = Architecture((Conv2D(4, (3, 3)), BatchNormalization(), MaxPooling2D()) + HEAD)
    s = analyze(arch)
    assert s.total_params == sum(r.params for r in s.layers) == s.trainable_params + s.non_trainable_params
    assert s.total_macs == sum(r.macs for r in s.layers)
    for r in s.layers:
        assert r.activation_bytes == BYTES_PER_VALUE * int(np.prod(r.output_shape))
    assert s.total_activation_bytes == sum(r.activation_bytes for r in s.layers)
    assert s.output_shape == (10,)
    data = s.to_dict()
    assert data["total_params"] == s.total_params and data["layers"][0]["output_shape"] == [26, 26, 4]


def _empirical_receptive_field(arch: Architecture, position: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Rows/columns of input pixels that move the centre output of `position`, and the step between
    the fields of two neighbouring outputs (found with gradients of Keras' own model)."""
    import keras
    import tensorflow as tf

    model, parts = _keras(arch)
    for layer in model.layers:  # all-positive weights, so no gradient cancels out
        layer.set_weights([np.full(w.shape, 0.1, "float32") for w in layer.get_weights()])
    probe = keras.Model(model.inputs, parts[position][-1].output)

    @tf.function  # graph mode: TF 2.21's eager conv backprop crashed on a residual model here
    def gradients(x):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = probe(x, training=False)
            ch, cw = y.shape[1] // 2, y.shape[2] // 2
            targets = (y[0, ch, cw, 0], y[0, ch + 1, cw, 0], y[0, ch, cw + 1, 0])
        return [tape.gradient(t, x) for t in targets]

    def extent(grad):
        rows, cols = np.nonzero(np.abs(grad.numpy()[0, :, :, 0]) > 0)
        return rows.min(), rows.max(), cols.min(), cols.max()

    centre, below, right = gradients(tf.ones((1,) + arch.input_shape))
    r0, r1, c0, c1 = extent(centre)
    return (r1 - r0 + 1, c1 - c0 + 1), (extent(below)[0] - r0, extent(right)[2] - c0)


@pytest.mark.parametrize("layers, position", [
    ((Conv2D(2, (3, 3)), Conv2D(2, (3, 3)), Conv2D(2, (3, 3))), 3),
    ((Conv2D(2, (5, 3), (2, 1)), AveragePooling2D((2, 3)), Conv2D(2, (3, 3), padding="same")), 3),
    ((Conv2D(2, (3, 3), (3, 3)), AveragePooling2D((3, 3), (2, 2), "same"), Conv2D(2, (2, 2))), 3),
    ((Conv2D(2, (3, 3), padding="same"), ResidualBlock(2, (3, 3), (2, 2)), ResidualBlock(2)), 3),
])
def test_receptive_field_and_jump_match_gradients(layers: tuple, position: int) -> None:
    arch = Architecture(layers + HEAD, input_shape=(64, 64, 1))
    row = analyze(arch).layers[position - 1]
    rf, jump = _empirical_receptive_field(arch, position)
    assert row.receptive_field == rf
    assert row.jump == jump


def test_receptive_field_covers_the_image_after_global_pooling() -> None:
    rows = analyze(Architecture((Conv2D(2, (3, 3)), GlobalAveragePooling2D(), Dense(10, "softmax")))).layers
    assert rows[1].receptive_field == (28, 28) and rows[0].receptive_field == (3, 3)


def test_impossible_stack_names_the_layer_and_suggests_same_padding() -> None:
    arch = Architecture((Conv2D(4, (3, 3)), MaxPooling2D((4, 4)), MaxPooling2D((3, 3)),
                         Conv2D(4, (3, 3))) + HEAD)
    with pytest.raises(LabError) as info:
        analyze(arch)
    message = str(info.value)
    assert info.value.layer == 4
    assert message.startswith(f"Layer 4 ({spec.describe(arch.layers[3])})")
    assert "its input is 2x2" in message and "0x0" in message and "padding='same'" in message


def test_pool_too_big_is_named() -> None:
    with pytest.raises(LabError, match=r"Layer 1 \(MaxPooling2D 30x30\).*smaller pool"):
        analyze(Architecture((MaxPooling2D((30, 30)),) + HEAD))


@pytest.mark.parametrize("layers, position, words", [
    ((Flatten(), Conv2D(4, (3, 3)), Dense(10, "softmax")), 2, "not an image"),
    ((Flatten(), MaxPooling2D(), Dense(10, "softmax")), 2, "move the Flatten"),
    ((GlobalAveragePooling2D(), ResidualBlock(4), Dense(10, "softmax")), 2, "not an image"),
    ((Flatten(), GlobalAveragePooling2D(), Dense(10, "softmax")), 2, "not an image"),
    ((Flatten(), Dense(4), Flatten(), Dense(10, "softmax")), 3, "Remove this Flatten"),
])
def test_layer_order_errors(layers: tuple, position: int, words: str) -> None:
    with pytest.raises(LabError, match=words) as info:
        analyze(Architecture(layers))
    assert info.value.layer == position
    assert str(info.value).startswith(f"Layer {position}")


def test_network_must_end_with_a_vector() -> None:
    with pytest.raises(LabError, match="must end with a vector.*Add a Flatten") as info:
        analyze(Architecture((Conv2D(4, (3, 3)), Dense(10, "softmax"))))
    assert info.value.layer == 2


def test_dense_on_an_image_acts_on_the_last_axis() -> None:
    rows = analyze(Architecture((Conv2D(4, (3, 3)), Dense(6), Flatten(), Dense(10, "softmax")))).layers
    assert rows[1].output_shape == (26, 26, 6)
    assert rows[1].params == 6 * (4 + 1) and rows[1].macs == 26 * 26 * 4 * 6


def test_a_good_design_has_no_warnings() -> None:
    arch = Architecture((Conv2D(8, (3, 3), activation="relu"), MaxPooling2D(), Flatten(),
                         Dropout(0.5), Dense(10, "softmax")))
    assert analyze(arch).warnings == ()


@pytest.mark.parametrize("layers, input_shape, words", [
    ((Flatten(), Dense(10, "relu")), (28, 28, 1), "not 'softmax'"),
    ((Flatten(), Dense(7, "softmax")), (28, 28, 1), "use 10 units"),
    ((Flatten(), Dense(10, "softmax"), Dropout(0.2)), (28, 28, 1), "Dropout"),
    ((GlobalAveragePooling2D(),), (28, 28, 1), "is not Dense"),
    ((Flatten(), Dense(32, "softmax"), Dense(10, "softmax")), (28, 28, 1), "hidden layer"),
    ((Conv2D(4, (3, 3)), Dense(8), Flatten(), Dense(10, "softmax")), (28, 28, 1), "1x1 convolution"),
    ((Flatten(), Dropout(0.0), Dense(10, "softmax")), (28, 28, 1), "does nothing"),
    ((Flatten(), Dense(10, "softmax")), (32, 32, 3), "cannot be trained on MNIST"),
])
def test_warnings(layers: tuple, input_shape: tuple, words: str) -> None:
    warnings = analyze(Architecture(layers, input_shape)).warnings
    assert any(words in w for w in warnings), warnings


def test_analyze_is_cheap() -> None:
    """Many edits per second must be possible; counted in calls, not timed."""
    arch = Architecture((Conv2D(8, (3, 3)),) * 3 + HEAD)
    for _ in range(2000):
        analyze(arch)
