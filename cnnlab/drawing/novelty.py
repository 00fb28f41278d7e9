"""How unlike every digit the model learned a drawing is: several signs of how the network
reacts to it (cnnlab.drawing.novelty_signs), weighed into one score by a logistic regression
(cnnlab.drawing.combination), with a limit calibrated on real drawn digits.

Why not only the model's confidence: a softmax has to share 100% between ten digits, so a
letter or a scribble is often read "99% a 4". The numbers a layer computes describe what the
network saw; for real digits they form one cloud per digit. We fit the ten cloud centres and
one shared spread (covariance) on training digits, at the last hidden layer (the input of the
final Dense(10) layer: for the presets, 128 numbers) and at the first and last convolution
layers (their channels averaged over the image), and measure a drawing's distance to the
nearest centre in units of that spread, the Mahalanobis distance (Lee et al., "A simple
unified framework for detecting out-of-distribution samples and adversarial attacks", NeurIPS
2018). The last hidden layer alone let a mouse-drawn "H" through as "a 4 at 100%"; together
with the earlier layers, the strength of the ten scores (the energy), the confidence and the
ink's fill and shape, weighed on drawn digits against drawn letters, shapes and scribbles, it
is caught.

The limit is calibrated on real digits drawn with the Draw page's pen (cnnlab.evaluation.
drawn): the score that FALSE_ALARMS of them exceed. Numpy here; Keras only builds the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from cnnlab.drawing import novelty_signs
from cnnlab.drawing.combination import Combination, fit_combination

MAX_FEATURES = 1536  # wider penultimate layers (a Flatten of a big conv stack -> Dense(10)) are not measured
RIDGE = 1e-3  # added to the covariance, times its mean variance: dead ReLU units make it singular
FALSE_ALARMS = 0.025  # the share of calibration drawings (real digits) allowed beyond the limit
# the signs every model has, after its layers' distances: from its ten scores and from the ink
FIXED_SIGNS = (novelty_signs.ENERGY, novelty_signs.UNSURE, novelty_signs.FILL, novelty_signs.SHAPE)


@dataclass(frozen=True, eq=False)
class Clouds:
    """The ten digit centres of one layer's numbers and the inverse of their shared spread."""

    means: np.ndarray  # (10, d) float64: the average features of each digit
    precision: np.ndarray  # (d, d) float64: the inverse of the shared covariance

    def distances(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, d) features -> ((N,) distance to the nearest digit's centre, (N,) that digit)."""
        f = np.asarray(features, np.float64)
        fp = f @ self.precision  # (f - m)P(f - m) = fPf - 2 fPm + mPm: one matrix product, not ten
        squared = (np.sum(fp * f, axis=1)[:, None] - 2 * fp @ self.means.T
                   + np.sum((self.means @ self.precision) * self.means, axis=1)[None, :])
        nearest = np.argmin(squared, axis=1)
        return np.sqrt(np.maximum(squared[np.arange(len(f)), nearest], 0.0)), nearest


def fit_classes(features: np.ndarray, labels: np.ndarray) -> Clouds:
    """The ten class means and the precision of features with their digit labels, with a small ridge."""
    f = np.asarray(features, np.float64)
    labels = np.asarray(labels).astype(int).ravel()
    if len(f) != len(labels) or set(np.unique(labels)) != set(range(10)):
        raise ValueError("fitting the digit clouds needs one label per row and every digit 0-9")
    means = np.stack([f[labels == c].mean(axis=0) for c in range(10)])
    centred = f - means[labels]
    covariance = centred.T @ centred / len(f)
    covariance += RIDGE * max(float(np.trace(covariance)) / len(covariance), 1e-12) * np.eye(len(covariance))
    return Clouds(means, np.linalg.inv(covariance))


@dataclass(frozen=True)
class Reading:
    """What the network computes for a batch of prepared drawings, that the signs are made of."""

    layers: tuple[np.ndarray, ...]  # (N, d) per measured layer: the last hidden layer first
    logits: np.ndarray  # (N, 10) the ten scores before the softmax
    images: np.ndarray  # (N, 28, 28) the drawings themselves, for the ink's signs


@dataclass(frozen=True)
class Sign:
    """One sign of one drawing: its value as weighed and how much it raised the score."""

    name: str  # "hidden", "conv1", ..., "energy", "unsure", "fill" or "shape"
    value: float  # distances as their logarithm, "unsure" as log(1 - best probability)
    push: float  # weight * standard deviations from a typical real drawn digit


@dataclass(frozen=True)
class Novelty:
    """One drawing's score, the calibration to judge it by, and what made it."""

    score: float
    threshold: float
    typical: float  # the median score of real drawn digits
    nearest: int  # the digit whose centre is nearest at the last hidden layer
    distance: float  # that Mahalanobis distance
    signs: tuple[Sign, ...] = ()

    @property
    def far(self) -> bool:
        """Scored higher than almost every real drawn digit: unlike any digit the network learned."""
        return self.score > self.threshold

    def strongest(self, count: int = 2) -> tuple[Sign, ...]:
        """The signs that raised the score most (only those that raised it), strongest first."""
        return tuple(sorted((s for s in self.signs if s.push > 0), key=lambda s: -s.push)[:count])


@dataclass(frozen=True, eq=False)
class NoveltyStats:
    """A model's digit clouds per measured layer, how the signs are weighed, and the limit."""

    layers: tuple[str, ...]  # the measured layers' sign names, "hidden" first
    clouds: tuple[Clouds, ...]  # one per measured layer
    combination: Combination
    threshold: float  # the score that FALSE_ALARMS of drawn calibration digits exceed
    typical: float  # the median score of the drawn calibration digits, for the explanation
    fingerprint: str  # sha256 of the model file the statistics belong to

    @property
    def names(self) -> tuple[str, ...]:
        """Every sign's name, in the order of the combination's weights."""
        return self.layers + FIXED_SIGNS

    def signs(self, reading: Reading) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """((N, k) signs, (N,) nearest digit and (N,) distance at the last hidden layer)."""
        return signs_of(self.clouds, reading)

    def scores(self, reading: Reading) -> np.ndarray:
        """(N,) scores of a batch: the higher, the less it looks like a digit."""
        return self.combination.scores(self.signs(reading)[0])

    def measure(self, reading: Reading) -> Novelty:
        """The Novelty of one drawing's reading (the first of the batch)."""
        signs, nearest, hidden = self.signs(reading)
        pushes = self.combination.pushes(signs[:1])[0]
        return Novelty(float(self.combination.bias + pushes.sum()), self.threshold, self.typical,
                       int(nearest[0]), float(hidden[0]),
                       tuple(Sign(n, float(v), float(p)) for n, v, p in zip(self.names, signs[0], pushes)))


def signs_of(clouds: tuple[Clouds, ...], reading: Reading) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """((N, k) signs in the order of NoveltyStats.names, (N,) nearest digit and (N,) distance at
    the last hidden layer) of a batch's reading, with the digit clouds of its layers."""
    if len(reading.layers) != len(clouds):
        raise ValueError(f"the reading has {len(reading.layers)} layers, the statistics "
                         f"{len(clouds)}: they belong to another model")
    columns, nearest, hidden = [], None, None
    for features, layer_clouds in zip(reading.layers, clouds):
        distance, closest = layer_clouds.distances(features)
        if nearest is None:
            nearest, hidden = closest, distance
        columns.append(np.log(np.maximum(distance, 1e-6)))
    energy, unsure, _ = novelty_signs.network_signs(reading.logits)
    fill, shape = novelty_signs.ink_signs(reading.images)
    return np.column_stack(columns + [energy, unsure, fill, shape]), nearest, hidden


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


def conv_layers(model: Any) -> list[tuple[str, Any]]:
    """[(sign name, layer)] for the model's first and last 2-D convolution layers (one if it has
    one, none for a network of Dense layers only), skipping any with more than MAX_FEATURES channels."""
    import keras

    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    chosen = sorted({0, len(convs) - 1}) if convs else []
    return [(novelty_signs.conv_name(i + 1), convs[i]) for i in chosen
            if int(convs[i].output.shape[-1]) <= MAX_FEATURES]


def layer_names(model: Any) -> tuple[str, ...]:
    """The measured layers' sign names for this model, "hidden" first."""
    return (novelty_signs.HIDDEN, *(name for name, _ in conv_layers(model)))


def _as_list(outputs: Any) -> list[Any]:
    """A Keras model's outputs as a list: a model with one output returns one array, not a list."""
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def reader(model: Any) -> Callable[[np.ndarray], Reading]:
    """(N, 28, 28, 1) images -> their Reading, in inference mode (Dropout off)."""
    import keras

    last = penultimate_layer(model)
    inputs = model.inputs
    outputs = [last.input, *(keras.layers.GlobalAveragePooling2D()(layer.output)
                             for _, layer in conv_layers(model))]
    body = keras.Model(inputs=inputs[0] if len(inputs) == 1 else inputs, outputs=outputs)
    weights = last.get_weights()
    kernel = np.asarray(weights[0], np.float64)
    bias = np.asarray(weights[1], np.float64) if len(weights) > 1 else np.zeros(kernel.shape[1])

    def read(images: np.ndarray, batch_size: int = 500) -> Reading:
        x = np.asarray(images, np.float32).reshape(-1, 28, 28, 1)
        if not len(x):
            raise ValueError("nothing to read: no images")
        parts = [[np.asarray(o).reshape(len(batch), -1) for o in _as_list(body.predict_on_batch(batch))]
                 for batch in (x[i:i + batch_size] for i in range(0, len(x), batch_size))]
        layers = tuple(np.concatenate([p[j] for p in parts]).astype(np.float64) for j in range(len(outputs)))
        return Reading(layers, layers[0] @ kernel + bias, x[..., 0])

    return read


def fit(fit_reading: Reading, labels: np.ndarray, digits: Reading, non_digits: Reading,
        layers: tuple[str, ...], fingerprint: str, false_alarms: float = FALSE_ALARMS) -> NoveltyStats:
    """The statistics of a model: digit clouds per layer fitted on `fit_reading` (training digits
    with their `labels`), the signs' weights fitted on `digits` (real drawn digits) against
    `non_digits`, and the limit that `false_alarms` of the drawn digits exceed."""
    if not 0 < false_alarms < 1:
        raise ValueError(f"false_alarms must be between 0 and 1, not {false_alarms}")
    clouds = tuple(fit_classes(f, labels) for f in fit_reading.layers)
    if len(clouds) != len(layers):
        raise ValueError(f"{len(layers)} layer names for {len(clouds)} measured layers")
    digit_signs, non_digit_signs = signs_of(clouds, digits)[0], signs_of(clouds, non_digits)[0]
    combination = fit_combination(digit_signs, non_digit_signs)
    scores = combination.scores(digit_signs)
    return NoveltyStats(tuple(layers), clouds, combination, float(np.quantile(scores, 1.0 - false_alarms)),
                        float(np.median(scores)), fingerprint)


class NoveltyMeter:
    """One model's reader and statistics, built once, measuring one drawing at a time."""

    def __init__(self, model: Any, stats: NoveltyStats) -> None:
        if layer_names(model) != stats.layers:
            raise ValueError("these novelty statistics were fitted for a model with other layers")
        self.stats = stats
        self._read = reader(model)

    def measure(self, x28: np.ndarray) -> Novelty:
        """The Novelty of one prepared (28, 28) or (1, 28, 28, 1) drawing."""
        return self.stats.measure(self._read(np.asarray(x28, np.float32).reshape(1, 28, 28, 1)))
