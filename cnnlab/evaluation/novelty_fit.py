"""The digits a model's novelty statistics (cnnlab.drawing.novelty) are fitted and calibrated on.

Fitted on MNIST training digits (a seeded subset: the clouds the network learned), calibrated
on other training digits redrawn with the Draw page's pen and prepared as a drawing is (the
digits the Draw page really sees, thicker and rounder than MNIST's). The test digits are kept
out, so bench/bench_not_a_digit.py measures the false alarms on digits never used here. The
drawn calibration set does not depend on the model, so it is made once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from cnnlab.drawing import novelty
from cnnlab.drawing.preprocess import preprocess_digit
from cnnlab.errors import LabError
from cnnlab.evaluation.drawn import PEN_WIDTHS, centre_lines, random_drawing
from cnnlab.training.mnist import load_mnist, subset

FIT_DIGITS = 10_000  # MNIST training digits the ten centres and the spread are fitted on
CALIBRATION_DIGITS = 600  # the last training digits, redrawn with each pen width in turn
CALIBRATION_SEED = 5


@lru_cache(maxsize=2)
def drawn_training_digits(count: int = CALIBRATION_DIGITS, seed: int = CALIBRATION_SEED) -> np.ndarray:
    """(N, 28, 28) the last `count` training digits drawn with the canvas pens and prepared (read-only)."""
    digits = np.array(load_mnist().x_train[-count:, :, :, 0])
    rng = np.random.default_rng(seed)
    prepared = []
    for i, line in enumerate(centre_lines(digits)):
        try:
            prepared.append(preprocess_digit(random_drawing(line, PEN_WIDTHS[i % len(PEN_WIDTHS)], rng)).final28)
        except LabError:  # a digit too faint to leave a centre line: not a drawing anyone makes
            pass
    out = np.array(prepared, np.float32)
    out.setflags(write=False)
    return out


def fit_novelty(model: Any, fingerprint: str, fit_digits: int | None = None,
                calibration_digits: int | None = None) -> novelty.NoveltyStats:
    """The model's class centres, spread and calibrated threshold (a few seconds for the presets;
    the counts default to FIT_DIGITS and CALIBRATION_DIGITS)."""
    fit_digits = fit_digits or FIT_DIGITS
    calibration_digits = calibration_digits or CALIBRATION_DIGITS
    data = load_mnist()
    x, y = subset(np.array(data.x_train[:-calibration_digits]), np.array(data.y_train[:-calibration_digits]),
                  fit_digits, seed=0)
    features = novelty.feature_extractor(model)
    means, precision = novelty.fit_classes(features(x), y)
    return novelty.calibrate(means, precision, features(drawn_training_digits(calibration_digits)),
                             fingerprint)
