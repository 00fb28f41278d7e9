"""MNIST's test digits redrawn the way a mouse draws them on the Draw page's canvas.

A student's drawing differs from an MNIST digit in ways the 28x28 transforms do not cover: the
pen has one constant width (the canvas' "Pen width" slider, 6-40 pixels, default 18), the digit
is drawn anywhere on a 280x280 canvas at any size, and the result reaches the model only
through the Draw page's own preparation (cnnlab.drawing.preprocess). So each test digit is
reduced to its centre line (Zhang-Suen thinning of the digit enlarged 4x), traced again with a
round pen of a given width, anti-aliased like the browser, at a random size and place on the
canvas (seeded), and then prepared exactly as a drawing is. Its label stays the test label,
so the accuracy on these images says how well the model reads drawings. Numpy and Pillow only.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from cnnlab.drawing.preprocess import preprocess_digit
from cnnlab.errors import LabError

CANVAS = 280  # the Draw page's canvas is 280x280
PEN_WIDTHS = (10, 18, 26, 34)  # canvas pixels, within the page's 6-40 slider (default 18)
UPSCALE = 4  # the centre line is found on the digit enlarged 4x, for smooth strokes
SUPERSAMPLE = 2  # drawn at twice the size and reduced: anti-aliased edges like the browser's


def centre_lines(digits: np.ndarray) -> np.ndarray:
    """(N, 28, 28) grey digits -> (N, 112, 112) bool one-pixel-wide centre lines (Zhang-Suen 1984)."""
    size = 28 * UPSCALE
    big = np.stack([np.asarray(Image.fromarray(np.asarray(d, np.float32)).resize((size, size), Image.BILINEAR))
                    for d in digits])
    ink = np.pad(big > 0.4, ((0, 0), (1, 1), (1, 1)))
    while True:
        changed = False
        for first in (True, False):
            p = [ink[:, 1:-1, 1:-1],  # the pixel, then its 8 neighbours clockwise from north
                 ink[:, :-2, 1:-1], ink[:, :-2, 2:], ink[:, 1:-1, 2:], ink[:, 2:, 2:],
                 ink[:, 2:, 1:-1], ink[:, 2:, :-2], ink[:, 1:-1, :-2], ink[:, :-2, :-2]]
            ring = [q.astype(np.uint8) for q in p[1:]]
            count = sum(ring)
            turns = sum((ring[i] == 0) & (ring[(i + 1) % 8] == 1) for i in range(8))
            n, e, s, w = p[1], p[3], p[5], p[7]
            if first:
                keep_a, keep_b = n & e & s, e & s & w
            else:
                keep_a, keep_b = n & e & w, n & s & w
            remove = p[0] & (count >= 2) & (count <= 6) & (turns == 1) & ~keep_a & ~keep_b
            if remove.any():
                ink[:, 1:-1, 1:-1] &= ~remove
                changed = True
        if not changed:
            return ink[:, 1:-1, 1:-1]


def draw_on_canvas(line: np.ndarray, pen: int, height: float, top: float, left: float) -> np.ndarray:
    """Trace one centre line with a round pen: (112, 112) bool -> (280, 280) uint8, white on black.

    The line's bounding box, widened by the pen, becomes `height` canvas pixels tall with its
    top-left corner at (top, left).
    """
    ys, xs = np.nonzero(line)
    if len(ys) == 0:
        return np.zeros((CANVAS, CANVAS), np.uint8)
    span = max(int(ys.max() - ys.min()), int(xs.max() - xs.min()), 1)
    k = SUPERSAMPLE
    factor = max(height - pen, 1.0) / span * k  # centre-line pixels -> supersampled canvas pixels
    y = (ys - ys.min()) * factor + (top + pen / 2) * k
    x = (xs - xs.min()) * factor + (left + pen / 2) * k
    picture = Image.new("L", (CANVAS * k, CANVAS * k), 0)
    pen_tip = ImageDraw.Draw(picture)
    r = pen * k / 2
    for cy, cx in zip(y.tolist(), x.tolist()):
        pen_tip.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    return np.asarray(picture.reduce(k))


def random_drawing(line: np.ndarray, pen: int, rng: np.random.Generator) -> np.ndarray:
    """One centre line drawn with `pen` at a random size (5 pens or 80 pixels up to 260) and place."""
    height = rng.uniform(max(80.0, 5.0 * pen), 260.0)
    top, left = rng.uniform(0, CANVAS - height, size=2)
    return draw_on_canvas(line, pen, height, top, left)


def drawn_set(digits: np.ndarray, pen: int, seed: int = 0, lines: np.ndarray | None = None) -> np.ndarray:
    """(N, 28, 28) test digits -> (N, 28, 28) the same digits drawn with `pen` and prepared as on the Draw page.

    Sizes range from about 5 pens (at least 80 pixels) to 260 pixels tall and the places are
    anywhere on the canvas, drawn from a generator seeded by `seed` and the pen width. Pass the
    digits' `lines` (centre_lines) to draw them with several pens without thinning them again.
    """
    lines = centre_lines(digits) if lines is None else lines
    rng = np.random.default_rng([seed, pen])
    out = np.zeros((len(lines), 28, 28), np.float32)
    for i, line in enumerate(lines):
        canvas = random_drawing(line, pen, rng)
        try:
            out[i] = preprocess_digit(canvas).final28
        except LabError:  # a digit too faint to leave a centre line stays an empty image
            pass
    return out
