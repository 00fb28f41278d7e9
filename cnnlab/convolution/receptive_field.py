"""Why stacks of small kernels win: the same view as one big kernel for fewer weights.

Two 3x3 layers see a 5x5 patch, like one 5x5 layer, but with 2 x 9 = 18 weights per
(input channel, output channel) pair instead of 25, and an extra ReLU in between.
The page shows this with the student's numbers; no TensorFlow here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnlab.convolution.kernels import receptive_field_of_stack, receptive_mask


@dataclass(frozen=True)
class StackComparison:
    """n stacked k x k convolutions (stride 1) against the one big kernel that sees as far.

    Weights count kernels only (no biases) for `channels` in and `channels` out at every layer.
    """

    n_layers: int
    kernel: int
    channels: int
    field: int  # side of the input square one output cell sees
    stacked_per_pair: int  # n * k * k
    single_per_pair: int  # field * field

    @property
    def stacked_weights(self) -> int:
        return self.stacked_per_pair * self.channels ** 2

    @property
    def single_weights(self) -> int:
        return self.single_per_pair * self.channels ** 2

    @property
    def saving(self) -> float:
        """Fraction of the big kernel's weights the stack does without (0.28 for two 3x3)."""
        return 1.0 - self.stacked_per_pair / self.single_per_pair


def compare_stack(n_layers: int, channels: int = 1, kernel: int = 3) -> StackComparison:
    """The receptive field of n stacked k x k layers and both weight counts."""
    if n_layers < 1 or channels < 1 or kernel < 1:
        raise ValueError("n_layers, channels and kernel must all be at least 1")
    field = receptive_field_of_stack(n_layers, kernel)
    return StackComparison(n_layers, kernel, channels, field, n_layers * kernel * kernel,
                           field * field)


def receptive_rings(n_layers: int, input_size: int, kernel: int = 3) -> np.ndarray:
    """(input_size, input_size) ints: the first layer whose view of the centre cell covers each cell.

    0 outside the view after n layers; 1 on the first k x k block; 2 on the ring the second layer
    adds; ... The output cell is the one above the centre of the input.
    """
    field = receptive_field_of_stack(n_layers, kernel)
    if field > input_size:
        raise ValueError(f"{n_layers} layers see {field}x{field}: more than the "
                         f"{input_size}x{input_size} grid")
    centre = input_size // 2
    rings = np.zeros((input_size, input_size), dtype=np.int64)
    for layers in range(n_layers, 0, -1):  # widest first, so narrower views overwrite
        half = (receptive_field_of_stack(layers, kernel) - 1) // 2
        cell = centre - half  # the output cell whose window is centred here (valid, stride 1)
        rings[receptive_mask(input_size, cell, cell, layers, kernel)] = layers
    return rings
