"""One score from several signs that a drawing is no digit: a logistic regression, in numpy.

Each sign alone misses a lot (cnnlab.drawing.novelty_signs): the Mahalanobis distance at the
last hidden layer let a pen-drawn "H" through as "a 4 at 100%", the model's confidence lets
through every letter it reads confidently. Weighed together they catch far more at the same
false-alarm rate, and a logistic regression is the simplest weighing a student can follow:
each sign is measured in standard deviations of real drawn digits (0 = a typical digit),
multiplied by its weight and added up. No sign can vouch for a drawing more than it did for
the most digit-like real drawn digit: beyond that floor it counts as the floor (a drawing the
network scores absurdly strongly is not thereby more of a digit). The weights are fitted, once
per model, on real drawn digits against drawn non-digits: Newton's method on the
class-balanced log-loss with a small L2 penalty, a fixed number of steps from zero weights, so
the same data always give the same weights (no random start, no data order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

L2 = 1e-2  # the penalty on the squared weights, per drawing: keeps them small and the fit stable
STEPS = 30  # Newton steps at most; it settles in about ten
TOLERANCE = 1e-10  # stop when no weight moves more than this


@dataclass(frozen=True, eq=False)
class Combination:
    """How the signs are weighed: score = bias + sum of weight * (sign - centre) / scale, each
    sign's standard deviations held at its floor."""

    centre: np.ndarray  # (k,) the signs' mean over real drawn digits
    scale: np.ndarray  # (k,) their standard deviation over real drawn digits
    weights: np.ndarray  # (k,) how much one standard deviation of each sign adds to the score
    bias: float  # the score of a drawing whose every sign is a typical digit's
    floor: np.ndarray  # (k,) in standard deviations: the most digit-like value each sign took on
    # real drawn digits (its lowest, or its highest for a sign with a negative weight)

    def pushes(self, signs: np.ndarray) -> np.ndarray:
        """(N, k) signs -> (N, k) how much each sign raises (or lowers) each drawing's score."""
        signs = np.asarray(signs, np.float64)
        if signs.ndim != 2 or signs.shape[1] != len(self.weights):
            raise ValueError(f"expected signs of shape (N, {len(self.weights)}), got {signs.shape}")
        z = (signs - self.centre) / self.scale
        z = np.where(self.weights >= 0, np.maximum(z, self.floor), np.minimum(z, self.floor))
        return z * self.weights  # towards "more of a digit", no further than any real digit went

    def scores(self, signs: np.ndarray) -> np.ndarray:
        """(N, k) signs -> (N,) scores: the higher, the less the drawing looks like a digit."""
        return self.pushes(signs).sum(axis=1) + self.bias


def fit_combination(digits: np.ndarray, non_digits: np.ndarray, l2: float = L2) -> Combination:
    """The weights that best tell `digits` (n, k) signs from `non_digits` (m, k), both classes
    counting half however many drawings each has."""
    digits, non_digits = np.asarray(digits, np.float64), np.asarray(non_digits, np.float64)
    if digits.ndim != 2 or non_digits.ndim != 2 or digits.shape[1] != non_digits.shape[1]:
        raise ValueError(f"digits and non-digits need the same signs, got {digits.shape} and "
                         f"{non_digits.shape}")
    if len(digits) < 2 or len(non_digits) < 1:
        raise ValueError("the combination needs at least two digits and one non-digit")
    if not (np.isfinite(digits).all() and np.isfinite(non_digits).all()):
        raise ValueError("the signs must be finite numbers")
    centre = digits.mean(axis=0)
    scale = digits.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)  # a sign that never varies on digits stays as is
    x = np.vstack([digits, non_digits])
    z = np.column_stack([(x - centre) / scale, np.ones(len(x))])
    y = np.r_[np.zeros(len(digits)), np.ones(len(non_digits))]
    share = np.where(y == 1, 0.5 / len(non_digits), 0.5 / len(digits))  # class-balanced, summing to 1
    penalty = l2 * np.r_[np.ones(z.shape[1] - 1), 0.0]  # the bias is not held back
    w = np.zeros(z.shape[1])
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -50, 50)))
        gradient = z.T @ (share * (p - y)) + penalty * w
        hessian = (z * (share * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-12 * np.eye(len(w)), gradient)
        w -= step
        if np.max(np.abs(step)) < TOLERANCE:
            break
    weights = w[:-1].copy()
    z_digits = z[:len(digits), :-1]
    floor = np.where(weights >= 0, z_digits.min(axis=0), z_digits.max(axis=0))
    return Combination(centre, scale, weights, float(w[-1]), floor)
