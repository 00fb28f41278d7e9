"""The invariance lab's transformations do exactly what they say on real MNIST digits."""

import numpy as np
import pytest

from cnnlab.evaluation import transforms as T
from cnnlab.training.mnist import load_mnist


@pytest.fixture(scope="module")
def digits():
    return np.array(load_mnist().x_test[:200, :, :, 0])


@pytest.mark.parametrize("dx,dy", [(3, 0), (0, -2), (-1, 4), (2, 2)])
def test_shift_moves_every_pixel_exactly(digits, dx, dy):
    moved = T.shift(digits, dx, dy)
    h, w = digits.shape[1:]
    # every pixel that stays inside is the one dx right and dy down of where it was
    np.testing.assert_array_equal(moved[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)],
                                  digits[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)])
    assert moved[:, :max(dy, 0)].sum() == 0 and moved[:, :, :max(dx, 0)].sum() == 0  # black border
    np.testing.assert_array_equal(T.shift(digits[0], dx, dy), moved[0])  # one image or a batch
    np.testing.assert_array_equal(T.affine(digits, dx=dx, dy=dy), moved)  # integer affine = shift


def test_rotation_keeps_the_ink_mass_and_turns_the_right_way(digits):
    for degrees in (5, 15, 30, -20):
        turned = T.rotate(digits, degrees)
        assert turned.sum() == pytest.approx(digits.sum(), rel=0.01)
    np.testing.assert_allclose(T.rotate(digits, 90), np.rot90(digits, 1, axes=(1, 2)), atol=1e-5)
    np.testing.assert_array_equal(T.rotate(digits, 0), digits)
    # a dot right of the centre, turned 90 degrees counter-clockwise, lands above it
    dot = np.zeros((28, 28), np.float32)
    dot[13, 20] = 1.0
    dot_turned = T.rotate(dot, 90)
    assert np.unravel_index(dot_turned.argmax(), dot_turned.shape)[0] < 13


def test_scale_slant_stroke_blur_and_noise(digits):
    assert T.scale(digits, 0.5).sum() == pytest.approx(0.25 * digits.sum(), rel=0.1)
    italic = T.slant(digits, 0.3)
    top, bottom = italic[:, :10], italic[:, 18:]
    cols = np.arange(28)
    # leaning right: ink at the top moves right, ink at the bottom moves left
    assert (top.sum(axis=1) @ cols).sum() / top.sum() > (digits[:, :10].sum(axis=1) @ cols).sum() / digits[:, :10].sum()
    assert (bottom.sum(axis=1) @ cols).sum() / bottom.sum() < (digits[:, 18:].sum(axis=1) @ cols).sum() / digits[:, 18:].sum()
    masses = [T.stroke(digits, a).sum() for a in (-1, -0.5, 0, 0.5, 1, 1.5, 2)]
    assert masses == sorted(masses) and masses[2] == pytest.approx(digits.sum())
    np.testing.assert_allclose(T.stroke(digits, 1), T.dilate(digits), atol=1e-6)
    np.testing.assert_allclose(T.stroke(digits, -1), T.erode(digits), atol=1e-6)
    assert T.blur(digits, 1.0).sum() == pytest.approx(digits.sum(), rel=0.01)
    assert T.blur(digits, 1.0).max() < digits.max()
    noisy = T.noise(digits, 0.2, seed=3)
    np.testing.assert_array_equal(noisy, T.noise(digits, 0.2, seed=3))  # seeded
    assert 0 <= noisy.min() and noisy.max() <= 1 and not np.array_equal(noisy, digits)
    with pytest.raises(ValueError):
        T.stroke(digits, 3)
