"""Make a drawn or photographed digit look like an MNIST digit, one visible step at a time.

A model trained on MNIST only reads digits prepared the way MNIST's were (LeCun et al.): white
ink on black, the digit scaled so its longer side is 20 pixels, then placed in a 28x28 field so
its centre of mass sits at the centre. Skipping a step is the usual reason a drawing is misread,
so the page shows every intermediate image. No TensorFlow here.

Checked step by step against how NIST's digits became MNIST's: (1) the ink is found and
cropped to its bounding box; (2) it is resized so its longer side is 20 pixels, keeping the
aspect ratio (a "1" stays thin), with an anti-aliasing filter (Lanczos) that gives grey edges
as MNIST's have; (3) the 20x20 box is put in a 28x28 black field and moved (by whole pixels) so
the centre of mass of its ink lands on the field's centre. A photo of ink on paper needs one
more step first: the paper's uneven lighting (a shadow, a gradient, grey paper) is estimated
and subtracted, and Otsu's threshold separates the ink from the paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from cnnlab.errors import LabError
from cnnlab.i18n import N_, _

EMPTY_MESSAGE = N_("The canvas is empty: draw a digit (thick white strokes work best) and the "
                 "model will read it.")
EMPTY_UPLOAD_MESSAGE = N_("No digit found in this image: it is blank, too small or too faint. "
                        "Upload a clear photo or scan of one digit, a few hundred pixels across.")
CROP_THRESHOLD = 0.1  # brightness (0-1) that counts as ink when finding the digit's box
INK_THRESHOLD = 0.5  # brightness of a pixel that is clearly ink, for "is anything drawn?"
MIN_CONTRAST = 0.15  # ink must be this much brighter than the background
MAX_SIDE = 1024  # larger uploads are shrunk first: a digit needs nowhere near this many pixels
BOX, FIELD = 20, 28  # MNIST: the digit fits a 20x20 box inside a 28x28 field
UNEVEN = 0.12  # paper whose border varies this much (5th to 95th percentile) is unevenly lit
FLAT_SIDE, FLAT_WINDOW = 64, 7  # the lighting is estimated on a 64-pixel copy, in 7x7 windows


@dataclass(frozen=True, eq=False)
class DigitSteps:
    """Every stage of the preparation, float32 in [0, 1], white digit on black, for display."""

    grayscale: np.ndarray  # (H, W): one brightness per pixel, background removed
    cropped: np.ndarray  # (h, w): the bounding box of the ink
    fitted20: np.ndarray  # (20, 20): scaled so the longer side is 20, centred in the box
    final28: np.ndarray  # (28, 28): centre of mass moved to (14, 14)
    model_input: np.ndarray  # (1, 28, 28, 1): a batch of one, what the model is given
    inverted: bool  # True when the image was dark ink on light paper and got flipped
    bbox: tuple[int, int, int, int]  # (top, bottom, left, right) of the ink in `grayscale`, ends exclusive
    center_of_mass: tuple[float, float]  # (row, col) before the shift
    shift: tuple[int, int]  # (rows, cols) the digit moved to centre its mass


def _as_unit_float(image: np.ndarray) -> np.ndarray:
    """Any numeric image as float32 in [0, 1] (uint8 / 255; floats above 1 are taken as 0-255)."""
    if image.dtype == np.uint8:
        return image.astype(np.float32) / 255.0
    out = image.astype(np.float32)
    top = float(out.max()) if out.size else 0.0
    return out / (255.0 if top <= 255 else 65535.0) if top > 1.0 else out


def _shrink(image: np.ndarray) -> np.ndarray:
    """A huge uint8 photo reduced by an integer factor so its longer side is at most MAX_SIDE."""
    factor = math.ceil(max(image.shape[:2]) / MAX_SIDE)
    if factor <= 1 or image.dtype != np.uint8:
        return image
    squeeze = image.ndim == 3 and image.shape[2] == 1
    small = np.asarray(Image.fromarray(image[..., 0] if squeeze else image).reduce(factor))
    return small[..., None] if squeeze else small


def to_grayscale(image: np.ndarray) -> tuple[np.ndarray, bool]:
    """(H, W[, 1|3|4]) -> (H, W) float32 white-on-black with the background at 0, and whether it was inverted."""
    image = np.asarray(image)
    if image.ndim not in (2, 3) or image.ndim == 3 and image.shape[2] not in (1, 3, 4) \
            or min(image.shape[:2]) < 1 or not np.issubdtype(image.dtype, np.number):
        raise LabError(_("An image must be (height, width) grey or (height, width, 3|4) colour "
                         "pixels; got an array of shape {shape}. Upload a PNG or JPEG.").format(
                             shape=image.shape))
    pixels = _as_unit_float(_shrink(image))
    if pixels.ndim == 2:
        gray = pixels
    else:
        rgb = pixels[..., :3]
        gray = rgb[..., 0] if rgb.shape[2] == 1 else rgb @ np.float32([0.299, 0.587, 0.114])
        if pixels.shape[2] == 4:
            alpha = pixels[..., 3]
            # Transparent pixels get the opposite of the ink's colour: black under the canvas'
            # white strokes, white under a dark-ink PNG (which is then inverted below).
            ink = float((gray * alpha).sum() / alpha.sum()) if alpha.sum() > 0 else 1.0
            gray = gray * alpha + (0.0 if ink >= 0.5 else 1.0) * (1.0 - alpha)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    inverted = bool(np.median(border) > 0.5)  # light paper: the digit is the dark part
    if inverted:
        gray, border = 1.0 - gray, 1.0 - border
    if float(np.percentile(border, 95) - np.percentile(border, 5)) > UNEVEN:
        return _flattened(gray), inverted
    # the paper's level plus its noise (4 robust standard deviations, blind to ink on the border)
    level = float(np.median(border))
    background = level + 4 * 1.4826 * float(np.median(np.abs(border - level)))
    peak = float(gray.max())
    if peak - background < MIN_CONTRAST:
        return np.zeros(gray.shape, np.float32), inverted
    # the background becomes 0 and the brightest ink 1, as in MNIST
    return np.clip((gray - background) / (peak - background), 0, 1).astype(np.float32), inverted


def _lighting(gray: np.ndarray) -> np.ndarray:
    """The paper's brightness under uneven light: (H, W) -> (H, W), smooth, without the ink.

    A grey opening (the darkest value in each 7x7 window, then the brightest of those) on a
    copy shrunk to 64 pixels removes strokes narrower than the window and keeps shadows and
    gradients, which are far wider; it is enlarged back with bilinear interpolation.
    """
    h, w = gray.shape
    factor = FLAT_SIDE / max(h, w)
    small_size = (max(1, round(w * factor)), max(1, round(h * factor)))
    small = np.asarray(Image.fromarray(gray.astype(np.float32)).resize(small_size, Image.BOX))
    r = FLAT_WINDOW // 2
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(small, r, mode="edge"), (FLAT_WINDOW,) * 2)
    eroded = windows.min(axis=(2, 3))
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(eroded, r, mode="edge"), (FLAT_WINDOW,) * 2)
    opened = windows.max(axis=(2, 3))
    return np.asarray(Image.fromarray(opened.astype(np.float32)).resize((w, h), Image.BILINEAR))


def otsu_threshold(values: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold: the level that best splits the values into two groups (ink and paper),
    i.e. maximises the variance between the groups' means."""
    v = np.asarray(values, np.float64).ravel()
    low, high = float(v.min()), float(v.max())
    if high <= low:
        return low
    counts, edges = np.histogram(v, bins=bins, range=(low, high))
    centres = (edges[:-1] + edges[1:]) / 2
    weight = np.cumsum(counts)  # pixels at or below each level
    mass = np.cumsum(counts * centres)
    total, total_mass = weight[-1], mass[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_low = mass / weight
        mean_high = (total_mass - mass) / (total - weight)
        between = weight * (total - weight) * (mean_low - mean_high) ** 2
    return float(edges[1:][int(np.nanargmax(between[:-1]))]) if bins > 1 else low


def _flattened(gray: np.ndarray) -> np.ndarray:
    """Ink on unevenly lit paper (white on dark by now) -> the usual 0-1 image, paper at 0.

    The lighting is subtracted first, so a shadow is not taken for ink; then Otsu's threshold
    separates ink from paper, and everything below half of it counts as paper, keeping the
    strokes' soft (anti-aliased) edges.
    """
    flat = np.clip(gray - _lighting(gray), 0, None)
    peak = float(flat.max())
    threshold = otsu_threshold(flat)
    if peak < MIN_CONTRAST or threshold <= 0:
        return np.zeros(gray.shape, np.float32)
    paper = threshold / 2
    return np.clip((flat - paper) / (peak - paper), 0, 1).astype(np.float32)


def is_empty(image: np.ndarray) -> bool:
    """True when nothing (or only a speck) is drawn: too few clearly bright pixels."""
    gray, _ = to_grayscale(image)
    return _too_little_ink(gray)


def _too_little_ink(gray: np.ndarray) -> bool:
    return int((gray > INK_THRESHOLD).sum()) < max(3, int(0.001 * gray.size))


def _fit(cropped: np.ndarray) -> np.ndarray:
    """Resize so the longer side is 20, keeping the aspect ratio: (h, w) -> (<=20, <=20)."""
    h, w = cropped.shape
    scale = BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))  # PIL wants (width, height)
    resized = np.asarray(Image.fromarray(np.ascontiguousarray(cropped, np.float32)).resize(size, Image.LANCZOS))
    resized = np.clip(resized, 0, 1)  # Lanczos rings slightly past the range
    top = float(resized.max())
    return (resized / top if top > 0 else resized).astype(np.float32)


def preprocess_digit(image: np.ndarray) -> DigitSteps:
    """Canvas RGBA, photo RGB or grey image -> the MNIST-style 28x28 digit and every step on the way."""
    gray, inverted = to_grayscale(image)
    if _too_little_ink(gray):
        raise LabError(_(EMPTY_MESSAGE))
    rows = np.flatnonzero((gray > CROP_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((gray > CROP_THRESHOLD).any(axis=0))
    bbox = (int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)
    cropped = gray[bbox[0]:bbox[1], bbox[2]:bbox[3]]  # (H, W) -> (h, w)
    digit = _fit(cropped)  # (h, w) -> (nh, nw), longer side 20
    nh, nw = digit.shape
    fitted20 = np.zeros((BOX, BOX), np.float32)
    fitted20[(BOX - nh) // 2:(BOX - nh) // 2 + nh, (BOX - nw) // 2:(BOX - nw) // 2 + nw] = digit
    # centre of mass of the 20x20 box placed in the middle of the 28x28 field
    top, left = (FIELD - nh) // 2, (FIELD - nw) // 2
    mass = float(digit.sum())
    cy = top + float((digit.sum(axis=1) * np.arange(nh)).sum()) / mass
    cx = left + float((digit.sum(axis=0) * np.arange(nw)).sum()) / mass
    dy = int(np.clip(round(FIELD / 2 - cy), -top, FIELD - nh - top))  # stay inside the field
    dx = int(np.clip(round(FIELD / 2 - cx), -left, FIELD - nw - left))
    final = np.zeros((FIELD, FIELD), np.float32)
    final[top + dy:top + dy + nh, left + dx:left + dx + nw] = digit  # (20-box) -> (28, 28)
    return DigitSteps(gray, cropped.copy(), fitted20, final, final[None, :, :, None].copy(),
                      inverted, bbox, (cy, cx), (dy, dx))
