"""Data augmentation: digits turned, shifted, resized, slanted, written with thinner or thicker
strokes and sometimes speckled with mild noise, for training batches only.

Why these: they are the ways one person's handwriting differs from another's (and from
MNIST's), so a model that has seen them reads a student's drawing as well as a test digit; the
noise (on a quarter of the images, faint) keeps a grainy scan or photo from being read as extra ink.
Each training image gets its own random strengths, drawn uniformly from the ranges below,
and the four geometric changes are combined into one affine map so the digit is resampled
once (one interpolation blurs less than four).

The transforms run inside the tf.data input pipeline, not inside the student's model, so the
saved model is exactly the designed one (same layers, same parameter count) and validation,
test and drawn digits are never distorted.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cnnlab.i18n import N_, _

ROTATION_DEGREES = 18.0  # turned by at most +-18 degrees (handwriting leans +-15)
SHIFT_PIXELS = 3.5  # moved by at most +-3.5 pixels up/down and left/right
SHIFT_FRACTION = SHIFT_PIXELS / 28  # the same shift as a fraction of the image, as Keras counts
ZOOM_FRACTION = 0.22  # made 0.78-1.22 times as large
SHEAR = 0.3  # slanted: each row moves sideways by up to 0.3 x its distance from the middle
STROKE = 1.5  # strokes thinned (-1: eroded with a plus) to thickened (+1: dilated 3x3, +1.5: half
# way to dilated twice), in between blended. Strengths below -1 stay fully eroded (a second
# erosion would wipe MNIST's thin strokes out), so one image in six has the thinnest strokes.
NOISE_SHARE = 0.25  # this share of the images gets Gaussian noise ...
NOISE_STD = 0.1  # ... of a standard deviation drawn from 0 to this, clipped to [0, 1]

SIZE = 28  # MNIST images are 28x28

DESCRIPTION = N_(
    "Each epoch, every training image is changed the ways handwriting varies, by a new random "
    "amount: **turned** up to ±{degrees}°, **shifted** up to ±{pixels} pixels, **resized** "
    "{smallest}-{largest} times, **slanted** like italics and written with **thinner or thicker "
    "strokes**, and a quarter of them get faint **noise**. The network never sees exactly the same digit twice, so it learns what a digit "
    "is rather than where MNIST put it: it reads shifted, turned and hand-drawn digits much "
    "better (see the Invariance lab). Slower per epoch and it pays off over more epochs (the "
    "shipped model: 20). Validation and test images are never changed, and the saved model is "
    "exactly your design.")


def description() -> str:
    """DESCRIPTION in the current language, with this module's strengths filled in."""
    return _(DESCRIPTION).format(degrees=f"{ROTATION_DEGREES:g}", pixels=f"{SHIFT_PIXELS:g}",
                                 smallest=f"{1 - ZOOM_FRACTION:g}",
                                 largest=f"{1 + ZOOM_FRACTION:g}")


def _transforms(params: Any) -> Any:
    """(B, 5) strengths [angle rad, scale, shear, dx, dy] -> (B, 8) projective rows for TensorFlow.

    The digit moves by  out = A (in - c) + c + t  with A = scale * rotation @ shear around the
    centre c; TensorFlow wants the inverse map (for each output pixel, where to read), so
    in = A^-1 (out - c - t) + c, written out for a 2x2 matrix.
    """
    import tensorflow as tf

    angle, scale, shear, dx, dy = tf.unstack(params, axis=1)
    cos, sin = tf.cos(angle), tf.sin(angle)
    # A = scale * [[cos, -sin], [sin, cos]] @ [[1, shear], [0, 1]]  (x = column, y = row)
    a, b = scale * cos, scale * (cos * shear - sin)
    c, d = scale * sin, scale * (sin * shear + cos)
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    centre = (SIZE - 1) / 2.0
    ox, oy = centre + dx, centre + dy  # where the centre lands
    zeros = tf.zeros_like(angle)
    return tf.stack([ia, ib, centre - ia * ox - ib * oy,
                     ic, id_, centre - ic * ox - id_ * oy, zeros, zeros], axis=1)


def _erode_cross(images: Any) -> Any:
    """Grey erosion with a plus-shaped 3x3 element: each pixel becomes the darkest of it and its 4 neighbours."""
    import tensorflow as tf

    padded = tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]])
    return tf.reduce_min(tf.stack([padded[:, 1:-1, 1:-1], padded[:, :-2, 1:-1], padded[:, 2:, 1:-1],
                                   padded[:, 1:-1, :-2], padded[:, 1:-1, 2:]]), axis=0)


def _dilate_square(images: Any) -> Any:
    """Grey dilation with a 3x3 square: each pixel becomes the brightest of its 3x3 neighbourhood."""
    import tensorflow as tf

    return tf.nn.max_pool2d(images, ksize=3, strides=1, padding="SAME")


def augment_batch(images: Any, seed: Any) -> Any:
    """(B, 28, 28, 1) float images in [0, 1] -> the same batch, each image randomly transformed.

    `seed` is a (2,) integer tensor: the same seed gives the same transforms (tf's stateless RNG).
    """
    import tensorflow as tf

    images = tf.convert_to_tensor(images, tf.float32)
    n = tf.shape(images)[0]
    u = tf.random.stateless_uniform([n, 8], seed=seed, minval=-1.0, maxval=1.0)
    stroke = u[:, 5][:, None, None, None] * STROKE
    once = _dilate_square(images)
    thicker = (images + tf.clip_by_value(stroke, 0.0, 1.0) * (once - images)
               + tf.clip_by_value(stroke - 1.0, 0.0, 1.0) * (_dilate_square(once) - once))
    restroked = thicker + tf.clip_by_value(-stroke, 0.0, 1.0) * (_erode_cross(images) - images)
    params = tf.stack([u[:, 0] * math.radians(ROTATION_DEGREES), 1.0 + u[:, 1] * ZOOM_FRACTION,
                       u[:, 2] * SHEAR, u[:, 3] * SHIFT_PIXELS, u[:, 4] * SHIFT_PIXELS], axis=1)
    moved = tf.raw_ops.ImageProjectiveTransformV3(
        images=restroked, transforms=_transforms(params), output_shape=tf.shape(images)[1:3],
        fill_value=0.0, interpolation="BILINEAR", fill_mode="CONSTANT")
    noisy = tf.cast(u[:, 6] < 2.0 * NOISE_SHARE - 1.0, tf.float32) * (u[:, 7] + 1.0) / 2.0 * NOISE_STD
    grain = tf.random.stateless_normal(tf.shape(moved), seed=seed[::-1]) * noisy[:, None, None, None]
    return tf.clip_by_value(moved + grain, 0.0, 1.0)


def augmented_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int = 0) -> Any:
    """Shuffled batches of randomly transformed images: (B, 28, 28, 1) in, (B, 28, 28, 1) out.

    Every batch gets fresh random strengths, different in every epoch, and the whole sequence
    repeats with the same `seed`.
    """
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices((x, y))
    data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    data = tf.data.Dataset.zip(data, seeds)

    def transform(batch: Any, r: Any) -> Any:
        return augment_batch(batch[0], tf.stack([r, tf.constant(seed, tf.int64)])), batch[1]

    data = data.map(transform, num_parallel_calls=tf.data.AUTOTUNE)
    return data.prefetch(tf.data.AUTOTUNE)
