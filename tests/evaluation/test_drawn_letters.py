"""Letters drawn with the canvas pen: seeded and reproducible, only letters no digit resembles,
drawn like the redrawn digits, and a kind of the seeded non-digits."""

import numpy as np
import pytest

from cnnlab.drawing.doubt import ink_pieces
from cnnlab.drawing.preprocess import preprocess_digit
from cnnlab.evaluation import drawn_letters, non_digits
from cnnlab.evaluation.drawn import CANVAS


def test_drawn_letters_are_seeded_and_reproducible():
    first = [drawn_letters.drawn_letter(np.random.default_rng(5)) for _ in range(3)]
    again = [drawn_letters.drawn_letter(np.random.default_rng(5)) for _ in range(3)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    other = drawn_letters.drawn_letter(np.random.default_rng(6))
    assert not np.array_equal(first[0], other)
    assert first[0].shape == (CANVAS, CANVAS) and first[0].dtype == np.uint8 and first[0].max() == 255


def test_only_letters_that_look_like_no_digit():
    assert set(drawn_letters.LETTERS).isdisjoint("OoIilSsZzBbGgDCUJPqQ0123456789")
    assert {"H", "A"} <= set(drawn_letters.LETTERS)
    with pytest.raises(ValueError):
        drawn_letters.drawn_letter(np.random.default_rng(0), "HO")
    with pytest.raises(ValueError):
        drawn_letters.centre_line("S", np.random.default_rng(0))


def test_an_h_is_two_bars_joined_by_a_crossbar():
    rng = np.random.default_rng(1)
    line = drawn_letters.centre_line("H", rng)
    assert line.dtype == bool and line.shape == (112, 112)
    canvas = drawn_letters.drawn_letter(np.random.default_rng(2), "H")
    ink = canvas > 128
    rows = ink.any(axis=1).nonzero()[0]
    runs = [np.flatnonzero(np.diff(np.r_[0, row.astype(int), 0])).size // 2 for row in ink[rows]]
    third = len(rows) // 3
    assert np.mean(np.array(runs[:third]) == 2) > 0.6  # the upper third: mostly two bars
    assert any(r != 2 for r in runs[third:2 * third])  # the crossbar crosses the middle third
    assert np.mean(np.array(runs[-third:]) == 2) > 0.6  # and below it two bars again
    steps = preprocess_digit(canvas)  # and the Draw page reads it like any drawing
    assert ink_pieces(steps.cropped) == (1, False)  # the crossbar joins the bars into one piece


def test_drawn_letters_are_a_kind_of_seeded_non_digits():
    digits = np.zeros((2, 28, 28), np.float32)
    digits[:, 6:22, 12:16] = 1.0
    made = non_digits.non_digits(4, digits, seed=3)
    assert list(made) == list(non_digits.KINDS) and non_digits.KINDS[-1] == "drawn letter"
    again = non_digits.non_digits(4, digits, seed=3)
    for a, b in zip(made["drawn letter"], again["drawn letter"]):
        np.testing.assert_array_equal(a, b)
    assert len(made["drawn letter"]) == 4
