"""The novelty score: exact Mahalanobis distances, a limit calibrated on drawn digits, statistics
saved beside the model for that model and format only, and on the shipped model: pen-drawn
letters, typed letters and scribbles caught, real drawn digits let through."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import io
import shutil

import numpy as np
import pytest

from cnnlab.drawing import doubt, novelty
from cnnlab.drawing.predict import predict_probabilities
from cnnlab.drawing.preprocess import preprocess_digit
from cnnlab.errors import LabError
from cnnlab.evaluation import drawn, drawn_letters, non_digits, novelty_fit
from cnnlab.paths import DEFAULT_MODEL_DIR
from cnnlab.runs import novelty_file
from cnnlab.runs.model_file import load_model
from cnnlab.training.mnist import load_mnist


def test_distances_are_the_mahalanobis_distance_to_the_nearest_class_centre():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 50)
    centres = rng.normal(0, 5, (10, 3))
    features = centres[labels] + rng.normal(0, 1, (500, 3)) * [1.0, 2.0, 0.5]
    clouds = novelty.fit_classes(features, labels)
    np.testing.assert_allclose(clouds.means[3], features[labels == 3].mean(axis=0))
    covariance = np.cov((features - clouds.means[labels]).T, bias=True)
    np.testing.assert_allclose(np.linalg.inv(clouds.precision), covariance, rtol=0, atol=2e-3)  # + the ridge
    point = clouds.means[7] + [0.0, 2.0, 0.0]
    value, nearest = clouds.distances(point[None])
    diff = point - clouds.means
    expected = np.sqrt(np.einsum("cd,de,ce->c", diff, clouds.precision, diff))
    assert nearest[0] == np.argmin(expected) == 7 and value[0] == pytest.approx(expected.min())
    with pytest.raises(ValueError):
        novelty.fit_classes(features[labels < 9], labels[labels < 9])  # no 9 to fit


def _reading(rng, centres, labels, shift=0.0):
    """A made-up Reading: features around the digit centres (moved by `shift`), plain scores and ink."""
    layers = (centres[labels] + rng.normal(0, 1, (len(labels), centres.shape[1])) + shift,)
    logits = np.eye(10)[labels] * 8 + rng.normal(0, 1, (len(labels), 10)) - shift
    images = np.zeros((len(labels), 28, 28))
    images[:, 4:24, 10:18] = 1.0
    return novelty.Reading(layers, logits, images)


def test_the_limit_lets_the_chosen_share_of_drawn_digits_beyond_and_catches_far_drawings():
    rng = np.random.default_rng(1)
    centres = rng.normal(0, 6, (10, 4))
    labels = np.arange(2000) % 10
    stats = novelty.fit(_reading(rng, centres, labels), labels, _reading(rng, centres, labels[:1000]),
                        _reading(rng, centres, labels[:300], shift=4.0), ("hidden",), "abc", false_alarms=0.05)
    assert stats.names == ("hidden", "energy", "unsure", "fill", "shape")
    assert np.mean(stats.scores(_reading(rng, centres, labels[:1000])) > stats.threshold) == pytest.approx(0.05, abs=0.025)
    assert np.mean(stats.scores(_reading(rng, centres, labels[:300], shift=4.0)) > stats.threshold) > 0.9
    assert stats.typical < stats.threshold
    one = stats.measure(_reading(rng, centres, labels[3:4], shift=4.0))
    assert one.far and one.score == pytest.approx(stats.combination.bias + sum(s.push for s in one.signs))
    assert stats.measure(_reading(rng, centres, labels[3:4])).nearest == 3
    assert [s.name for s in one.signs] == list(stats.names) and one.strongest()[0].push > 0
    with pytest.raises(ValueError):
        novelty.fit(_reading(rng, centres, labels), labels, _reading(rng, centres, labels[:100]),
                    _reading(rng, centres, labels[:10]), ("hidden",), "abc", false_alarms=1.5)


def test_statistics_are_saved_atomically_for_their_model_and_format_and_refitted_otherwise(tmp_path, monkeypatch):
    monkeypatch.setattr(novelty_fit, "FIT_DIGITS", 1000)
    monkeypatch.setattr(novelty_fit, "CALIBRATION_DIGITS", 80)
    monkeypatch.setattr(novelty_fit, "NON_DIGITS_PER_KIND", 12)
    shutil.copy(DEFAULT_MODEL_DIR / "model.keras", tmp_path / "model.keras")
    model_fingerprint = novelty_file.fingerprint(tmp_path / "model.keras")
    old = io.BytesIO()  # the version 1 format: one layer's statistics and a distance limit
    np.savez(old, means=np.zeros((10, 128)), precision=np.eye(128, dtype=np.float32), threshold=18.7,
             typical=11.3, fingerprint=model_fingerprint)
    (tmp_path / "novelty.npz").write_bytes(old.getvalue())
    assert novelty_file.load_stats(tmp_path, model_fingerprint) is None
    model = load_model(tmp_path / "model.keras")
    stats = novelty_file.stats_for_run(tmp_path, model)  # refitted, not misread
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras", "novelty.npz"]  # no temp file left
    assert stats.layers == ("hidden", "conv1", "conv2") and stats.clouds[0].means.shape == (10, 128)
    assert stats.clouds[1].precision.shape == (32, 32) and stats.clouds[2].precision.shape == (64, 64)
    assert stats.typical < stats.threshold and len(stats.combination.weights) == 7
    again = novelty_file.load_stats(tmp_path, model_fingerprint)
    np.testing.assert_array_equal(again.clouds[2].means, stats.clouds[2].means)
    np.testing.assert_array_equal(again.combination.weights, stats.combination.weights)
    assert again.threshold == stats.threshold and again.layers == stats.layers
    assert novelty_file.load_stats(tmp_path, "another model") is None
    (tmp_path / "novelty.npz").write_bytes(b"damaged")
    assert novelty_file.load_stats(tmp_path, stats.fingerprint) is None


def test_the_shipped_model_has_its_own_statistics_committed():
    model_fingerprint = novelty_file.fingerprint(DEFAULT_MODEL_DIR / "model.keras")
    assert novelty_file.load_stats(DEFAULT_MODEL_DIR, model_fingerprint) is not None, (
        "models/default/novelty.npz is missing, in an older format or belongs to another model: "
        "run bench/bench_not_a_digit.py once to fit it, and commit it")


@pytest.fixture(scope="module")
def doubted():
    model = load_model(DEFAULT_MODEL_DIR / "model.keras")
    meter = novelty.NoveltyMeter(model, novelty_file.stats_for_run(DEFAULT_MODEL_DIR, model))

    def judge(canvas) -> doubt.Doubt | None:
        """The Draw page's doubt about a canvas; None when it is refused as empty."""
        try:
            steps = preprocess_digit(canvas)
        except LabError:
            return None
        probs = predict_probabilities(model, steps.model_input)
        return doubt.doubts(steps.final28, steps.cropped, probs, meter.measure(steps.model_input))

    return judge


def test_pen_drawn_letters_h_and_a_are_caught_as_no_digit(doubted):
    for char, seed in (("H", 21), ("A", 22)):
        rng = np.random.default_rng(seed)
        verdicts = [doubted(drawn_letters.drawn_letter(rng, char)) for _ in range(16)]
        far = [v.novelty.far for v in verdicts]
        assert np.mean(far) >= 0.6, (char, far)  # on the bench: H about 80%, A about 95%
    h = drawn.draw_on_canvas(drawn_letters.centre_line("H", np.random.default_rng(3)), 18, 200, 40, 40)
    verdict = doubted(h)
    assert verdict.doubtful and verdict.novelty.far, verdict
    assert "looks like no digit it learned" in verdict.reasons[-1]


def test_real_drawn_digits_are_mostly_not_doubted_and_non_digits_mostly_are(doubted):
    data = load_mnist()
    rng = np.random.default_rng(4)
    digits = [doubted(drawn.random_drawing(line, int(rng.choice(drawn.PEN_WIDTHS)), rng))
              for line in drawn.centre_lines(np.array(data.x_test[-200:, :, :, 0]))]
    assert np.mean([d is None or d.doubtful for d in digits]) <= 0.075  # here 4%; the bench: 2.4% of 1,000
    made = non_digits.non_digits(25, np.array(data.x_test[:50, :, :, 0]), seed=9)
    for kind in ("scribble", "letter", "shape", "drawn letter"):
        caught = [d is None or d.doubtful for d in map(doubted, made[kind])]
        assert np.mean(caught) >= 0.7, (kind, np.mean(caught))  # the bench: 92-100%
