"""Run a trained model once over the test set and keep everything the Evaluate page shows.

The model is called directly on batches (`model(batch, training=False)`): on a CPU it is as fast
as `model.predict` for 10,000 MNIST images (both about 0.3-0.7 s for the classic CNN, measured)
and needs no tf.data pipeline. Everything else (loss, accuracy, confusion matrix, per-digit
scores, mistakes) is numpy over the saved probabilities, so a cached evaluation is rebuilt
without Keras. Keras is imported inside the functions.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cnnlab.evaluation import metrics
from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.evaluation.metrics import ClassMetrics, Mistake

if TYPE_CHECKING:
    from cnnlab.training.mnist import Mnist

EPSILON = 1e-7  # keras.backend.epsilon(): probabilities are clipped to [eps, 1 - eps] before log


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A model's results on one labelled set; arrays are read-only."""

    loss: float  # mean sparse categorical cross-entropy, computed as Keras does
    accuracy: float  # fraction right; equals trace(confusion) / n
    confusion: np.ndarray  # (classes, classes) int: rows = true digit, columns = predicted
    per_class: tuple[ClassMetrics, ...]
    mistakes: tuple[Mistake, ...]  # every wrong prediction, most confidently wrong first
    probs: np.ndarray  # (N, classes) float32 probabilities (softmax applied to logit outputs)
    y_true: np.ndarray  # (N,) int labels
    from_logits: bool  # the model's raw outputs were logits, not probabilities
    seconds: float = 0.0  # wall time of the model calls (0.0 when rebuilt from a cache)
    cached: bool = field(default=False)  # rebuilt from a run directory's cache

    @property
    def n(self) -> int:
        return int(self.y_true.shape[0])

    @property
    def y_pred(self) -> np.ndarray:
        """(N,) predicted labels: the most probable class."""
        return self.probs.argmax(axis=1)

    def cell(self, true_digit: int, predicted_digit: int) -> np.ndarray:
        """Indices of the images in one confusion-matrix cell, for showing them."""
        return metrics.cell_examples(self.y_true, self.y_pred, true_digit, predicted_digit)

    def to_dict(self, mistakes: int | None = 20) -> dict[str, Any]:
        """JSON-ready summary without the per-image arrays; `mistakes` caps the mistake list."""
        shown = self.mistakes if mistakes is None else self.mistakes[:mistakes]
        return {
            "n": self.n, "loss": self.loss, "accuracy": self.accuracy,
            "from_logits": self.from_logits, "seconds": self.seconds,
            "confusion": self.confusion.tolist(),
            "per_class": [{"digit": m.digit, "precision": m.precision, "recall": m.recall,
                           "f1": m.f1, "support": m.support} for m in self.per_class],
            "macro_f1": metrics.macro_f1(self.confusion),
            "n_mistakes": len(self.mistakes),
            "mistakes": [{"index": m.index, "true": m.true, "predicted": m.predicted,
                          "confidence": m.confidence} for m in shown],
        }


def looks_like_probabilities(outputs: np.ndarray, tolerance: float = 1e-3) -> bool:
    """True when every row is non-negative and sums to 1, i.e. the model ends in softmax."""
    out = np.asarray(outputs, dtype=np.float64)
    return bool(out.size == 0 or (out.min() >= 0.0
                                  and np.allclose(out.sum(axis=1), 1.0, atol=tolerance)))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in float64, shifted by the row maximum so exp never overflows."""
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(outputs: np.ndarray, y_true: np.ndarray, from_logits: bool) -> float:
    """Mean sparse categorical cross-entropy exactly as Keras' TensorFlow backend computes it."""
    out = np.asarray(outputs, dtype=np.float64)
    y = np.asarray(y_true, dtype=np.int64)
    if not len(y):
        return 0.0
    if not from_logits:
        # Keras clips, takes the log, then log-softmaxes: -log(clip(p_y) / sum(clip(p)))
        out = np.log(np.clip(out, EPSILON, 1.0 - EPSILON))
    # (N, classes) -> (N,): logsumexp(z) - z_y
    top = out.max(axis=1)
    lse = top + np.log(np.exp(out - top[:, None]).sum(axis=1))
    return float(np.mean(lse - out[np.arange(len(y)), y]))


def predict_outputs(model: Any, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """The model's raw outputs for `x`, batch by batch, in inference mode: (N, ...) -> (N, classes)."""
    import keras

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    expected = tuple(model.input_shape[1:])
    if tuple(x.shape[1:]) != expected:
        raise LabError(_("This model expects images of shape {expected}, but the test images are "
                         "{shape}. Set the design's input_shape to [28, 28, 1].").format(
                             expected=expected, shape=tuple(x.shape[1:])))
    chunks = [keras.ops.convert_to_numpy(model(x[i:i + batch_size], training=False))
              for i in range(0, len(x), batch_size)]
    if not chunks:
        return np.zeros((0, int(model.output_shape[-1])), dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)


def evaluate_model(model: Any, x_test: np.ndarray, y_test: np.ndarray, batch_size: int = 1000,
                   from_logits: bool | None = None) -> Evaluation:
    """Score `model` on (x_test, y_test); `from_logits=None` decides from the outputs themselves."""
    x = np.asarray(x_test, dtype=np.float32)
    y = np.asarray(y_test).astype(np.int64)
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"y_test must be ({len(x)},) labels, got shape {y.shape}")
    start = time.perf_counter()
    outputs = predict_outputs(model, x, batch_size)
    seconds = time.perf_counter() - start
    return from_outputs(outputs, y, from_logits=from_logits, seconds=seconds)


def from_outputs(outputs: np.ndarray, y_true: np.ndarray, from_logits: bool | None = None,
                 seconds: float = 0.0, cached: bool = False) -> Evaluation:
    """Build the Evaluation from raw outputs (probabilities or logits) and the true labels."""
    out = np.asarray(outputs)
    y = np.asarray(y_true).astype(np.int64)
    if out.ndim != 2 or out.shape[0] != len(y):
        raise LabError(_("The model must output one row of class scores per image, shape ({n}, "
                         "10); it gave {shape}. End the design with Dense(10).").format(
                             n=len(y), shape=out.shape))
    if len(y) and int(y.max()) >= out.shape[1]:
        raise LabError(_("The model outputs {n} values per image, but the labels go up to "
                         "{top}: the last layer needs 10 units, one per digit.").format(
                             n=out.shape[1], top=int(y.max())))
    if not np.all(np.isfinite(out)):
        raise LabError(_("The model's outputs contain NaN or infinity, so it cannot be "
                         "evaluated; the training diverged. Retrain with a smaller learning "
                         "rate."))
    logits = not looks_like_probabilities(out) if from_logits is None else from_logits
    probs = (softmax(out) if logits else out).astype(np.float32)
    cm = metrics.confusion_matrix(y, probs.argmax(axis=1), n_classes=probs.shape[1])
    for arr in (probs, y, cm):
        arr.setflags(write=False)
    return Evaluation(loss=cross_entropy(out, y, logits), accuracy=metrics.accuracy(cm),
                      confusion=cm, per_class=tuple(metrics.per_class(cm)),
                      mistakes=tuple(metrics.misclassified(y, probs)), probs=probs, y_true=y,
                      from_logits=logits, seconds=seconds, cached=cached)


def evaluate_run(run_dir: str | Path, data: "Mnist | None" = None, batch_size: int = 1000,
                 use_cache: bool = True) -> Evaluation:
    """Evaluate a run folder's model.keras (or a .keras file) on the test set, cached beside it.

    A missing or damaged model is a LabError with the fix. The cache (cnnlab.evaluation.cache) is
    used only when it was made from these exact model bytes and these exact test images; the
    bytes are read once, so the key always describes the model that was evaluated.
    """
    from cnnlab.evaluation import cache as evalcache
    from cnnlab.runs.model_file import load_model_bytes

    path = Path(run_dir)
    if not path.exists():
        raise LabError(_("There is no run at {path}; check the folder name, or train a model "
                         "first.").format(path=path))
    model_path = path / "model.keras" if path.is_dir() else path
    if not model_path.is_file():
        raise LabError(_("The folder {folder} has no model.keras, so there is nothing to "
                         "evaluate; its training may have been interrupted. Train it again.").format(
                             folder=path.name))
    if data is None:
        from cnnlab.training.mnist import load_mnist

        data = load_mnist()
    raw = model_path.read_bytes()
    key = evalcache.cache_key(raw, data.x_test, data.y_test) if use_cache and path.is_dir() else None
    if key is not None:
        hit = evalcache.read(path, key)
        if hit is not None:
            probs, y, header = hit
            ev = from_outputs(probs, y, from_logits=False, cached=True)
            return dataclasses.replace(ev, loss=float(header["loss"]),
                                       from_logits=bool(header["from_logits"]),
                                       seconds=float(header.get("seconds", 0.0)))
    model = load_model_bytes(raw, name=model_path.name)
    ev = evaluate_model(model, data.x_test, data.y_test, batch_size=batch_size)
    if key is not None:
        evalcache.write(path, key, ev.probs, ev.y_true,
                        {"loss": ev.loss, "from_logits": ev.from_logits, "seconds": ev.seconds,
                         "accuracy": ev.accuracy})
    return ev
