"""Hand-made 3x3 kernels, a small grid to slide them over, and what a stack of them can see.

Students learn what a filter does by trying famous ones before the network learns its own;
all values here are plain read-only numpy arrays for the "Convolution explained" page.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from cnnlab.i18n import N_


class Kernel(NamedTuple):
    """A named kernel: unpack as `weights, explanation = KERNELS[name]` (English; show with _())."""

    weights: np.ndarray  # (3, 3) float64, read-only
    explanation: str  # one line: what it responds to


def _frozen(rows: list[list[float]], scale: float = 1.0) -> np.ndarray:
    array = np.array(rows, dtype=np.float64) * scale
    array.setflags(write=False)
    return array


KERNELS: dict[str, Kernel] = {
    N_("Identity"): Kernel(_frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
                       N_("Copies the centre pixel: the output is the input (a sanity check).")),
    N_("Blur"): Kernel(_frozen([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1 / 16),
                   N_("A Gaussian average of the neighbourhood: smooths noise and softens edges.")),
    N_("Sharpen"): Kernel(_frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
                      N_("Adds the difference from the neighbours back in: edges become crisper.")),
    N_("Edge (outline)"): Kernel(_frozen([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
                             N_("Laplacian: zero on flat areas, large where brightness changes in any direction.")),
    N_("Sobel horizontal"): Kernel(_frozen([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
                               N_("Bottom minus top: responds to horizontal edges (dark above, bright below).")),
    N_("Sobel vertical"): Kernel(_frozen([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
                             N_("Right minus left: responds to vertical edges (dark left, bright right).")),
    N_("Vertical line"): Kernel(_frozen([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]]),
                            N_("A bright middle column between darker ones: finds thin vertical strokes.")),
    N_("Horizontal line"): Kernel(_frozen([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]]),
                              N_("A bright middle row between darker ones: finds thin horizontal strokes.")),
    N_("X shape"): Kernel(_frozen([[1, -1, 1], [-1, 1, -1], [1, -1, 1]]),
                      N_("1 on both diagonals, -1 elsewhere: scores highest exactly where an X is.")),
}


def small_grid_example() -> np.ndarray:
    """A 7x7 grid of 0s and 1s drawing an X, small enough to show every multiplication."""
    grid = np.zeros((7, 7), dtype=np.int64)
    idx = np.arange(1, 6)
    grid[idx, idx] = 1  # the "\" stroke
    grid[idx, 6 - idx] = 1  # the "/" stroke
    grid.setflags(write=False)
    return grid  # with "X shape" (valid): the centre output is 5, the best possible score


def receptive_field_of_stack(n_layers: int, kernel: int = 3, stride: int = 1) -> int:
    """Side of the input square one output cell sees after n identical conv layers (two 3x3 see 5x5).

    r = 1 + (k - 1) * (1 + s + s^2 + ... + s^(n-1)): each layer widens the view by k - 1
    steps of the layers below it.
    """
    if n_layers < 0 or kernel < 1 or stride < 1:
        raise ValueError("n_layers must be >= 0 and kernel, stride >= 1")
    return 1 + (kernel - 1) * sum(stride ** i for i in range(n_layers))


def receptive_window(row: int, col: int, n_layers: int, kernel: int = 3,
                     stride: int = 1) -> tuple[int, int, int]:
    """(top, left, size) of the input square output cell (row, col) sees after n "valid" layers."""
    size = receptive_field_of_stack(n_layers, kernel, stride)
    jump = stride ** n_layers  # input cells between neighbouring output cells
    return row * jump, col * jump, size


def receptive_mask(input_size: int, row: int, col: int, n_layers: int, kernel: int = 3,
                   stride: int = 1) -> np.ndarray:
    """A (input_size, input_size) bool grid, True on the cells output (row, col) sees, for drawing."""
    top, left, size = receptive_window(row, col, n_layers, kernel, stride)
    if top + size > input_size or left + size > input_size:
        raise ValueError(f"output cell ({row}, {col}) after {n_layers} layers looks past the "
                         f"{input_size}x{input_size} input")
    mask = np.zeros((input_size, input_size), dtype=bool)
    mask[top:top + size, left:left + size] = True
    return mask
