""""This does not look like a digit": honest doubts about a drawing, instead of a confident wrong digit.

A classifier trained on digits always answers with a digit, even for a scribble, a letter or
"42". Three independent signs that the drawing is not one digit, each cheap and explainable:

1. the model is unsure: its highest probability is low (a real digit is read with > 90 %
   almost always);
2. the ink has the wrong shape: it fills too much of its box (a scribble or a blob), or it
   is two separate pieces side by side (two digits), measured on the cropped ink;
3. there is too little ink to be a digit (a speck), which preprocess already refuses.

The thresholds were set on seeded non-digits (cnnlab.evaluation.non_digits) against the
digits of the robustness benchmark's drawn set; `bench/bench_not_a_digit.py` prints both
rates. Numpy and Pillow only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from cnnlab.i18n import _

MIN_CONFIDENCE = 0.80  # below this highest probability, the model itself is unsure
MAX_FILL = 0.31  # share of the 28x28 field that is ink (> 0.3); MNIST digits: 0.14 typical, 0.26 at most
GRID = 48  # the cropped ink is looked at on a grid this big for its pieces
PIECE_SHARE = 0.12  # a piece counts when it holds at least this share of the ink
SIDE_BY_SIDE = 1.15  # pieces next to each other in a box this much wider than tall: two digits


@dataclass(frozen=True)
class Doubt:
    """Why a drawing may not be a digit; `reasons` is empty when it looks like one."""

    confidence: float
    fill: float
    pieces: int
    side_by_side: bool
    reasons: tuple[str, ...]

    @property
    def doubtful(self) -> bool:
        return bool(self.reasons)


def ink_pieces(cropped: np.ndarray) -> tuple[int, bool]:
    """(pieces holding >= PIECE_SHARE of the ink, whether two of them sit side by side in a wide box).

    The crop is shrunk onto a GRID x GRID field keeping its aspect ratio and thresholded, then
    its 8-connected pieces are labelled by repeated neighbour maxima (small enough for numpy).
    """
    h, w = cropped.shape
    scale = GRID / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(np.asarray(cropped, np.float32)).resize(size, Image.BILINEAR)) > 0.25
    if not small.any():
        return 0, False
    labels = np.where(small, np.arange(1, small.size + 1).reshape(small.shape), 0)
    while True:
        padded = np.pad(labels, 1)
        hh, ww = labels.shape
        neighbours = np.max([padded[1 + dy:1 + dy + hh, 1 + dx:1 + dx + ww]
                             for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0)
        grown = np.where(small, neighbours, 0)
        if np.array_equal(grown, labels):
            break
        labels = grown
    ids, counts = np.unique(labels[labels > 0], return_counts=True)
    big = ids[counts >= PIECE_SHARE * small.sum()]
    spans = []
    for piece in big:
        cols = np.flatnonzero((labels == piece).any(axis=0))
        spans.append((cols[0], cols[-1]))
    spans.sort()
    apart = any(b[0] > a[1] for a, b in zip(spans, spans[1:]))  # a gap between column ranges
    return len(big), bool(apart and w > SIDE_BY_SIDE * h)


def doubts(final28: np.ndarray, cropped: np.ndarray, probs: np.ndarray) -> Doubt:
    """The signs that a prepared drawing is not one digit, with a sentence for each."""
    confidence = float(np.max(probs))
    fill = float(np.mean(np.asarray(final28) > 0.3))
    pieces, side_by_side = ink_pieces(cropped)
    reasons = []
    if side_by_side:
        reasons.append(_("the ink is in separate pieces side by side: is it more than one "
                         "digit? Draw one digit at a time."))
    if fill > MAX_FILL:
        reasons.append(_("the ink fills {fill} of the box, much more than a digit's strokes "
                         "(MNIST digits: about 14%): is it a scribble or a blob?").format(
                             fill=f"{fill:.0%}"))
    if confidence < MIN_CONFIDENCE:
        reasons.append(_("the model is unsure: its best guess has only {confidence}, where it "
                         "gives most real digits over 90%.").format(confidence=f"{confidence:.0%}"))
    return Doubt(confidence, fill, pieces, side_by_side, tuple(reasons))
