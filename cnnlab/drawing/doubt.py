""""This does not look like a digit": honest doubts about a drawing, instead of a confident wrong digit.

A classifier trained on digits always answers with a digit, even for a scribble, a letter or
"42". Four reasons to doubt that the drawing is one digit, each explainable:

1. the network reacts to it like to no digit it learned: a score that weighs how far its
   inner pictures (the last hidden layer's numbers and the convolution layers' channels) are
   from every digit's (Mahalanobis distances), how weak its ten scores are (the energy), how
   sure it is and the ink's fill and shape, is beyond what real drawn digits reach
   (cnnlab.drawing.novelty; the weights fitted and the limit calibrated per model). This is
   the reason that catches letters, shapes and scribbles the softmax reads confidently as
   some digit, including letters drawn with the mouse;
2. the model is unsure: its highest probability is low (a real digit is read with > 90 %
   almost always);
3. the ink has the wrong shape: it fills too much of its box (a scribble or a blob), or it
   is two separate pieces side by side (two digits), measured on the cropped ink;
4. there is too little ink to be a digit (a speck), which preprocess already refuses.

The thresholds were set on seeded non-digits (cnnlab.evaluation.non_digits) against real
digits drawn with the canvas pen; `bench/bench_not_a_digit.py` prints both rates, on test
digits and non-digits never used for setting them. Numpy and Pillow only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from cnnlab.drawing import novelty_signs
from cnnlab.drawing.novelty import FALSE_ALARMS, Novelty, Sign
from cnnlab.i18n import _, percent, sentences

MIN_CONFIDENCE = 0.55  # below this highest probability, the model itself is unsure (real drawn digits: 1%)
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
    novelty: Novelty | None = None  # None: the model's reaction could not be measured

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


def doubts(final28: np.ndarray, cropped: np.ndarray, probs: np.ndarray,
           novelty: Novelty | None = None) -> Doubt:
    """The reasons to doubt that a prepared drawing is one digit, with a sentence for each.

    `novelty` is the drawing's novelty score (cnnlab.drawing.novelty); without it only the
    confidence and the ink's shape are judged.
    """
    confidence = float(np.max(probs))
    fill = float(np.mean(np.asarray(final28) > novelty_signs.INK))
    pieces, side_by_side = ink_pieces(cropped)
    reasons = []
    if side_by_side:
        reasons.append(_("the ink is in separate pieces side by side: is it more than one "
                         "digit? Draw one digit at a time."))
    if fill > MAX_FILL:
        reasons.append(_("the ink fills {fill} of the box, much more than a digit's strokes "
                         "(MNIST digits: about 14%): is it a scribble or a blob?").format(
                             fill=f"{fill:.0%}"))
    if novelty is not None and novelty.far:
        reason = _("to the network it looks like no digit it learned: the signs CNN Lab weighs "
                   "give it a score of {score:.1f}, where real drawn digits score about "
                   "{typical:.1f} and {share} of them below {threshold:.1f}.").format(
                       score=novelty.score, typical=novelty.typical,
                       share=percent(1 - FALSE_ALARMS, 1), threshold=novelty.threshold)
        strongest = novelty.strongest()
        if strongest:
            reason = sentences(reason, _("What weighs most: {signs}.").format(
                signs=_(", ").join(sign_sentence(s) for s in strongest)))
        reasons.append(reason)
    if confidence < MIN_CONFIDENCE:
        reasons.append(_("the model is unsure: its best guess has only {confidence}, where it "
                         "gives most real digits over 90%.").format(confidence=f"{confidence:.0%}"))
    return Doubt(confidence, fill, pieces, side_by_side, tuple(reasons), novelty)


def sign_sentence(sign: Sign) -> str:
    """What one sign says about the drawing, with its number, for a student."""
    name = sign.name
    if name == novelty_signs.HIDDEN:
        return _("its inner picture at the last hidden layer is {value:.1f} from the nearest "
                 "digit's centre").format(value=float(np.exp(sign.value)))
    if name.startswith("conv") and name[4:].isdigit():
        return _("what convolution layer {n} sees is {value:.1f} from the nearest digit's "
                 "centre").format(n=int(name[4:]), value=float(np.exp(sign.value)))
    if name == novelty_signs.ENERGY:
        return _("its ten scores are all weak (energy {value:.1f})").format(value=sign.value)
    if name == novelty_signs.UNSURE:
        return _("its best guess has only {confidence}").format(
            confidence=f"{1 - float(np.exp(sign.value)):.0%}")
    if name == novelty_signs.FILL:
        return _("the ink fills {fill} of the box").format(fill=f"{sign.value:.0%}")
    if name == novelty_signs.SHAPE:
        return _("the ink's box is {ratio:.1f} times longer one way than the other").format(
            ratio=float(np.exp(sign.value)))
    return name


def how_it_decides(novelty: Novelty | None) -> str:
    """A paragraph for the student: the signs CNN Lab looks at, with this drawing's numbers."""
    text = _("A digit classifier always answers with one of the ten digits, even for a letter, so "
             "its probabilities alone cannot say \"this is no digit\". CNN Lab also looks at the "
             "numbers the network's layers compute for the drawing, its inner pictures of it. "
             "For real digits those numbers form one cloud per digit; CNN Lab measured the ten "
             "clouds (their centres and spread) on MNIST's training digits, at the last hidden "
             "layer and at the convolution layers, and measures how far the drawing is from "
             "the nearest centre, in units of the spread (the Mahalanobis distance). It adds "
             "how weak the network's ten scores are (the energy), how sure its best guess is, "
             "and how much of the box the ink fills and how long or wide it is. A logistic "
             "regression, fitted for this model on real digits drawn with this page's pen "
             "against drawn letters, shapes and scribbles, weighs these signs into one score. "
             "The limit is set on real drawn digits: {share} of them score below it.").format(
                 share=percent(1 - FALSE_ALARMS, 1))
    if novelty is None:
        this_one = _("This model cannot be measured that way (its last Dense layer reads too "
                     "many numbers, or it has none), so only the signs below count.")
    else:
        this_one = _("This drawing: a score of {score:.1f} (real drawn digits: about "
                     "{typical:.1f}; the limit: {threshold:.1f}); its inner picture at the last "
                     "hidden layer is {distance:.1f} from the nearest digit's centre (a {digit}).").format(
                         score=novelty.score, typical=novelty.typical, threshold=novelty.threshold,
                         distance=novelty.distance, digit=novelty.nearest)
        strongest = novelty.strongest()
        if strongest:
            this_one = sentences(this_one, _("What raised its score most: {signs}.").format(
                signs=_(", ").join(sign_sentence(s) for s in strongest)))
    others = _("The other signs: the model gives its best guess under {confidence} (it is "
               "unsure), the ink fills more than {fill} of the box (a scribble or a blob), or it "
               "is in separate pieces side by side (more than one digit).").format(
                   confidence=f"{MIN_CONFIDENCE:.0%}", fill=f"{MAX_FILL:.0%}")
    return sentences(text, this_one, others)
