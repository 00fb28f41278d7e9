"""Capital letters drawn the way a student draws them with the mouse on the Draw page's canvas.

Typed glyphs (cnnlab.evaluation.non_digits.letter) have the font's varying stroke widths and
serifs; a letter drawn on the canvas has none of that: a few straight strokes of one round pen,
a little crooked, at any size and place. That is the letter the Draw page really sees (a
mouse-drawn "H" was read "a 4 at 100%" while typed ones were caught), so each letter here is a
list of pen strokes in a unit box, jittered point by point, stretched, slanted and turned a
little, traced as a one-pixel centre line and drawn with a canvas pen exactly like the redrawn
digits (cnnlab.evaluation.drawn.draw_on_canvas). Only letters no digit resembles (no O, I, l,
S, Z, B, G, D, C, U, J, P, q, g, b). Seeded; numpy and Pillow only.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from cnnlab.evaluation.drawn import PEN_WIDTHS, UPSCALE, random_drawing

# Each letter: strokes (pen down, move, pen up), each a list of (x, y) points in a unit box, y down.
STROKES: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = {
    "A": (((0.0, 1.0), (0.5, 0.0), (1.0, 1.0)), ((0.22, 0.58), (0.78, 0.58))),
    "E": (((1.0, 0.0), (0.0, 0.0), (0.0, 1.0), (1.0, 1.0)), ((0.0, 0.5), (0.75, 0.5))),
    "F": (((1.0, 0.0), (0.0, 0.0), (0.0, 1.0)), ((0.0, 0.48), (0.7, 0.48))),
    "H": (((0.0, 0.0), (0.0, 1.0)), ((1.0, 0.0), (1.0, 1.0)), ((0.0, 0.5), (1.0, 0.5))),
    "K": (((0.0, 0.0), (0.0, 1.0)), ((0.95, 0.0), (0.0, 0.55)), ((0.3, 0.38), (1.0, 1.0))),
    "M": (((0.0, 1.0), (0.08, 0.0), (0.5, 0.7), (0.92, 0.0), (1.0, 1.0)),),
    "N": (((0.0, 1.0), (0.0, 0.0), (1.0, 1.0), (1.0, 0.0)),),
    "R": (((0.0, 1.0), (0.0, 0.0), (0.7, 0.0), (0.95, 0.12), (0.95, 0.38), (0.7, 0.5), (0.0, 0.5)),
          ((0.35, 0.5), (1.0, 1.0))),
    "T": (((0.0, 0.0), (1.0, 0.0)), ((0.5, 0.0), (0.5, 1.0))),
    "W": (((0.0, 0.0), (0.25, 1.0), (0.5, 0.3), (0.75, 1.0), (1.0, 0.0)),),
    "X": (((0.0, 0.0), (1.0, 1.0)), ((1.0, 0.0), (0.0, 1.0))),
    "Y": (((0.0, 0.0), (0.5, 0.5), (1.0, 0.0)), ((0.5, 0.5), (0.5, 1.0))),
}
LETTERS = "".join(STROKES)
WIDTH = (0.55, 1.1)  # the letter's width over its height: students draw narrow and wide ones
JITTER = 0.035  # each stroke point moves by this much of the box (standard deviation): a hand, not a ruler
SLANT = 0.2  # shear up to this much either way
TURN = np.deg2rad(10)  # and turned by up to 10 degrees


def centre_line(char: str, rng: np.random.Generator) -> np.ndarray:
    """(112, 112) bool: one jittered, stretched, slanted and turned centre line of `char`, like
    cnnlab.evaluation.drawn.centre_lines makes of a digit."""
    if char not in STROKES:
        raise ValueError(f"no pen strokes for {char!r}; drawn letters are {LETTERS}")
    width = rng.uniform(*WIDTH)
    shear, angle = rng.uniform(-SLANT, SLANT), rng.uniform(-TURN, TURN)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    strokes = []
    for stroke in STROKES[char]:
        p = np.array(stroke, np.float64) + rng.normal(0, JITTER, (len(stroke), 2))
        p = (p - 0.5) * [width, 1.0]
        p[:, 0] -= shear * p[:, 1]  # positive shear leans the top to the right (y is down)
        strokes.append(p @ turn.T)
    points = np.concatenate(strokes)
    low, span = points.min(axis=0), max(float(np.ptp(points, axis=0).max()), 1e-6)
    size = 28 * UPSCALE
    image = Image.new("1", (size, size), 0)
    pen = ImageDraw.Draw(image)
    for p in strokes:
        scaled = (p - low) / span * (size - 9) + 4
        pen.line([tuple(q) for q in scaled.tolist()], fill=1, width=1)
    return np.asarray(image, bool)


def drawn_letter(rng: np.random.Generator, letters: str = LETTERS) -> np.ndarray:
    """(280, 280) uint8: one of `letters` drawn with a canvas pen (PEN_WIDTHS) at a random size and place.

    The sizes and places are those of the redrawn digits (cnnlab.evaluation.drawn.random_drawing):
    from 5 pens (at least 80 pixels) to 260 pixels, anywhere on the canvas.
    """
    if not letters or any(c not in STROKES for c in letters):
        raise ValueError(f"drawn letters must be some of {LETTERS}, not {letters!r}")
    line = centre_line(letters[int(rng.integers(len(letters)))], rng)
    return random_drawing(line, int(rng.choice(PEN_WIDTHS)), rng)
