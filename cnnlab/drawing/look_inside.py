"""Look inside a model: the feature maps each convolution makes, which pixels decided, the filters.

Named `insight` so it does not shadow the standard library's `inspect`. Keras and TensorFlow
are imported inside the functions. Building the helper models costs more than running them, so
an `Inspector` builds them once for its model and keeps them; a server keeps one Inspector per
loaded model beside the model (ui.resources), never in a module-level cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from cnnlab.drawing.predict import as_batch, forward, output_activation, predict_probabilities

_RESIDUAL_PREFIX, _RESIDUAL_OUT = "residual_block_", "_out"


@dataclass(frozen=True, eq=False)
class FeatureMaps:
    """One layer's output for one image: a (H, W, C) stack of C maps, one per filter."""

    layer_name: str
    kind: str  # "conv", "residual" (a whole ResidualBlock's output) or "pool"
    maps: np.ndarray  # (H, W, C) float32


def _kind(layer: Any) -> str | None:
    """Which feature-map layers a student wants to see; inner parts of residual blocks are skipped."""
    import keras

    name = layer.name
    if name.startswith(_RESIDUAL_PREFIX):
        return "residual" if name.endswith(_RESIDUAL_OUT) else None
    if isinstance(layer, keras.layers.Conv2D):
        return "conv"
    if isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
        return "pool"
    return None


def _input(model: Any) -> Any:
    """The model's one input tensor (a list of one would make Keras warn on every call)."""
    inputs = model.inputs
    return inputs[0] if len(inputs) == 1 else inputs


def _extractor(model: Any, include_pooling: bool) -> tuple[list[tuple[str, str]], Any]:
    """One helper model, one pass: input (1, 28, 28, 1) -> every chosen layer's (1, H, W, C)."""
    import keras

    chosen = [(layer, _kind(layer)) for layer in model.layers]
    chosen = [(layer, kind) for layer, kind in chosen if kind and (kind != "pool" or include_pooling)]
    if not chosen:
        return [], None
    extractor = keras.Model(inputs=_input(model), outputs=[layer.output for layer, _ in chosen])
    return [(layer.name, kind) for layer, kind in chosen], extractor


def _scorer(model: Any) -> Callable | None:
    """x -> the class scores before softmax (logits), which do not saturate as probabilities do.

    None means "the model's own output" (it has no softmax to strip, or cannot be split).
    """
    import keras

    last = model.layers[-1]
    if output_activation(model) != "softmax":
        return None
    try:
        body = keras.Model(inputs=_input(model), outputs=last.input)  # everything but the last layer
    except (AttributeError, ValueError):
        return None
    if isinstance(last, keras.layers.Dense):  # Dense(10, softmax): its pre-activation is the logit
        kernel, bias = last.kernel, (last.bias if last.use_bias else 0.0)
        return lambda x: keras.ops.matmul(body(x, training=False), kernel) + bias
    return lambda x: body(x, training=False)  # a separate Softmax/Activation layer


class Inspector:
    """Feature maps and saliency for one model; its helper models are built on first use and kept."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._extractors: dict[bool, tuple[list[tuple[str, str]], Any]] = {}
        self._scorer: tuple[Callable | None] | None = None  # (scorer,) once built

    def feature_maps(self, x28: np.ndarray, include_pooling: bool = False) -> list[FeatureMaps]:
        """Every Conv2D's output (and each ResidualBlock's), in order; [] if there are none."""
        if include_pooling not in self._extractors:
            self._extractors[include_pooling] = _extractor(self.model, include_pooling)
        names, extractor = self._extractors[include_pooling]
        if extractor is None:
            return []
        outputs = forward(extractor, as_batch(x28))
        outputs = outputs if isinstance(outputs, list) else [outputs]
        return [FeatureMaps(name, kind, np.asarray(out)[0])  # (1, H, W, C) -> (H, W, C)
                for (name, kind), out in zip(names, outputs)]

    def saliency(self, x28: np.ndarray, class_index: int | None = None) -> np.ndarray:
        """(28, 28) in [0, 1]: how strongly each pixel sways the class's score (|gradient|, max = 1).

        The class defaults to the predicted digit. Pixels the model cannot see get exactly 0.
        """
        import tensorflow as tf

        batch = as_batch(x28)
        if class_index is None:
            class_index = int(np.argmax(predict_probabilities(self.model, batch)))
        if not 0 <= class_index < 10:
            raise ValueError(f"class_index must be a digit 0-9; got {class_index}")
        if self._scorer is None:
            self._scorer = (_scorer(self.model),)
        score = self._scorer[0]
        x = tf.convert_to_tensor(batch)
        with tf.GradientTape() as tape:
            tape.watch(x)
            scores = score(x) if score is not None else self.model(x, training=False)  # (1, 10)
            target = scores[0, class_index]
        grad = tape.gradient(target, x)  # (1, 28, 28, 1), None if the score ignores the input
        if grad is None:
            return np.zeros(batch.shape[1:3], np.float32)
        magnitude = np.abs(np.asarray(grad)[0]).max(axis=-1)  # (1, H, W, 1) -> (H, W)
        top = float(magnitude.max())
        return (magnitude / top if top > 0 else magnitude).astype(np.float32)


def feature_maps(model: Any, x28: np.ndarray, include_pooling: bool = False) -> list[FeatureMaps]:
    """One-off feature maps; keep an Inspector instead to reuse its helper model."""
    return Inspector(model).feature_maps(x28, include_pooling)


def saliency(model: Any, x28: np.ndarray, class_index: int | None = None) -> np.ndarray:
    """One-off saliency map; keep an Inspector instead to reuse its helper model."""
    return Inspector(model).saliency(x28, class_index)


def first_layer_filters(model: Any) -> np.ndarray | None:
    """The first layer's kernels (k_h, k_w, C_in, F) if it is a convolution, else None."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.layers.Conv2D):
            return np.asarray(layer.kernel.numpy() if hasattr(layer.kernel, "numpy") else layer.kernel)
        return None
    return None
