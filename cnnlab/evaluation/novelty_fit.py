"""The drawings a model's novelty statistics (cnnlab.drawing.novelty) are fitted and calibrated on.

The digit clouds are fitted on MNIST training digits (a seeded subset: the clouds the network
learned). The signs' weights are fitted, and the limit calibrated, on other training digits
redrawn with the Draw page's pen and prepared as a drawing is (the digits the Draw page really
sees, thicker and rounder than MNIST's), against seeded non-digits (cnnlab.evaluation.
non_digits: scribbles, typed and pen-drawn letters, shapes, specks) made with their own seed,
FIT_SEED, which neither the bench nor the tests use. The test digits are kept out, so
bench/bench_not_a_digit.py measures the false alarms on digits never used here and the catches
on non-digits never seen here. The prepared drawings do not depend on the model, so they are
made once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from cnnlab.drawing import novelty
from cnnlab.drawing.preprocess import preprocess_digit
from cnnlab.errors import LabError
from cnnlab.evaluation.drawn import PEN_WIDTHS, centre_lines, random_drawing
from cnnlab.evaluation.non_digits import non_digits
from cnnlab.training.mnist import load_mnist, subset

FIT_DIGITS = 10_000  # MNIST training digits the ten centres and the spread are fitted on
CALIBRATION_DIGITS = 600  # the last training digits, redrawn with each pen width in turn
CALIBRATION_SEED = 5
NON_DIGITS_PER_KIND = 80  # of each kind the weights are fitted against
FIT_SEED = 11  # the non-digits' seed: not the bench's (7) nor any test's
FIT_KINDS = ("scribble", "letter", "shape", "speck", "drawn letter")  # two digits side by side have their own rule


def _prepared(canvases) -> np.ndarray:
    """(N, 28, 28) the canvases prepared as the Draw page does, skipping those it refuses (read-only)."""
    prepared = []
    for canvas in canvases:
        try:
            prepared.append(preprocess_digit(canvas).final28)
        except LabError:  # too faint or too small to be read: the page never asks the model
            pass
    out = np.array(prepared, np.float32).reshape(-1, 28, 28)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=2)
def drawn_training_digits(count: int = CALIBRATION_DIGITS, seed: int = CALIBRATION_SEED) -> np.ndarray:
    """(N, 28, 28) the last `count` training digits drawn with the canvas pens and prepared (read-only)."""
    digits = np.array(load_mnist().x_train[-count:, :, :, 0])
    rng = np.random.default_rng(seed)
    return _prepared(random_drawing(line, PEN_WIDTHS[i % len(PEN_WIDTHS)], rng)
                     for i, line in enumerate(centre_lines(digits)))


@lru_cache(maxsize=2)
def training_non_digits(per_kind: int = NON_DIGITS_PER_KIND, seed: int = FIT_SEED) -> np.ndarray:
    """(N, 28, 28) seeded non-digits of FIT_KINDS, prepared (read-only; specks the page refuses left out)."""
    made = non_digits(per_kind, np.array(load_mnist().x_train[:2, :, :, 0]), seed=seed)
    return _prepared(canvas for kind in FIT_KINDS for canvas in made[kind])


def fit_novelty(model: Any, fingerprint: str, fit_digits: int | None = None,
                calibration_digits: int | None = None,
                non_digits_per_kind: int | None = None) -> novelty.NoveltyStats:
    """The model's digit clouds, the signs' weights and the calibrated limit (about 8 s for the
    presets on two cores; the counts default to FIT_DIGITS, CALIBRATION_DIGITS and NON_DIGITS_PER_KIND)."""
    fit_digits = fit_digits or FIT_DIGITS
    calibration_digits = calibration_digits or CALIBRATION_DIGITS
    data = load_mnist()
    x, y = subset(np.array(data.x_train[:-calibration_digits]), np.array(data.y_train[:-calibration_digits]),
                  fit_digits, seed=0)
    read = novelty.reader(model)
    return novelty.fit(read(x), y, read(drawn_training_digits(calibration_digits)),
                       read(training_non_digits(non_digits_per_kind or NON_DIGITS_PER_KIND)),
                       novelty.layer_names(model), fingerprint)
