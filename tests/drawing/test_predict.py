"""Probabilities from a direct call agree with Keras' own model.predict."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab.errors import LabError
from cnnlab.training.mnist import load_mnist
from cnnlab.drawing.predict import as_batch, predict_image, predict_probabilities, to_probabilities, top_k

keras = pytest.importorskip("keras")


def tiny_model(final_activation: str = "softmax", seed: int = 0, units: int = 10):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv2d_1"),
        keras.layers.MaxPooling2D(2, name="max_pooling2d_2"),
        keras.layers.Dropout(0.5, name="dropout_3"),  # must be off: results must not vary
        keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="conv2d_4"),
        keras.layers.Flatten(name="flatten_5"),
        keras.layers.Dense(units, activation=final_activation, name="dense_6"),
    ])


@pytest.fixture(scope="module")
def digits():
    return load_mnist().x_test[:5]


def test_probabilities_sum_to_one_and_equal_model_predict(digits):
    model = tiny_model()
    for x in digits:
        probs = predict_probabilities(model, x)
        assert probs.shape == (10,) and np.isclose(probs.sum(), 1) and (probs >= 0).all()
        np.testing.assert_allclose(probs, model.predict(x[None], verbose=0)[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(predict_probabilities(model, x[..., 0]), probs)  # (28, 28) too
        np.testing.assert_allclose(predict_probabilities(model, x[None]), probs)  # (1, 28, 28, 1)


def test_logit_outputs_go_through_softmax(digits):
    model = tiny_model("linear")
    logits = model.predict(digits[:1], verbose=0)
    expected = np.asarray(keras.ops.softmax(logits))[0]
    np.testing.assert_allclose(predict_probabilities(model, digits[0]), expected, rtol=1e-5, atol=1e-6)


def test_a_model_without_ten_outputs_is_a_friendly_error(digits):
    with pytest.raises(LabError, match=r"Dense\(10"):
        predict_probabilities(tiny_model(units=7), digits[0])
    with pytest.raises(ValueError):
        as_batch(np.zeros((2, 28, 28, 1)))


def test_top_k_orders_by_probability_then_digit():
    probs = to_probabilities(np.array([0.1, 0.3, 0.05, 0.3, 0.25, 0, 0, 0, 0, 0]), "softmax")
    assert top_k(probs, 3) == [(1, pytest.approx(0.3)), (3, pytest.approx(0.3)), (4, pytest.approx(0.25))]
    assert [d for d, _ in top_k(probs, 10)][:5] == [1, 3, 4, 0, 2]
    with pytest.raises(ValueError):
        top_k(probs, 0)


def test_predict_image_preprocesses_then_predicts(digits):
    model = tiny_model()
    canvas = (digits[1, ..., 0] * 255).astype(np.uint8)
    steps, probs = predict_image(model, canvas)
    np.testing.assert_allclose(probs, predict_probabilities(model, steps.final28))
