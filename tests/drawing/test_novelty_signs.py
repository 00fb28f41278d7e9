"""The not-a-digit signs computed from the network's scores and the prepared ink: exact, and
finite even where the softmax rounds to 100%."""

import numpy as np
import pytest

from cnnlab.drawing import novelty_signs


def test_energy_and_unsure_match_the_softmax():
    logits = np.array([[2.0, 0.5, -1.0, 0, 0, 0, 0, 0, 0, 3.0]])
    energy, unsure, best = novelty_signs.network_signs(logits)
    p = np.exp(logits) / np.exp(logits).sum()
    assert energy[0] == pytest.approx(-np.log(np.exp(logits).sum()))
    assert unsure[0] == pytest.approx(np.log(1 - p.max()))
    assert best[0] == pytest.approx(p.max())


def test_unsure_stays_finite_and_exact_when_the_model_is_certain():
    logits = np.zeros((1, 10))
    logits[0, 4] = 100.0  # a softmax of 1.0 in float64: log(1 - p) would be -inf
    energy, unsure, best = novelty_signs.network_signs(logits)
    assert best[0] == 1.0 and energy[0] == pytest.approx(-100.0)
    assert unsure[0] == pytest.approx(np.log(9.0) - 100.0)


def test_fill_and_the_shape_of_the_inks_box():
    image = np.zeros((2, 28, 28), np.float32)
    image[0, 4:24, 10:20] = 1.0  # 20 tall, 10 wide
    image[1, 10:14, 2:26] = 0.2  # faint: in the box, not counted as ink
    fill, shape = novelty_signs.ink_signs(image)
    assert fill[0] == pytest.approx(200 / 784) and shape[0] == pytest.approx(np.log(2.0))
    assert fill[1] == 0.0 and shape[1] == pytest.approx(np.log(24 / 4))
    assert novelty_signs.ink_signs(np.zeros((1, 28, 28)))[1][0] == 0.0  # nothing drawn: a square box
    assert novelty_signs.conv_name(2) == "conv2"
