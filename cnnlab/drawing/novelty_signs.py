"""The signs that a drawing is no digit, as numbers the combination (cnnlab.drawing.combination)
can weigh: each is larger the less the drawing looks like a digit.

- "hidden": the Mahalanobis distance of the last hidden layer's numbers (the network's inner
  picture of the drawing) to the nearest digit's centre (Lee et al., NeurIPS 2018);
- "conv1", "conv2", ...: the same distance for a convolution layer's channels, each averaged
  over the image (the "feature ensemble" of the same paper): an early layer still sees that
  an "H" is made of long straight bars where the last hidden layer only sees "a 4";
- "energy": minus the log of the sum of exp(score) over the ten digits (Liu et al., NeurIPS
  2020): a digit makes the network score one digit strongly, a shape it never learned makes
  all ten scores weak, even where the softmax still says "99%";
- "unsure": the log of the share the softmax gives to all but its best guess;
- "fill": the share of the 28x28 field that is ink; "shape": how far the ink's box is from
  square (the absolute log of its height over its width).

Distances enter as logarithms, so a far-out scribble does not outweigh everything else. Numpy
only: the network's numbers come from cnnlab.drawing.novelty.
"""

from __future__ import annotations

import numpy as np

ENERGY, UNSURE, FILL, SHAPE = "energy", "unsure", "fill", "shape"
HIDDEN = "hidden"
INK = 0.3  # a pixel brighter than this counts as ink for the fill (cnnlab.drawing.doubt's too)
BOX = 0.1  # a pixel brighter than this belongs to the ink's box


def conv_name(position: int) -> str:
    """The sign of the model's `position`-th convolution layer (1-based), e.g. "conv2"."""
    return f"conv{position}"


def log_sum_exp(logits: np.ndarray) -> np.ndarray:
    """(N, 10) scores -> (N,) log(sum(exp)), without overflow."""
    logits = np.asarray(logits, np.float64)
    top = logits.max(axis=1)
    return top + np.log(np.exp(logits - top[:, None]).sum(axis=1))


def network_signs(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(N, 10) scores before the softmax -> ((N,) energy, (N,) unsure, (N,) best probability)."""
    logits = np.asarray(logits, np.float64)
    total = log_sum_exp(logits)
    best = np.argmax(logits, axis=1)
    others = np.where(np.arange(logits.shape[1])[None, :] == best[:, None], -np.inf, logits)
    unsure = log_sum_exp(others) - total  # log(1 - p_best), exact even when p_best rounds to 1
    return -total, unsure, np.exp(logits[np.arange(len(logits)), best] - total)


def ink_signs(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, 28, 28) prepared drawings -> ((N,) share of the field that is ink, (N,) |log(height / width)|
    of the ink's box)."""
    x = np.asarray(images, np.float32).reshape(-1, 28, 28)
    fill = np.mean(x > INK, axis=(1, 2)).astype(np.float64)
    rows, cols = (x > BOX).any(axis=2), (x > BOX).any(axis=1)

    def extent(mask: np.ndarray) -> np.ndarray:
        first = np.argmax(mask, axis=1)
        last = mask.shape[1] - np.argmax(mask[:, ::-1], axis=1)
        return np.where(mask.any(axis=1), last - first, 1).astype(np.float64)

    return fill, np.abs(np.log(extent(rows) / extent(cols)))
