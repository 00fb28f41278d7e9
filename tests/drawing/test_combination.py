"""The logistic regression that weighs the not-a-digit signs: it separates what it is shown,
leans on the informative sign, adds up exactly, holds each sign at the most digit-like value a
real digit had, and gives the same weights for the same data."""

import numpy as np
import pytest

from cnnlab.drawing.combination import Combination, fit_combination


def _signs(seed: int):
    rng = np.random.default_rng(seed)
    digits = np.column_stack([rng.normal(0, 1, 400), rng.normal(5, 2, 400)])
    non_digits = np.column_stack([rng.normal(4, 1, 100), rng.normal(5, 2, 100)])  # only sign 0 tells
    return digits, non_digits


def test_the_weight_goes_to_the_sign_that_tells_digits_from_non_digits():
    digits, non_digits = _signs(0)
    c = fit_combination(digits, non_digits)
    assert c.weights[0] > 1.0 and abs(c.weights[1]) < 0.2 * c.weights[0], c.weights
    np.testing.assert_allclose(c.centre, digits.mean(axis=0))
    np.testing.assert_allclose(c.scale, digits.std(axis=0))
    threshold = np.quantile(c.scores(digits), 0.975)
    assert np.mean(c.scores(non_digits) > threshold) > 0.8
    assert c.bias < 0  # a typical digit (every sign at its digits' mean) scores low
    z = (digits - c.centre) / c.scale
    np.testing.assert_allclose(c.floor, np.where(c.weights >= 0, z.min(axis=0), z.max(axis=0)))
    np.testing.assert_allclose(c.scores(digits), z @ c.weights + c.bias)  # no real digit is held at a floor


def test_scores_are_the_bias_plus_each_signs_push():
    c = Combination(np.array([1.0, 2.0]), np.array([2.0, 0.5]), np.array([3.0, -1.0]), -4.0,
                    np.array([-2.0, 3.0]))
    pushes = c.pushes(np.array([[5.0, 2.5]]))
    np.testing.assert_allclose(pushes, [[3.0 * (5 - 1) / 2, -1.0 * (2.5 - 2) / 0.5]])
    assert c.scores(np.array([[5.0, 2.5]]))[0] == pytest.approx(-4.0 + 6.0 - 1.0)
    # a sign beyond its floor (here -2 and +3 standard deviations) vouches no more than the floor
    np.testing.assert_allclose(c.pushes(np.array([[-99.0, 99.0]])), [[3.0 * -2.0, -1.0 * 3.0]])
    with pytest.raises(ValueError):
        c.scores(np.zeros((1, 3)))


def test_the_fit_is_deterministic_and_does_not_depend_on_the_drawings_order():
    digits, non_digits = _signs(1)
    first, again = fit_combination(digits, non_digits), fit_combination(digits.copy(), non_digits.copy())
    np.testing.assert_array_equal(first.weights, again.weights)
    assert first.bias == again.bias
    order = np.random.default_rng(2).permutation(len(digits))
    shuffled = fit_combination(digits[order], non_digits[::-1])
    np.testing.assert_allclose(shuffled.weights, first.weights, rtol=1e-9)
    assert shuffled.bias == pytest.approx(first.bias, rel=1e-9)


def test_a_sign_that_never_varies_on_digits_and_bad_inputs():
    digits, non_digits = _signs(3)
    digits[:, 1] = non_digits[:, 1] = 7.0
    c = fit_combination(digits, non_digits)
    assert c.scale[1] == 1.0 and np.isfinite(c.weights).all()
    with pytest.raises(ValueError):
        fit_combination(digits, non_digits[:, :1])
    with pytest.raises(ValueError):
        fit_combination(digits[:1], non_digits)
    digits[0, 0] = np.nan
    with pytest.raises(ValueError):
        fit_combination(digits, non_digits)
