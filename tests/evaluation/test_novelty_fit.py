"""The drawings the not-a-digit score is fitted on: seeded apart from the bench's and the tests',
reproducible, and giving the same statistics every time for the same model."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from cnnlab.evaluation import novelty_fit
from cnnlab.paths import DEFAULT_MODEL_DIR
from cnnlab.runs.model_file import load_model


def test_the_training_non_digits_are_seeded_prepared_and_their_own():
    made = novelty_fit.training_non_digits(6)
    assert made.shape[1:] == (28, 28) and not made.flags.writeable
    assert 5 * 6 - 6 <= len(made) <= 5 * 6  # some specks are refused as empty, nothing else
    novelty_fit.training_non_digits.cache_clear()
    np.testing.assert_array_equal(novelty_fit.training_non_digits(6), made)
    assert novelty_fit.FIT_SEED not in (7, 9)  # the bench's and tests' non-digits are others
    assert "drawn letter" in novelty_fit.FIT_KINDS and "two digits" not in novelty_fit.FIT_KINDS


def test_fitting_the_same_model_twice_gives_the_same_statistics():
    model = load_model(DEFAULT_MODEL_DIR / "model.keras")
    first = novelty_fit.fit_novelty(model, "x", fit_digits=1000, calibration_digits=80, non_digits_per_kind=10)
    again = novelty_fit.fit_novelty(model, "x", fit_digits=1000, calibration_digits=80, non_digits_per_kind=10)
    np.testing.assert_array_equal(first.combination.weights, again.combination.weights)
    np.testing.assert_array_equal(first.clouds[1].precision, again.clouds[1].precision)
    assert first.threshold == again.threshold and first.combination.bias == again.combination.bias
    assert first.layers == ("hidden", "conv1", "conv2")
    assert first.combination.weights[first.layers.index("conv1")] > 0  # far from the digits' channels: less digit-like


def test_a_network_of_dense_layers_only_is_measured_at_its_last_hidden_layer():
    from cnnlab.design.presets import get_preset
    from cnnlab.drawing.novelty import NoveltyMeter
    from cnnlab.training.build import build_model

    model = build_model(get_preset("dense_baseline").arch, seed=0)  # untrained: only the shapes matter
    stats = novelty_fit.fit_novelty(model, "x", fit_digits=500, calibration_digits=40, non_digits_per_kind=4)
    assert stats.layers == ("hidden",) and stats.names[1:] == ("energy", "unsure", "fill", "shape")
    assert len(stats.combination.weights) == 5
    novelty = NoveltyMeter(model, stats).measure(np.zeros((28, 28), np.float32))
    assert [s.name for s in novelty.signs] == list(stats.names)
