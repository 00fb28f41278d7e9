"""The ways a handwritten digit varies, as exact image transformations for the invariance lab.

Shift, rotate, scale, slant, thinner or thicker strokes, blur and noise, on one 28x28 digit or a
batch (N, 28, 28), values in [0, 1], white ink on black like MNIST. Numpy only (no scipy, no
TensorFlow), so the lab's sliders answer at once and the robustness benchmark can transform the
whole test set. The geometric ones use the same convention as the training augmentation
(cnnlab.training.augmentation): the digit turns, grows and slants around the image's centre,
and what comes in from outside the image is black.
"""

from __future__ import annotations

import math

import numpy as np


def as_batch(images: np.ndarray) -> tuple[np.ndarray, bool]:
    """(28, 28), (N, 28, 28) or (N, 28, 28, 1) -> float32 (N, 28, 28), and whether it was one image."""
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    single = arr.ndim == 2
    if single:
        arr = arr[None]
    if arr.ndim != 3:
        raise ValueError(f"expected (H, W), (N, H, W) or (N, H, W, 1) images, got shape {np.shape(images)}")
    return arr, single


def _back(batch: np.ndarray, single: bool) -> np.ndarray:
    return batch[0] if single else batch


def shift(images: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Move the digit dx pixels right and dy down, exactly: pixels moved out are lost, new ones are black."""
    batch, single = as_batch(images)
    dx, dy = int(dx), int(dy)
    out = np.zeros_like(batch)
    h, w = batch.shape[1:]
    if abs(dx) < w and abs(dy) < h:
        out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            batch[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return _back(out, single)


def affine(images: np.ndarray, degrees: float = 0.0, scale: float = 1.0, shear: float = 0.0,
           dx: float = 0.0, dy: float = 0.0) -> np.ndarray:
    """Turn (degrees, counter-clockwise as seen), grow (scale), slant (shear) and move the digit.

    out = A (in - c) + c + (dx, dy), A = scale * rotation @ [[1, shear], [0, 1]], c = the centre;
    each output pixel reads the input bilinearly at A^-1 (out - c - t) + c (black outside).
    """
    batch, single = as_batch(images)
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    n, h, w = batch.shape
    theta = math.radians(-degrees)  # rows grow downwards, so a visual turn to the left is -theta
    cos, sin = math.cos(theta), math.sin(theta)
    a = scale * np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, shear], [0.0, 1.0]])
    inv = np.linalg.inv(a)
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    ox, oy = xs - cx - dx, ys - cy - dy
    sx = inv[0, 0] * ox + inv[0, 1] * oy + cx
    sy = inv[1, 0] * ox + inv[1, 1] * oy + cy
    x0, y0 = np.floor(sx), np.floor(sy)
    fx, fy = (sx - x0).astype(np.float32), (sy - y0).astype(np.float32)
    padded = np.pad(batch, ((0, 0), (1, 1), (1, 1)))  # a black ring: reads outside land on it

    def at(yy: np.ndarray, xx: np.ndarray) -> np.ndarray:
        return padded[:, np.clip(yy + 1, 0, h + 1).astype(np.intp), np.clip(xx + 1, 0, w + 1).astype(np.intp)]

    out = ((1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1))
           + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1)))
    return _back(np.clip(out, 0.0, 1.0).astype(np.float32), single)


def rotate(images: np.ndarray, degrees: float) -> np.ndarray:
    """Turn the digit around the image's centre; positive is counter-clockwise. Keeps the ink mass (about)."""
    return affine(images, degrees=degrees)


def scale(images: np.ndarray, factor: float) -> np.ndarray:
    """Make the digit `factor` times as tall and wide, around the image's centre."""
    return affine(images, scale=factor)


def slant(images: np.ndarray, shear: float) -> np.ndarray:
    """Slant the digit: each row moves right by shear x its distance above the centre (italic for shear > 0)."""
    return affine(images, shear=-shear)


def _neighbours(batch: np.ndarray, square: bool) -> list[np.ndarray]:
    padded = np.pad(batch, ((0, 0), (1, 1), (1, 1)))
    h, w = batch.shape[1:]
    offsets = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)]
    if square:
        offsets += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    return [padded[:, 1 + dy:1 + dy + h, 1 + dx:1 + dx + w] for dy, dx in offsets]


def dilate(images: np.ndarray, square: bool = True) -> np.ndarray:
    """Grey dilation (thicker strokes): each pixel becomes the brightest of its 3x3 square (or plus) neighbourhood."""
    batch, single = as_batch(images)
    return _back(np.max(_neighbours(batch, square), axis=0), single)


def erode(images: np.ndarray, square: bool = False) -> np.ndarray:
    """Grey erosion (thinner strokes): each pixel becomes the darkest of its plus-shaped (or 3x3) neighbourhood."""
    batch, single = as_batch(images)
    return _back(np.min(_neighbours(batch, square), axis=0), single)


def stroke(images: np.ndarray, amount: float) -> np.ndarray:
    """Thinner (amount < 0) or thicker (amount > 0) strokes, as in the training augmentation.

    -1: eroded with a plus; 0: unchanged; +1: dilated with a 3x3 square; +2: dilated twice (5x5).
    Amounts in between blend the neighbouring two, so a slider changes the width smoothly.
    """
    batch, single = as_batch(images)
    if not -1.0 <= amount <= 2.0:
        raise ValueError(f"stroke amount must be between -1 and 2, got {amount}")
    if amount < 0:
        out = batch + (-amount) * (erode(batch) - batch)
    elif amount <= 1:
        out = batch + amount * (dilate(batch) - batch)
    else:
        once = dilate(batch)
        out = once + (amount - 1) * (dilate(once) - once)
    return _back(out.astype(np.float32), single)


def blur(images: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur with standard deviation `sigma` pixels (a scanner or camera out of focus)."""
    batch, single = as_batch(images)
    if sigma <= 0:
        return _back(batch.copy(), single)
    radius = max(1, int(math.ceil(3 * sigma)))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps = (taps / taps.sum()).astype(np.float32)
    h, w = batch.shape[1:]
    padded = np.pad(batch, ((0, 0), (radius, radius), (radius, radius)))
    rows = sum(t * padded[:, i:i + h, :] for i, t in enumerate(taps))  # (N, h, w + 2r)
    out = sum(t * rows[:, :, i:i + w] for i, t in enumerate(taps))
    return _back(np.clip(out, 0, 1).astype(np.float32), single)


def noise(images: np.ndarray, std: float, seed: int = 0) -> np.ndarray:
    """Add Gaussian noise of standard deviation `std` to every pixel (seeded), clipped to [0, 1]."""
    batch, single = as_batch(images)
    rng = np.random.default_rng(seed)
    noisy = batch + rng.normal(0.0, std, batch.shape).astype(np.float32)
    return _back(np.clip(noisy, 0, 1).astype(np.float32), single)


def apply_all(image: np.ndarray, *, dx: int = 0, dy: int = 0, degrees: float = 0.0,
              factor: float = 1.0, shear: float = 0.0, stroke_amount: float = 0.0,
              sigma: float = 0.0, noise_std: float = 0.0, seed: int = 0) -> np.ndarray:
    """Every slider of the invariance lab at once: stroke width, then one affine map, blur, noise."""
    out = stroke(image, stroke_amount) if stroke_amount else np.asarray(image, np.float32)
    if degrees or factor != 1.0 or shear:
        out = affine(out, degrees=degrees, scale=factor, shear=-shear)
    if dx or dy:
        out = shift(out, dx, dy)
    if sigma:
        out = blur(out, sigma)
    if noise_std:
        out = noise(out, noise_std, seed)
    return out
