""""This does not look like a digit": two digits, scribbles and unsure answers are doubted; digits are not."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from cnnlab.drawing import doubt
from cnnlab.drawing.predict import predict_probabilities
from cnnlab.drawing.preprocess import preprocess_digit
from cnnlab.evaluation import drawn, non_digits
from cnnlab.runs.model_file import load_model
from cnnlab.paths import DEFAULT_MODEL_DIR
from cnnlab.training.mnist import load_mnist

SURE = np.array([0.0] * 9 + [1.0])  # a model that is certain: only the ink's shape can doubt


@pytest.fixture(scope="module")
def lines():
    return drawn.centre_lines(np.array(load_mnist().x_test[:40, :, :, 0]))


def _steps(canvas):
    steps = preprocess_digit(canvas)
    return steps.final28, steps.cropped


def test_real_drawn_digits_look_like_digits(lines):
    rng = np.random.default_rng(0)
    for line in lines[:20]:
        d = doubt.doubts(*_steps(drawn.random_drawing(line, 18, rng)), SURE)
        assert not d.doubtful, d
        assert d.pieces >= 1 and not d.side_by_side and d.fill < doubt.MAX_FILL


def test_two_digits_side_by_side_and_blobs_are_doubted(lines):
    rng = np.random.default_rng(1)
    pair = doubt.doubts(*_steps(non_digits.two_digits(rng, lines)), SURE)
    assert pair.side_by_side and pair.pieces >= 2
    assert "more than one digit" in pair.reasons[0]
    blob = np.zeros((280, 280), np.uint8)
    blob[60:200, 80:190] = 255  # a filled rectangle: all ink, no strokes
    filled = doubt.doubts(*_steps(blob), SURE)
    assert filled.fill > doubt.MAX_FILL and "scribble" in filled.reasons[0]


def test_an_unsure_model_is_a_reason_with_its_confidence(lines):
    probs = np.full(10, 0.06)
    probs[3] = 0.46
    d = doubt.doubts(*_steps(drawn.random_drawing(lines[0], 18, np.random.default_rng(2))), probs)
    assert d.doubtful and d.reasons == (
        "the model is unsure: its best guess has only 46%, where it gives most real digits over 90%.",)


def test_the_shipped_model_doubts_two_digits_but_not_a_clear_seven(lines):
    model = load_model(DEFAULT_MODEL_DIR / "model.keras")
    seven = drawn.draw_on_canvas(lines[0], 18, 200, 40, 40)  # test digit 0 is a 7
    steps = preprocess_digit(seven)
    probs = predict_probabilities(model, steps.model_input)
    assert int(np.argmax(probs)) == 7
    assert not doubt.doubts(steps.final28, steps.cropped, probs).doubtful
    pair = preprocess_digit(non_digits.two_digits(np.random.default_rng(3), lines))
    assert doubt.doubts(pair.final28, pair.cropped, predict_probabilities(model, pair.model_input)).doubtful
