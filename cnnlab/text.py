"""How every page and command writes numbers, shapes, percentages and sizes: one rule each.

A student compares numbers across pages and the command line, so the same number must look
the same everywhere: counts with thousands separators ("1,290"), one percent format
("98.12%"), shapes in one family (the separator is the only thing that differs between
prose, the picture and plain-text formulas) and one byte unit (1 KB = 1,024 bytes).
"""

from __future__ import annotations

import unicodedata
from typing import Sequence

TIMES = " × "  # prose and tables: 26 × 26 × 32
TIGHT = "×"  # the network picture, where room is short: 26×26×32
ASCII = " x "  # formulas and plain-text output (the command line): 26 x 26 x 32


def count(value: int) -> str:
    """1290 -> '1,290'."""
    return f"{value:,}"


def dims(shape: Sequence[int], sep: str = TIMES) -> str:
    """A shape with thousands separators: (26, 26, 32) -> '26 × 26 × 32'; (1600,) -> '1,600'."""
    return sep.join(f"{d:,}" for d in shape)


def size(pair: Sequence[int]) -> str:
    """A window's height and width as a student says it: (3, 3) -> '3x3'."""
    return f"{pair[0]}x{pair[1]}"


def percent(value: float | None, digits: int = 2) -> str:
    """A fraction as a percentage: 0.98123 -> '98.12%'; None (not known yet) -> '–'."""
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%"


def byte_text(amount: int) -> str:
    """A size in bytes: '512 B', '98.0 KB', '1.2 MB' (1 KB = 1,024 bytes, 1 MB = 1,024 KB)."""
    if amount < 1024:
        return f"{amount:,} B"
    if amount < 1024 ** 2:
        return f"{amount / 1024:,.1f} KB"
    return f"{amount / 1024 ** 2:,.1f} MB"


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters (East Asian wide or full-width)
    take two, so a table with Chinese headers still lines up."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal columns, on the left when `right`-aligned."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap
