"""Every layer type a design may use: one module each, listed once in `REGISTRY`.

A layer type owns its JSON fields and their checks, its output shape and parameter arithmetic
(with the formula text and multiply-adds), its receptive-field windows, its Keras layer(s),
its line of generated code, and what the Design page's editor and picture show for it (see
`base.LayerType`). Everything else (spec parsing, arithmetic, building, code generation, the
editor, the picture, the command line) asks this registry, so adding a layer type is one new
module plus one line below; the order below is the order of the editor's type picker.
"""

from __future__ import annotations

import importlib

from cnnlab.design.layers.base import ACTIVATIONS, PADDINGS, Field, LayerType, Pair, Shape, Step


def _load(module: str, name: str) -> type[LayerType]:
    """The layer type `name` from its module in this package."""
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


REGISTRY: tuple[type[LayerType], ...] = (
    _load("conv2d", "Conv2D"),
    _load("separable_conv2d", "SeparableConv2D"),
    _load("depthwise_conv2d", "DepthwiseConv2D"),
    _load("max_pooling2d", "MaxPooling2D"),
    _load("average_pooling2d", "AveragePooling2D"),
    _load("zero_padding2d", "ZeroPadding2D"),
    _load("dropout", "Dropout"),
    _load("batch_normalization", "BatchNormalization"),
    _load("activation", "Activation"),
    _load("relu", "ReLU"),
    _load("flatten", "Flatten"),
    _load("global_average_pooling2d", "GlobalAveragePooling2D"),
    _load("dense", "Dense"),
    _load("residual_block", "ResidualBlock"),
)
BY_TYPE: dict[str, type[LayerType]] = {cls.type: cls for cls in REGISTRY}
globals().update(BY_TYPE)  # `from cnnlab.design.layers import Conv2D` (and spec.Conv2D) work

__all__ = ["ACTIVATIONS", "BY_TYPE", "PADDINGS", "REGISTRY", "Field", "LayerType", "Pair",
           "Shape", "Step", *BY_TYPE]
