"""A digit entered without a mouse: a coarse grid of cells switched on and off from the keyboard.

The grid becomes the same kind of picture the canvas gives (white ink on black, 280 x 280
RGBA), so it goes through exactly the same MNIST preparation and prediction as a drawing.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

ROWS = COLUMNS = 7  # coarse enough to fill by keyboard (49 cells), fine enough for a digit
CANVAS = 280  # pixels, the size of the Draw page's canvas


def grid_image(cells: Iterable[tuple[int, int]], rows: int = ROWS, columns: int = COLUMNS,
               size: int = CANVAS) -> np.ndarray:
    """(row, column) cells that are on -> a (size, size, 4) uint8 RGBA picture, white on black."""
    image = np.zeros((size, size, 4), np.uint8)
    image[..., 3] = 255
    cell_h, cell_w = size // rows, size // columns
    for row, column in cells:
        if not (0 <= row < rows and 0 <= column < columns):
            raise ValueError(f"cell ({row}, {column}) is outside the {rows}x{columns} grid")
        image[row * cell_h:(row + 1) * cell_h, column * cell_w:(column + 1) * cell_w, :3] = 255
    return image


def cells_from_rows(chosen: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """Each row's chosen column numbers (1-based, as the page shows them) -> the (row, col) cells."""
    return {(row, column - 1) for row, columns in enumerate(chosen) for column in columns}


def pattern_rows(pattern: str) -> list[list[int]]:
    """A digit drawn in text ('#' on, '.' off, one line per row) -> each row's 1-based columns;
    used for the examples a student can start from, and by tests."""
    lines = [line.strip() for line in pattern.strip().splitlines()]
    return [[i + 1 for i, ch in enumerate(line) if ch == "#"] for line in lines]


EXAMPLES = {  # digits a student can start from and edit
    "7": """
        #######
        ......#
        .....#.
        ....#..
        ...#...
        ..#....
        ..#....""",
    "1": """
        ...#...
        ..##...
        ...#...
        ...#...
        ...#...
        ...#...
        ..###..""",
    "0": """
        ..###..
        .#...#.
        .#...#.
        .#...#.
        .#...#.
        .#...#.
        ..###..""",
}
