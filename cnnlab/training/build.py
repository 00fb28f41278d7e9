"""Turn an Architecture into the exact Keras model the student designed (uncompiled).

Keras is imported inside the functions so that importing this module stays cheap. Every
layer is named `spec.layer_name(position, layer)`, so the names on the pages, in the
arithmetic table and in `model.summary()` agree. A ResidualBlock becomes several Keras
layers whose names start with the block's name (`residual_block_3_conv1`, ...).
"""

from __future__ import annotations

from typing import Any

from cnnlab.design import spec
from cnnlab.design.spec import Architecture, Layer, ResidualBlock

# Suffixes of the Keras layers one ResidualBlock becomes (see spec.ResidualBlock).
RESIDUAL_PARTS = ("conv1", "bn1", "relu1", "conv2", "bn2", "proj", "proj_bn", "add", "out")


def build_model(arch: Architecture, seed: int | None = None) -> Any:
    """The uncompiled keras.Model for `arch`; `seed` makes the initial weights reproducible."""
    import keras

    if seed is not None:
        keras.utils.set_random_seed(seed)
    if not any(isinstance(layer, ResidualBlock) for layer in arch.layers):
        # A plain stack: Sequential reads like the code a student would write.
        stack = [keras.Input(shape=arch.input_shape)]
        stack += [_keras_layer(layer, spec.layer_name(i, layer)) for i, layer in
                  enumerate(arch.layers, start=1)]
        return keras.Sequential(stack, name="cnnlab_model")
    inputs = keras.Input(shape=arch.input_shape)
    x = inputs
    for i, layer in enumerate(arch.layers, start=1):
        name = spec.layer_name(i, layer)
        if isinstance(layer, ResidualBlock):
            x = _residual_block(x, layer, name)
        else:
            x = _keras_layer(layer, name)(x)
    return keras.Model(inputs, x, name="cnnlab_model")


def _keras_layer(layer: Layer, name: str) -> Any:
    """The one Keras layer for a non-residual spec layer."""
    from keras import layers as kl

    if isinstance(layer, spec.Conv2D):
        return kl.Conv2D(layer.filters, layer.kernel_size, strides=layer.strides,
                         padding=layer.padding, activation=layer.activation, name=name)
    if isinstance(layer, spec.MaxPooling2D):
        return kl.MaxPooling2D(layer.pool_size, strides=layer.strides, padding=layer.padding,
                               name=name)
    if isinstance(layer, spec.AveragePooling2D):
        return kl.AveragePooling2D(layer.pool_size, strides=layer.strides, padding=layer.padding,
                                   name=name)
    if isinstance(layer, spec.Dropout):
        return kl.Dropout(layer.rate, name=name)
    if isinstance(layer, spec.BatchNormalization):
        return kl.BatchNormalization(name=name)
    if isinstance(layer, spec.Flatten):
        return kl.Flatten(name=name)
    if isinstance(layer, spec.GlobalAveragePooling2D):
        return kl.GlobalAveragePooling2D(name=name)
    if isinstance(layer, spec.Dense):
        return kl.Dense(layer.units, activation=layer.activation, name=name)
    raise ValueError(f"cannot build a single Keras layer for {layer!r}")


def _residual_block(x: Any, block: ResidualBlock, name: str) -> Any:
    """Apply the basic block exactly as spec.ResidualBlock defines it; returns its final ReLU."""
    from keras import layers as kl

    in_channels = x.shape[-1]
    # main path: (N, H, W, C) -> (N, ceil(H/s), ceil(W/s), filters)
    y = kl.Conv2D(block.filters, block.kernel_size, strides=block.strides, padding="same",
                  use_bias=False, name=f"{name}_conv1")(x)
    y = kl.BatchNormalization(name=f"{name}_bn1")(y)
    y = kl.ReLU(name=f"{name}_relu1")(y)
    y = kl.Conv2D(block.filters, block.kernel_size, strides=1, padding="same",
                  use_bias=False, name=f"{name}_conv2")(y)
    y = kl.BatchNormalization(name=f"{name}_bn2")(y)
    shortcut = x
    if needs_projection(block, in_channels):
        # 1x1 projection so the shortcut has the main path's shape
        shortcut = kl.Conv2D(block.filters, 1, strides=block.strides, padding="same",
                             use_bias=False, name=f"{name}_proj")(x)
        shortcut = kl.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = kl.Add(name=f"{name}_add")([y, shortcut])
    return kl.ReLU(name=f"{name}_out")(y)


def needs_projection(block: ResidualBlock, in_channels: int) -> bool:
    """True when the shortcut cannot be the input itself (stride or channel count changes)."""
    return block.strides != (1, 1) or in_channels != block.filters


def keras_layers_by_position(model: Any, arch: Architecture) -> dict[int, list[Any]]:
    """The Keras layers each 1-based spec position became (one, or a ResidualBlock's parts)."""
    out: dict[int, list[Any]] = {}
    by_name = {layer.name: layer for layer in model.layers}
    for i, layer in enumerate(arch.layers, start=1):
        name = spec.layer_name(i, layer)
        if isinstance(layer, ResidualBlock):
            out[i] = [by_name[f"{name}_{p}"] for p in RESIDUAL_PARTS if f"{name}_{p}" in by_name]
        else:
            out[i] = [by_name[name]]
    return out


def output_shapes_by_position(model: Any, arch: Architecture) -> dict[int, tuple[int, ...]]:
    """Keras' output shape (no batch axis) of each position; a ResidualBlock's is its final ReLU."""
    parts = keras_layers_by_position(model, arch)
    return {i: tuple(int(d) for d in layers[-1].output.shape[1:]) for i, layers in parts.items()}
