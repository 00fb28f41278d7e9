"""How far a drawing is from every digit the model learned: the Mahalanobis distance on its
penultimate features (Lee et al., "A simple unified framework for detecting out-of-distribution
samples and adversarial attacks", NeurIPS 2018).

Why this and not only the model's confidence: a softmax has to share 100% between ten digits,
so a letter or a scribble is often read "99% a 4". The numbers the last hidden layer computes
(the input of the final Dense(10) layer: for the presets, 128 numbers) describe what the
network saw; for real digits they form one cloud per digit. We fit the ten cloud centres
and one shared spread (covariance) on training digits, and measure a drawing's distance to
the nearest centre in units of that spread. A digit lands near its digit's centre; a shape
the network never learned lands far from all ten.

The threshold is calibrated on real digits drawn with the Draw page's pen (cnnlab.evaluation.
drawn): the distance that FALSE_ALARMS of them exceed. Numpy here; Keras only builds the
feature extractor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

MAX_FEATURES = 1536  # wider penultimate layers (a Flatten of a big conv stack -> Dense(10)) are not measured
RIDGE = 1e-3  # added to the covariance, times its mean variance: dead ReLU units make it singular
FALSE_ALARMS = 0.02  # the share of calibration drawings (real digits) allowed beyond the threshold


@dataclass(frozen=True)
class Distance:
    """One drawing's distance to the nearest digit's centre, with the calibration to judge it by."""

    value: float
    nearest: int  # the digit whose centre is nearest
    threshold: float
    typical: float

    @property
    def far(self) -> bool:
        """Farther than almost every real drawn digit: unlike any digit the network learned."""
        return self.value > self.threshold


@dataclass(frozen=True, eq=False)
class NoveltyStats:
    """The ten class centres and the shared spread of a model's penultimate features, and the
    distance beyond which a drawing is called unlike any digit."""

    means: np.ndarray  # (10, d) float64: the average features of each digit
    precision: np.ndarray  # (d, d) float64: the inverse of the shared covariance
    threshold: float  # Mahalanobis distance (not squared) that FALSE_ALARMS of drawn digits exceed
    typical: float  # the median distance of the drawn calibration digits, for the explanation
    fingerprint: str  # sha256 of the model file the statistics belong to

    def distances(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, d) features -> ((N,) distance to the nearest digit's centre, (N,) that digit)."""
        f = np.asarray(features, np.float64)
        diff = f[:, None, :] - self.means[None, :, :]  # (N, 10, d)
        squared = np.einsum("ncd,de,nce->nc", diff, self.precision, diff)
        nearest = np.argmin(squared, axis=1)
        return np.sqrt(np.maximum(squared[np.arange(len(f)), nearest], 0.0)), nearest

    def measure(self, features: np.ndarray) -> Distance:
        """The Distance of one drawing from its (d,) or (1, d) features."""
        value, nearest = self.distances(np.asarray(features).reshape(1, -1))
        return Distance(float(value[0]), int(nearest[0]), self.threshold, self.typical)


def penultimate_layer(model: Any) -> Any:
    """The model's last Dense layer (the one that makes the ten scores); its input is the features."""
    import keras

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if not dense:
        raise ValueError("the model has no Dense layer to take penultimate features from")
    width = int(np.prod(dense[-1].input.shape[1:]))
    if width > MAX_FEATURES:
        raise ValueError(f"the last Dense layer reads {width} numbers, more than the "
                         f"{MAX_FEATURES} whose spread can be fitted on the training digits")
    return dense[-1]


def feature_extractor(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    """(N, 28, 28, 1) images -> (N, d) penultimate features, in inference mode (Dropout off)."""
    import keras

    inputs = model.inputs
    body = keras.Model(inputs=inputs[0] if len(inputs) == 1 else inputs,
                       outputs=penultimate_layer(model).input)

    def features(images: np.ndarray, batch_size: int = 500) -> np.ndarray:
        x = np.asarray(images, np.float32).reshape(-1, 28, 28, 1)
        parts = [np.asarray(body.predict_on_batch(x[i:i + batch_size]))
                 for i in range(0, len(x), batch_size)]
        return np.concatenate(parts).reshape(len(x), -1) if parts else np.zeros((0, 0))

    return features


def fit_classes(features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """((10, d) class means, (d, d) precision) of features with their digit labels, with a small ridge."""
    f = np.asarray(features, np.float64)
    labels = np.asarray(labels).astype(int).ravel()
    means = np.stack([f[labels == c].mean(axis=0) for c in range(10)])
    centred = f - means[labels]
    covariance = centred.T @ centred / len(f)
    covariance += RIDGE * max(float(np.trace(covariance)) / len(covariance), 1e-12) * np.eye(len(covariance))
    return means, np.linalg.inv(covariance)


def calibrate(means: np.ndarray, precision: np.ndarray, drawn_features: np.ndarray,
              fingerprint: str, false_alarms: float = FALSE_ALARMS) -> NoveltyStats:
    """The statistics with the threshold that `false_alarms` of the drawn real digits exceed."""
    loose = NoveltyStats(means, precision, float("inf"), 0.0, fingerprint)
    distances, _ = loose.distances(drawn_features)
    return NoveltyStats(means, precision, float(np.quantile(distances, 1.0 - false_alarms)),
                        float(np.median(distances)), fingerprint)


class NoveltyMeter:
    """One model's feature extractor and statistics, built once, measuring one drawing at a time."""

    def __init__(self, model: Any, stats: NoveltyStats) -> None:
        self.stats = stats
        self._features = feature_extractor(model)

    def measure(self, x28: np.ndarray) -> Distance:
        """The Distance of one prepared (28, 28) or (1, 28, 28, 1) drawing."""
        return self.stats.measure(self._features(np.asarray(x28, np.float32).reshape(1, 28, 28, 1)))
