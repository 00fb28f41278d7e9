"""Drawn, uploaded and MNIST digits all come out looking like MNIST digits."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnnlab.errors import LabError
from cnnlab.training.mnist import load_mnist
from cnnlab.drawing.preprocess import DigitSteps, is_empty, preprocess_digit, to_grayscale

CANVAS = 280


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def _canvas_seven(top: int, left: int, size: int) -> np.ndarray:
    """A '7' drawn like streamlit-drawable-canvas returns it: transparent black, opaque white strokes."""
    img = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    width = max(2, size // 8)
    points = [(left, top), (left + size * 0.7, top), (left + size * 0.3, top + size)]
    draw.line(points, fill=(255, 255, 255, 255), width=width, joint="curve")
    draw.line([(left + size * 0.2, top + size * 0.5), (left + size * 0.6, top + size * 0.5)],
              fill=(255, 255, 255, 255), width=width)
    return np.asarray(img)


def _canvas_from_mnist(digit: np.ndarray, top: int, left: int, size: int) -> np.ndarray:
    """An MNIST digit scaled to `size` pixels and placed on a transparent RGBA canvas."""
    big = Image.fromarray((digit * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR)
    alpha = np.zeros((CANVAS, CANVAS), np.uint8)
    alpha[top:top + size, left:left + size] = np.asarray(big)
    rgba = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = alpha
    return rgba


def test_small_corner_digit_and_large_centred_digit_come_out_the_same():
    small, large = _canvas_seven(8, 10, 60), _canvas_seven(30, 40, 210)
    a, b = preprocess_digit(small).final28, preprocess_digit(large).final28
    assert _corr(a, b) > 0.9
    assert np.abs(a - b).mean() < 0.08
    digit = load_mnist().x_test[0, ..., 0]
    a = preprocess_digit(_canvas_from_mnist(digit, 200, 190, 70)).final28
    b = preprocess_digit(_canvas_from_mnist(digit, 20, 20, 240)).final28
    assert _corr(a, b) > 0.9 and _corr(b, digit) > 0.9


def test_steps_have_the_documented_shapes_range_and_centre():
    steps = preprocess_digit(_canvas_seven(100, 20, 120))
    assert isinstance(steps, DigitSteps) and not steps.inverted
    assert steps.grayscale.shape == (CANVAS, CANVAS)
    assert steps.fitted20.shape == (20, 20) and max(steps.cropped.shape) > 20
    assert steps.final28.shape == (28, 28) and steps.model_input.shape == (1, 28, 28, 1)
    for array in (steps.grayscale, steps.cropped, steps.fitted20, steps.final28, steps.model_input):
        assert array.dtype == np.float32 and array.min() >= 0 and array.max() <= 1
    np.testing.assert_array_equal(steps.model_input[0, ..., 0], steps.final28)
    top, bottom, left, right = steps.bbox
    np.testing.assert_array_equal(steps.cropped, steps.grayscale[top:bottom, left:right])
    ink = steps.final28
    rows, cols = np.nonzero(ink > 0.1)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 in (19, 20, 21)
    mass = ink.sum()
    cy = (ink.sum(axis=1) * np.arange(28)).sum() / mass
    cx = (ink.sum(axis=0) * np.arange(28)).sum() / mass
    assert abs(cy - 14) <= 0.6 and abs(cx - 14) <= 0.6  # MNIST's own centres average (14, 14)


def test_mnist_digits_pass_through_nearly_unchanged():
    x = load_mnist().x_test[:200, ..., 0]
    corr = np.array([_corr(preprocess_digit(d).final28, d) for d in x])
    assert np.median(corr) > 0.99
    assert (corr > 0.95).mean() > 0.95
    with_channel = preprocess_digit(load_mnist().x_test[0])  # (28, 28, 1) works too
    assert _corr(with_channel.final28, x[0]) > 0.95


def test_zero_alpha_background_is_black_whatever_its_rgb():
    rgba = _canvas_seven(50, 50, 150)
    noisy = rgba.copy()
    noisy[..., :3][rgba[..., 3] == 0] = 255  # white but fully transparent: must not count as ink
    a, b = preprocess_digit(rgba), preprocess_digit(noisy)
    np.testing.assert_allclose(a.final28, b.final28, atol=1e-6)
    assert not is_empty(noisy)


def test_dark_ink_on_light_paper_is_inverted():
    canvas = _canvas_seven(60, 70, 140)
    rng = np.random.default_rng(0)
    ink = canvas[..., 3].astype(np.float32) / 255
    paper = 0.85 + rng.normal(0, 0.02, ink.shape)  # a slightly noisy light grey photo
    photo = np.clip(paper * (1 - ink) + 0.1 * ink, 0, 1)
    rgb = (np.repeat(photo[..., None], 3, axis=2) * 255).astype(np.uint8)
    steps = preprocess_digit(rgb)
    assert steps.inverted
    assert _corr(steps.final28, preprocess_digit(canvas).final28) > 0.9
    assert steps.final28[0].max() < 0.2 and steps.final28[:, 0].max() < 0.2  # background stays black
    # a transparent PNG of black ink: its background becomes paper, then it is inverted too
    black_ink = np.zeros_like(canvas)
    black_ink[..., 3] = canvas[..., 3]
    steps = preprocess_digit(black_ink)
    assert steps.inverted and _corr(steps.final28, preprocess_digit(canvas).final28) > 0.95


def test_empty_canvas_and_specks_are_refused_with_the_message():
    blank = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    speck = blank.copy()
    speck[100, 100] = 255
    for image in (blank, speck, np.full((50, 60, 3), 200, np.uint8), np.zeros((28, 28))):
        assert is_empty(image)
        with pytest.raises(LabError) as err:
            preprocess_digit(image)
        assert str(err.value) == ("The canvas is empty: draw a digit (thick white strokes work "
                                  "best) and the model will read it.")
    assert not is_empty(_canvas_seven(10, 10, 50))


def test_wrong_shapes_are_refused_and_big_photos_are_shrunk_first():
    with pytest.raises(LabError, match="shape"):
        preprocess_digit(np.zeros((28, 28, 2)))
    with pytest.raises(LabError):
        preprocess_digit(np.zeros((5,)))
    big = np.asarray(Image.fromarray(_canvas_seven(30, 40, 210)).resize((2800, 2800)))
    gray, inverted = to_grayscale(big)
    assert max(gray.shape) <= 1024 and not inverted
    assert _corr(preprocess_digit(big).final28, preprocess_digit(_canvas_seven(30, 40, 210)).final28) > 0.95


def test_a_photo_with_a_shadow_and_grey_paper_comes_out_like_the_drawing():
    """Uneven light: paper from 0.45 (in shadow) to 0.9 and dark grey ink; a plain border level would
    take the shadow for ink, the flattened lighting and Otsu's threshold keep only the digit."""
    canvas = _canvas_seven(60, 70, 140)
    ink = canvas[..., 3].astype(np.float32) / 255
    rows, cols = np.mgrid[0:CANVAS, 0:CANVAS] / CANVAS
    paper = 0.9 - 0.3 * cols - 0.15 * (rows > 0.7)  # a gradient and a shadow over the bottom
    rng = np.random.default_rng(0)
    photo = np.clip(paper * (1 - ink) + 0.2 * ink + rng.normal(0, 0.01, ink.shape), 0, 1)
    steps = preprocess_digit((photo * 255).astype(np.uint8))
    clean = preprocess_digit(canvas).final28
    assert steps.inverted and _corr(steps.final28, clean) > 0.9
    assert steps.grayscale[rows > 0.75].mean() < 0.05  # the shadow is not ink
    top, bottom, left, right = steps.bbox  # the crop is the digit, not the shadow
    assert abs(top - 60) < 15 and abs(left - 70) < 15 and bottom < 220


def test_otsu_threshold_splits_two_groups():
    from cnnlab.drawing.preprocess import otsu_threshold

    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(0.1, 0.03, 900), rng.normal(0.7, 0.05, 100)])
    assert 0.2 < otsu_threshold(values) < 0.6
