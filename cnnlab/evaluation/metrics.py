"""Score a classifier from its labels and predictions, in plain numpy, so pages and tests stay light.

Conventions: confusion-matrix rows are the true digit and columns the predicted digit, so row
sums are each digit's support and column sums how often a digit was predicted. A ratio whose
denominator is zero (precision of a digit never predicted, recall of a digit absent from the
data, F1 when both are zero) is reported as 0.0, as scikit-learn does by default, instead of NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassMetrics:
    """One row of the per-digit table."""

    digit: int
    precision: float  # of the images predicted `digit`, the fraction that were `digit`
    recall: float  # of the images that were `digit`, the fraction predicted `digit`
    f1: float  # harmonic mean of precision and recall
    support: int  # how many images were `digit`


@dataclass(frozen=True)
class Mistake:
    """A wrongly classified image: its index into the evaluated set and how sure the model was."""

    index: int
    true: int
    predicted: int
    confidence: float  # the probability the model gave its (wrong) prediction


def _labels(y: np.ndarray, name: str) -> np.ndarray:
    """A 1-D integer copy of `y`, or a ValueError saying what is wrong."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.equal(np.mod(arr, 1), 0)):
            raise ValueError(f"{name} must hold whole-number class labels")
    return arr.astype(np.int64)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Counts (n_classes, n_classes) int64: cm[t, p] = images of class t predicted as p."""
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred differ in length: {t.shape[0]} vs {p.shape[0]}")
    if n_classes < 1:
        raise ValueError(f"n_classes must be at least 1, got {n_classes}")
    for name, arr in (("y_true", t), ("y_pred", p)):
        if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
            raise ValueError(f"{name} has labels outside 0..{n_classes - 1}")
    # One flat bincount of t * n + p: (N,) -> (n*n,) -> (n, n)
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(
        n_classes, n_classes)


def _square(cm: np.ndarray) -> np.ndarray:
    arr = np.asarray(cm)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"a confusion matrix must be square, got shape {arr.shape}")
    if arr.size and arr.min() < 0:
        raise ValueError("a confusion matrix cannot hold negative counts")
    return arr


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den elementwise, 0.0 where den == 0."""
    num = num.astype(np.float64)
    den = den.astype(np.float64)
    return np.divide(num, den, out=np.zeros_like(num), where=den != 0)


def per_class(cm: np.ndarray) -> list[ClassMetrics]:
    """Precision, recall, F1 and support of each class (0/0 counts as 0.0, see module doc)."""
    cm = _square(cm)
    tp = np.diag(cm)
    support = cm.sum(axis=1)  # row sums: true counts
    predicted = cm.sum(axis=0)  # column sums: predicted counts
    precision = _ratio(tp, predicted)
    recall = _ratio(tp, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return [ClassMetrics(digit=i, precision=float(precision[i]), recall=float(recall[i]),
                         f1=float(f1[i]), support=int(support[i])) for i in range(cm.shape[0])]


def accuracy(cm: np.ndarray) -> float:
    """Fraction of all images on the diagonal (0.0 for an empty matrix)."""
    cm = _square(cm)
    total = cm.sum()
    return float(np.trace(cm) / total) if total else 0.0


def macro_f1(cm: np.ndarray) -> float:
    """Unweighted mean F1 over the classes that occur (support > 0)."""
    rows = [m for m in per_class(cm) if m.support > 0]
    return float(np.mean([m.f1 for m in rows])) if rows else 0.0


def misclassified(y_true: np.ndarray, probs: np.ndarray, limit: int | None = None) -> list[Mistake]:
    """The wrong predictions, most confidently wrong first (ties: lower index first)."""
    t = _labels(y_true, "y_true")
    p = np.asarray(probs)
    if p.ndim != 2 or p.shape[0] != t.shape[0]:
        raise ValueError(f"probs must be (N, classes) with N = len(y_true) = {t.shape[0]}, "
                         f"got shape {p.shape}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be None or at least 0, got {limit}")
    pred = p.argmax(axis=1)  # (N, classes) -> (N,)
    conf = p[np.arange(len(pred)), pred]  # (N,) probability of the chosen class
    wrong = np.flatnonzero(pred != t)
    order = wrong[np.argsort(-conf[wrong], kind="stable")]  # stable: equal confidences keep index order
    if limit is not None:
        order = order[:limit]
    return [Mistake(index=int(i), true=int(t[i]), predicted=int(pred[i]),
                    confidence=float(conf[i])) for i in order]


def cell_examples(y_true: np.ndarray, y_pred: np.ndarray, true_digit: int,
                  predicted_digit: int) -> np.ndarray:
    """Indices (ascending) of the images in confusion-matrix cell [true_digit, predicted_digit]."""
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred differ in length: {t.shape[0]} vs {p.shape[0]}")
    return np.flatnonzero((t == int(true_digit)) & (p == int(predicted_digit)))
