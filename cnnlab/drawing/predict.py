"""Ask a trained model what digit an image is: ten probabilities, fast enough to follow the pen.

`model.predict` builds a data pipeline on every call (~45 ms), too slow to update while a
student draws. `model.predict_on_batch` runs Keras' compiled predict step, made once per model
and kept on it: about 1 ms for the presets, where an eager `model(x, training=False)` takes
3-12 ms (bench/bench_predict_latency.py). Both run in inference mode: Dropout off,
BatchNormalization on its moving averages. Keras is never imported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.drawing.preprocess import DigitSteps, preprocess_digit


def as_batch(x28: np.ndarray) -> np.ndarray:
    """(28, 28), (28, 28, 1) or (1, 28, 28, 1) -> (1, 28, 28, 1) float32, a batch of one image."""
    x = np.asarray(x28, dtype=np.float32)
    if x.ndim == 2:
        x = x[None, :, :, None]  # (H, W) -> (1, H, W, 1)
    elif x.ndim == 3 and x.shape[-1] == 1:
        x = x[None]  # (H, W, 1) -> (1, H, W, 1)
    if x.ndim != 4 or x.shape[0] != 1 or x.shape[-1] != 1:
        raise ValueError(f"expected one grey image (28, 28), (28, 28, 1) or (1, 28, 28, 1); got {x.shape}")
    return x


def forward(model: Any, batch: np.ndarray) -> Any:
    """The model's outputs for a batch, in inference mode, by the fastest route (see the top)."""
    run = getattr(model, "predict_on_batch", None)
    if run is None:  # a bare callable, e.g. a layer: call it directly
        return np.asarray(model(batch, training=False))
    outputs = run(batch)
    return [np.asarray(o) for o in outputs] if isinstance(outputs, (list, tuple)) else np.asarray(outputs)


def output_activation(model: Any) -> str:
    """The name of the activation the model's last layer applies ('softmax', 'linear', ...)."""
    last = model.layers[-1]
    if type(last).__name__ == "Softmax":
        return "softmax"
    activation = getattr(last, "activation", None)
    return getattr(activation, "__name__", "linear") if activation is not None else "linear"


def to_probabilities(outputs: np.ndarray, activation: str) -> np.ndarray:
    """The model's (10,) outputs as probabilities: softmax outputs as they are, logits through softmax."""
    out = np.asarray(outputs, dtype=np.float64)
    if activation == "softmax":
        probs = np.clip(out, 0, None)
    elif activation != "linear" and out.min() >= 0 and out.sum() > 0:
        probs = out  # e.g. sigmoid scores: share them out
    else:
        probs = np.exp(out - out.max())  # logits -> softmax, shifted so exp cannot overflow
    return probs / probs.sum()


def predict_probabilities(model: Any, x28: np.ndarray) -> np.ndarray:
    """The model's ten digit probabilities (10,) float64 summing to 1, from one direct call."""
    outputs = forward(model, as_batch(x28))  # (1, 28, 28, 1) -> (1, 10)
    if outputs.shape != (1, 10):
        raise LabError(_("This model outputs shape {shape}, but a digit classifier must end with "
                         "Dense(10) (one output per digit). Change the last layer to Dense(10, "
                         "softmax) and train again.").format(shape=tuple(outputs.shape[1:])))
    return to_probabilities(outputs[0], output_activation(model))


def top_k(probs: np.ndarray, k: int = 3) -> list[tuple[int, float]]:
    """The k likeliest digits as (digit, probability), likeliest first (ties: smaller digit first)."""
    probs = np.asarray(probs, dtype=np.float64).ravel()
    if k < 1:
        raise ValueError(f"k must be at least 1; got {k}")
    order = np.argsort(-probs, kind="stable")[:k]
    return [(int(d), float(probs[d])) for d in order]


def predict_image(model: Any, image: np.ndarray) -> tuple[DigitSteps, np.ndarray]:
    """A canvas or upload -> (the preprocessing steps, the ten probabilities); LabError if empty."""
    steps = preprocess_digit(image)
    return steps, predict_probabilities(model, steps.model_input)
