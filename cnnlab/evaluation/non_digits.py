"""Drawings that are not one digit, made on the Draw page's 280x280 canvas (seeded): scribbles,
typed letters, shapes, specks and lines, two digits side by side, and capital letters drawn
with the canvas pen (cnnlab.evaluation.drawn_letters).

They measure the Draw page's "this does not look like a digit" message
(cnnlab.drawing.doubt): how many of them it catches, against how often it wrongly doubts a
real digit. Numpy and Pillow only; every picture is white on black like the canvas.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cnnlab.evaluation.drawn import CANVAS, centre_lines, draw_on_canvas
from cnnlab.evaluation.drawn_letters import drawn_letter

LETTERS = "ABEHKMNRWXYaefhkmnrwxy#%&@"  # shapes no digit has (O, I, S, Z, l, b, g, q look like digits)
KINDS = ("scribble", "letter", "shape", "speck", "two digits", "drawn letter")  # new kinds go last,
# so a seed still makes the same pictures of the earlier kinds


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (CANVAS, CANVAS), 0)
    return image, ImageDraw.Draw(image)


def scribble(rng: np.random.Generator) -> np.ndarray:
    """A random pen path: 12-30 points wandering over a random part of the canvas."""
    image, pen = _canvas()
    centre = rng.uniform(90, 190, 2)
    points = centre + np.cumsum(rng.normal(0, rng.uniform(25, 60), (int(rng.integers(12, 31)), 2)), axis=0)
    points = np.clip(points, 10, CANVAS - 10)
    pen.line([tuple(p) for p in points.tolist()], fill=255, width=int(rng.integers(10, 30)), joint="curve")
    return np.asarray(image)


def letter(rng: np.random.Generator) -> np.ndarray:
    """A letter or sign that no digit resembles, in Pillow's own font, 120-220 pixels tall."""
    image, pen = _canvas()
    size = int(rng.integers(120, 221))
    font = ImageFont.load_default(size=size)
    char = LETTERS[int(rng.integers(len(LETTERS)))]
    pen.text((int(rng.integers(10, 60)), int(rng.integers(0, 40))), char, fill=255, font=font,
             stroke_width=int(rng.integers(2, 8)), stroke_fill=255)
    return np.asarray(image)


def shape(rng: np.random.Generator) -> np.ndarray:
    """An outlined rectangle, triangle or star (a filled one is a blob)."""
    image, pen = _canvas()
    width = int(rng.integers(10, 26))
    x0, y0 = rng.uniform(20, 90, 2)
    x1, y1 = rng.uniform(180, 260, 2)
    kind = int(rng.integers(3))
    if kind == 0:
        pen.rectangle((x0, y0, x1, y1), outline=255, width=width)
    elif kind == 1:
        pen.polygon([((x0 + x1) / 2, y0), (x1, y1), (x0, y1)], outline=255, width=width)
    else:
        cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
        angles = np.pi / 2 + np.arange(6) * 4 * np.pi / 5
        pen.line([(cx + r * np.cos(a), cy - r * np.sin(a)) for a in angles], fill=255, width=width)
    return np.asarray(image)


def speck(rng: np.random.Generator) -> np.ndarray:
    """Almost nothing: a dot, a tiny tick or a short dash somewhere on the canvas."""
    image, pen = _canvas()
    x, y = rng.uniform(40, 240, 2)
    length = rng.uniform(0, 25)
    angle = rng.uniform(0, np.pi)
    pen.line([(x, y), (x + length * np.cos(angle), y + length * np.sin(angle))], fill=255,
             width=int(rng.integers(8, 20)))
    return np.asarray(image)


def two_digits(rng: np.random.Generator, lines: np.ndarray) -> np.ndarray:
    """Two test digits' centre lines drawn side by side with one pen, like "42"."""
    pen = int(rng.choice([10, 14, 18]))
    height = rng.uniform(90, 130)
    top = rng.uniform(20, CANVAS - height - 20)
    first, second = rng.choice(len(lines), 2, replace=False)
    left = draw_on_canvas(lines[first], pen, height, top, rng.uniform(5, 20))
    right = draw_on_canvas(lines[second], pen, height, top + rng.uniform(-10, 10),
                           rng.uniform(140, CANVAS - height))
    return np.maximum(left, right)


def non_digits(count_per_kind: int, digits: np.ndarray, seed: int = 0) -> dict[str, list[np.ndarray]]:
    """{kind: canvases (280, 280) uint8}: `count_per_kind` of each kind; `digits` (N, 28, 28) feed "two digits"."""
    rng = np.random.default_rng(seed)
    lines = centre_lines(digits[:max(2, min(len(digits), 2 * count_per_kind))])
    makers = {"scribble": scribble, "letter": letter, "shape": shape, "speck": speck,
              "two digits": lambda r: two_digits(r, lines), "drawn letter": drawn_letter}
    return {kind: [makers[kind](rng) for _ in range(count_per_kind)] for kind in KINDS}
