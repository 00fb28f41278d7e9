"""The numpy teaching convolution/pooling must compute exactly what Keras computes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from cnnlab.convolution import by_hand as cv
from cnnlab.errors import LabError

keras = pytest.importorskip("keras")


def _keras_conv(image, kernel, strides, padding):
    """Keras Conv2D with the given kernel and zero bias on one (H, W, C) image."""
    layer = keras.layers.Conv2D(kernel.shape[-1], kernel.shape[:2], strides=strides,
                                padding=padding, use_bias=False)
    layer.build((None,) + image.shape)
    layer.set_weights([kernel.astype(np.float32)])
    return np.asarray(layer(image[None].astype(np.float32)))[0]


conv_cases = st.tuples(
    st.integers(3, 12), st.integers(3, 12),  # H, W
    st.integers(1, 4), st.integers(1, 4),  # kh, kw
    st.integers(1, 3), st.integers(1, 3),  # strides
    st.sampled_from(["valid", "same"]), st.integers(1, 2), st.integers(1, 3),  # padding, C_in, F
    st.integers(0, 2**16),
)


@settings(max_examples=25, deadline=None)
@given(conv_cases)
def test_convolve2d_matches_keras_conv2d(case):
    h, w, kh, kw, sh, sw, padding, c, f, seed = case
    if padding == "valid" and (kh > h or kw > w):
        return
    rng = np.random.default_rng(seed)
    image = rng.normal(size=(h, w, c))
    kernel = rng.normal(size=(kh, kw, c, f))
    ours = cv.convolve2d(image, kernel, (sh, sw), padding)
    theirs = _keras_conv(image, kernel, (sh, sw), padding)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
    assert ours.shape[:2] == (cv.output_size(h, kh, sh, padding), cv.output_size(w, kw, sw, padding))


def test_convolve2d_2d_is_cross_correlation_not_flipped():
    image = np.arange(25.0).reshape(5, 5)
    kernel = np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]], dtype=float)  # "take the right neighbour"
    out = cv.convolve2d(image, kernel)
    np.testing.assert_array_equal(out, image[1:4, 2:5])
    np.testing.assert_allclose(out, _keras_conv(image[..., None], kernel[..., None, None], 1, "valid")[..., 0])


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("pool,strides,size", [(2, None, (7, 9)), (3, 2, (8, 7)), ((2, 3), (1, 2), (5, 6))])
def test_pool2d_matches_keras(mode, padding, pool, strides, size):
    rng = np.random.default_rng(1)
    image = rng.normal(size=size + (2,))
    cls = keras.layers.MaxPooling2D if mode == "max" else keras.layers.AveragePooling2D
    theirs = np.asarray(cls(pool, strides=strides, padding=padding)(image[None].astype(np.float32)))[0]
    ours = cv.pool2d(image, pool, strides, padding, mode)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(cv.pool2d(image[..., 0], pool, strides, padding, mode), ours[..., 0])


@pytest.mark.parametrize("n,k,s", [(28, 3, 1), (28, 3, 2), (7, 2, 2), (5, 4, 3), (6, 1, 4)])
def test_same_padding_matches_keras_shape_and_puts_extra_bottom_right(n, k, s):
    padded, (top, bottom, left, right) = cv.pad(np.ones((n, n)), "same", k, s)
    assert padded.shape == (n + top + bottom, n + left + right)
    assert bottom - top in (0, 1) and right - left in (0, 1)
    # a valid convolution of the padded image has Keras' "same" output size
    out = keras.layers.Conv2D(1, k, strides=s, padding="same")(np.ones((1, n, n, 1), np.float32))
    assert cv.output_size(padded.shape[0], k, s, "valid") == out.shape[1] == cv.output_size(n, k, s, "same")


def test_pad_valid_is_a_copy_with_no_border():
    image = np.ones((4, 4))
    padded, border = cv.pad(image, "valid", 3)
    assert border == (0, 0, 0, 0) and padded.shape == (4, 4) and padded is not image


def test_output_size_formula_text():
    assert cv.output_size_formula(28, 3, 1, "valid") == "out = floor((28 + 2*0 - 3) / 1) + 1 = 26"
    assert cv.output_size_formula(28, 3, 2, "same") == "out = ceil(28 / 2) = 14"
    assert cv.output_size_formula(7, 3, 2, "valid").endswith("= 3")


def test_kernel_too_big_for_valid_is_a_friendly_error():
    with pytest.raises(LabError, match="does not fit"):
        cv.output_size(2, 3, 1, "valid")
    with pytest.raises(ValueError):
        cv.pad(np.ones((3, 3)), "full", 3)


def test_window_at_steps_rebuild_the_whole_output():
    rng = np.random.default_rng(3)
    image, kernel = rng.normal(size=(6, 7)), rng.normal(size=(3, 3))
    padded, _ = cv.pad(image, "same", 3, 2)
    expected = cv.convolve2d(image, kernel, 2, "same")
    cells = cv.positions(*expected.shape)
    assert cells[0] == (0, 0) and cells[1] == (0, 1) and len(cells) == expected.size
    rebuilt = np.zeros_like(expected)
    for row, col in cells:
        w = cv.window_at(padded, kernel, row, col, 2)
        np.testing.assert_allclose(w.products, w.patch * kernel)
        assert (w.top, w.left) == (row * 2, col * 2)
        rebuilt[row, col] = w.total
    np.testing.assert_allclose(rebuilt, expected)
    with pytest.raises(ValueError, match="outside"):
        cv.window_at(padded, kernel, expected.shape[0], 0, 2)
