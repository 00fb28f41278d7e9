"""Turn an Architecture into the exact Keras model the student designed (uncompiled).

Keras is imported inside the functions so that importing this module stays cheap. Every
layer is named `spec.layer_name(position, layer)`, so the names on the pages, in the
arithmetic table and in `model.summary()` agree. Each layer type builds its own Keras
layer(s) (cnnlab.design.layers); a block such as ResidualBlock becomes several Keras layers
whose names start with the block's name (`residual_block_3_conv1`, ...).
"""

from __future__ import annotations

from typing import Any

from cnnlab.design import spec
from cnnlab.design.spec import Architecture


def build_model(arch: Architecture, seed: int | None = None) -> Any:
    """The uncompiled keras.Model for `arch`; `seed` makes the initial weights reproducible."""
    import keras

    if seed is not None:
        keras.utils.set_random_seed(seed)
    named = [(layer, spec.layer_name(i, layer)) for i, layer in enumerate(arch.layers, start=1)]
    if all(layer.sequential for layer in arch.layers):
        # A plain stack: Sequential reads like the code a student would write.
        stack = [keras.Input(shape=arch.input_shape)]
        stack += [layer.keras_layer(name) for layer, name in named]
        return keras.Sequential(stack, name="cnnlab_model")
    inputs = keras.Input(shape=arch.input_shape)
    x = inputs
    for layer, name in named:
        x = layer.apply(x, name)
    return keras.Model(inputs, x, name="cnnlab_model")


def keras_layers_by_position(model: Any, arch: Architecture) -> dict[int, list[Any]]:
    """The Keras layers each 1-based spec position became (one, or a block's parts)."""
    by_name = {layer.name: layer for layer in model.layers}
    return {i: [by_name[part] for part in layer.keras_parts(spec.layer_name(i, layer))
                if part in by_name]
            for i, layer in enumerate(arch.layers, start=1)}


def output_shapes_by_position(model: Any, arch: Architecture) -> dict[int, tuple[int, ...]]:
    """Keras' output shape (no batch axis) of each position; a block's is its last part's."""
    parts = keras_layers_by_position(model, arch)
    return {i: tuple(int(d) for d in layers[-1].output.shape[1:]) for i, layers in parts.items()}
