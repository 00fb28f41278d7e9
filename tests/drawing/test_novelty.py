"""The Mahalanobis novelty score: exact distances, a calibrated threshold, statistics saved beside
the model for that model only, and seeded letters and scribbles measured farther than digits."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import shutil

import numpy as np
import pytest

from cnnlab.drawing import doubt, novelty
from cnnlab.drawing.predict import predict_probabilities
from cnnlab.drawing.preprocess import preprocess_digit
from cnnlab.errors import LabError
from cnnlab.evaluation import drawn, non_digits, novelty_fit
from cnnlab.paths import DEFAULT_MODEL_DIR
from cnnlab.runs import novelty_file
from cnnlab.runs.model_file import load_model
from cnnlab.training.mnist import load_mnist


def test_distances_are_the_mahalanobis_distance_to_the_nearest_class_centre():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 50)
    centres = rng.normal(0, 5, (10, 3))
    features = centres[labels] + rng.normal(0, 1, (500, 3)) * [1.0, 2.0, 0.5]
    means, precision = novelty.fit_classes(features, labels)
    np.testing.assert_allclose(means[3], features[labels == 3].mean(axis=0))
    covariance = np.cov((features - means[labels]).T, bias=True)
    np.testing.assert_allclose(np.linalg.inv(precision), covariance, rtol=0, atol=2e-3)  # + the ridge
    stats = novelty.NoveltyStats(means, precision, 3.0, 1.0, "x")
    point = means[7] + [0.0, 2.0, 0.0]
    value, nearest = stats.distances(point[None])
    diff = point - means
    expected = np.sqrt(np.einsum("cd,de,ce->c", diff, precision, diff))
    assert nearest[0] == np.argmin(expected) == 7 and value[0] == pytest.approx(expected.min())
    far = stats.measure(means[7] + [40.0, 0.0, 0.0])
    assert far.far and not stats.measure(means[2]).far and far.threshold == 3.0


def test_the_threshold_lets_the_chosen_share_of_calibration_digits_beyond():
    rng = np.random.default_rng(1)
    means, precision = np.zeros((10, 4)), np.eye(4)
    stats = novelty.calibrate(means, precision, rng.normal(0, 1, (2000, 4)), "abc", false_alarms=0.05)
    beyond = np.mean(stats.distances(rng.normal(0, 1, (20000, 4)))[0] > stats.threshold)
    assert 0.04 < beyond < 0.06 and 1.5 < stats.typical < 2.2  # chi with 4 degrees: median 1.83


def test_statistics_are_saved_atomically_for_their_model_and_refitted_for_another(tmp_path, monkeypatch):
    monkeypatch.setattr(novelty_fit, "FIT_DIGITS", 1000)
    monkeypatch.setattr(novelty_fit, "CALIBRATION_DIGITS", 80)
    shutil.copy(DEFAULT_MODEL_DIR / "model.keras", tmp_path / "model.keras")
    model = load_model(tmp_path / "model.keras")
    stats = novelty_file.stats_for_run(tmp_path, model)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras", "novelty.npz"]  # no temp file left
    assert stats.means.shape == (10, 128) and stats.precision.shape == (128, 128)
    assert 0 < stats.typical < stats.threshold
    again = novelty_file.load_stats(tmp_path, novelty_file.fingerprint(tmp_path / "model.keras"))
    np.testing.assert_array_equal(again.means, stats.means)
    assert again.threshold == stats.threshold
    assert novelty_file.load_stats(tmp_path, "another model") is None
    (tmp_path / "novelty.npz").write_bytes(b"damaged")
    assert novelty_file.load_stats(tmp_path, stats.fingerprint) is None


def test_the_shipped_model_has_its_own_statistics_committed():
    model_fingerprint = novelty_file.fingerprint(DEFAULT_MODEL_DIR / "model.keras")
    assert novelty_file.load_stats(DEFAULT_MODEL_DIR, model_fingerprint) is not None, (
        "models/default/novelty.npz is missing or belongs to another model: run "
        "bench/bench_not_a_digit.py once to fit it, and commit it")


def test_seeded_letters_and_scribbles_are_doubted_more_than_drawn_digits():
    model = load_model(DEFAULT_MODEL_DIR / "model.keras")
    meter = novelty.NoveltyMeter(model, novelty_file.stats_for_run(DEFAULT_MODEL_DIR, model))
    data = load_mnist()

    def doubted(canvas) -> bool:
        try:
            steps = preprocess_digit(canvas)
        except LabError:
            return True
        probs = predict_probabilities(model, steps.model_input)
        return doubt.doubts(steps.final28, steps.cropped, probs, meter.measure(steps.model_input)).doubtful

    rng = np.random.default_rng(4)
    digits = [doubted(drawn.random_drawing(line, int(rng.choice(drawn.PEN_WIDTHS)), rng))
              for line in drawn.centre_lines(np.array(data.x_test[-60:, :, :, 0]))]
    rng = np.random.default_rng(9)
    letters = [doubted(non_digits.letter(rng)) for _ in range(30)]
    scribbles = [doubted(non_digits.scribble(rng)) for _ in range(30)]
    assert np.mean(digits) <= 0.05
    assert np.mean(letters) >= 0.4 and np.mean(scribbles) >= 0.3, (np.mean(letters), np.mean(scribbles))
