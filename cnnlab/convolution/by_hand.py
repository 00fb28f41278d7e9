"""Convolution and pooling in plain numpy, one window at a time, so a page can show every step.

The arithmetic follows Keras exactly (a "convolution" is a cross-correlation: the kernel is not
flipped; "same" padding puts the odd extra row/column at the bottom/right; average pooling with
"same" padding averages only the real cells), so what the page shows is what Conv2D computes.
No TensorFlow here: this module is imported by pages that only explain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cnnlab.design.windows import window_formula, window_out
from cnnlab.errors import LabError
from cnnlab.i18n import _

IntOrPair = int | tuple[int, int]
Padding4 = tuple[int, int, int, int]  # (top, bottom, left, right)


def as_pair(value: IntOrPair, name: str = "value") -> tuple[int, int]:
    """(h, w) from an int or a pair, checked to be positive whole numbers."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in pair):
        raise ValueError(f"{name} must be a positive whole number or a (height, width) pair; got {value!r}")
    return int(pair[0]), int(pair[1])


def _check_padding(padding: str) -> None:
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same'; got {padding!r}")


def same_padding_1d(n: int, k: int, s: int) -> tuple[int, int]:
    """Keras/TF "same": total = max((ceil(n/s) - 1)*s + k - n, 0), the odd one after (bottom/right)."""
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def output_size(n: int, k: int, s: int = 1, padding: str = "valid") -> int:
    """Output length along one axis (design.windows' formula), or a LabError when k does not fit."""
    _check_padding(padding)
    if padding == "valid" and k > n:
        raise LabError(_("A {k}-wide window does not fit in {n} cells with 'valid' padding. Use "
                         "a smaller kernel or 'same' padding.").format(k=k, n=n))
    return window_out(n, k, s, padding)


def output_size_formula(n: int, k: int, s: int = 1, padding: str = "valid") -> str:
    """The formula with the numbers filled in, e.g. 'out = floor((28 + 2*0 - 3) / 1) + 1 = 26'."""
    output_size(n, k, s, padding)  # a friendly error when the window does not fit
    return f"out = {window_formula(n, k, s, padding)}"


def pad(image: np.ndarray, padding: str, kernel_size: IntOrPair,
        strides: IntOrPair = 1, value: float = 0.0) -> tuple[np.ndarray, Padding4]:
    """The image with Keras' border added (none for "valid"), and the (top, bottom, left, right) sizes."""
    _check_padding(padding)
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"image must be (H, W) or (H, W, C); got shape {image.shape}")
    (kh, kw), (sh, sw) = as_pair(kernel_size, "kernel_size"), as_pair(strides, "strides")
    if padding == "valid":
        return image.copy(), (0, 0, 0, 0)
    top, bottom = same_padding_1d(image.shape[0], kh, sh)
    left, right = same_padding_1d(image.shape[1], kw, sw)
    widths = [(top, bottom), (left, right)] + [(0, 0)] * (image.ndim - 2)
    # (H, W[, C]) -> (H + top + bottom, W + left + right[, C])
    return np.pad(image, widths, constant_values=value), (top, bottom, left, right)


def _windows(padded: np.ndarray, kh: int, kw: int, sh: int, sw: int) -> np.ndarray:
    """Every window: (H, W, ...) -> (out_h, out_w, ..., kh, kw), a view, no copy."""
    view = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(0, 1))
    return view[::sh, ::sw]


def convolve2d(image: np.ndarray, kernel: np.ndarray, strides: IntOrPair = 1,
               padding: str = "valid", bias: float | np.ndarray = 0.0) -> np.ndarray:
    """Keras' Conv2D arithmetic (cross-correlation, no activation).

    (H, W) image with a (kh, kw) kernel gives (out_h, out_w); an (H, W, C_in) image with a
    (kh, kw, C_in, F) kernel (Keras' layout) gives (out_h, out_w, F).
    """
    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    flat = image.ndim == 2 and kernel.ndim == 2
    if flat:
        image, kernel = image[..., None], kernel[..., None, None]
    if image.ndim != 3 or kernel.ndim != 4 or kernel.shape[2] != image.shape[2]:
        raise ValueError(f"image (H, W, C) and kernel (kh, kw, C, F) do not match: "
                         f"{image.shape} and {kernel.shape}")
    kh, kw = kernel.shape[:2]
    sh, sw = as_pair(strides, "strides")
    padded, _ = pad(image, padding, (kh, kw), (sh, sw))
    output_size(padded.shape[0], kh, sh), output_size(padded.shape[1], kw, sw)  # fits?
    windows = _windows(padded, kh, kw, sh, sw)  # (out_h, out_w, C, kh, kw)
    out = np.einsum("ijcab,abcf->ijf", windows, kernel) + bias  # (out_h, out_w, F)
    return out[..., 0] if flat else out


@dataclass(frozen=True, eq=False)
class Window:
    """One step of the slide: where the kernel sits, what it multiplies, and the cell it fills."""

    row: int  # output cell
    col: int
    top: int  # the patch's top-left corner in the padded image
    left: int
    patch: np.ndarray  # (kh, kw) numbers under the kernel
    products: np.ndarray  # (kh, kw) patch * kernel, element by element
    total: float  # sum of the products: the output cell's value (before bias and activation)


def window_at(padded: np.ndarray, kernel: np.ndarray, row: int, col: int,
              strides: IntOrPair = 1) -> Window:
    """The step that computes output cell (row, col) of a 2-D convolution of an already padded image."""
    padded, kernel = np.asarray(padded, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    if padded.ndim != 2 or kernel.ndim != 2:
        raise ValueError("window_at shows one channel: padded (H, W) and kernel (kh, kw)")
    kh, kw = kernel.shape
    sh, sw = as_pair(strides, "strides")
    out_h, out_w = output_size(padded.shape[0], kh, sh), output_size(padded.shape[1], kw, sw)
    if not (0 <= row < out_h and 0 <= col < out_w):
        raise ValueError(f"output cell ({row}, {col}) is outside the {out_h}x{out_w} output")
    top, left = row * sh, col * sw
    patch = padded[top:top + kh, left:left + kw].copy()
    products = patch * kernel
    return Window(row, col, top, left, patch, products, float(products.sum()))


def positions(out_h: int, out_w: int) -> list[tuple[int, int]]:
    """The order the kernel visits output cells: row by row, left to right, as in reading."""
    return [(r, c) for r in range(out_h) for c in range(out_w)]


def pool2d(image: np.ndarray, pool_size: IntOrPair = 2, strides: IntOrPair | None = None,
           padding: str = "valid", mode: str = "max") -> np.ndarray:
    """Keras' MaxPooling2D/AveragePooling2D on (H, W) or (H, W, C); strides None = pool size.

    "same" padding never lets the border win or dilute: max ignores it, average divides by the
    number of real cells in each window (as Keras does).
    """
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average'; got {mode!r}")
    image = np.asarray(image, dtype=np.float64)
    flat = image.ndim == 2
    if flat:
        image = image[..., None]
    ph, pw = as_pair(pool_size, "pool_size")
    sh, sw = as_pair(strides if strides is not None else (ph, pw), "strides")
    padded, _ = pad(image, padding, (ph, pw), (sh, sw), value=np.nan)
    output_size(padded.shape[0], ph, sh), output_size(padded.shape[1], pw, sw)  # fits?
    windows = _windows(padded, ph, pw, sh, sw)  # (out_h, out_w, C, ph, pw)
    reduce = np.nanmax if mode == "max" else np.nanmean
    out = reduce(windows, axis=(-2, -1))  # (out_h, out_w, C)
    return out[..., 0] if flat else out
