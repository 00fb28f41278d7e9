"""Data augmentation: slightly turned, shifted and zoomed digits, for training batches only.

The random layers run inside the tf.data input pipeline, not inside the student's model, so
the saved model is exactly the designed one (same layers, same parameter count) and
validation, test and drawn digits are never distorted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ROTATION_DEGREES = 10.0  # at most +-10 degrees
SHIFT_FRACTION = 0.1  # at most +-10 % of the height / width
ZOOM_FRACTION = 0.1  # at most +-10 %


def augmentation_layers(seed: int | None = None) -> Any:
    """The random transforms as a keras.Sequential; the empty border is filled black like MNIST."""
    import keras
    from keras import layers

    fill = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential([
        # RandomRotation's factor is a fraction of a full turn: 10 / 360
        layers.RandomRotation(ROTATION_DEGREES / 360.0, seed=seed, **fill),
        layers.RandomTranslation(SHIFT_FRACTION, SHIFT_FRACTION, seed=seed, **fill),
        layers.RandomZoom(ZOOM_FRACTION, seed=seed, **fill),
    ], name="augmentation")


def augmented_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int = 0) -> Any:
    """Shuffled batches of randomly transformed images: (B, 28, 28, 1) in, (B, 28, 28, 1) out."""
    import tensorflow as tf

    transform = augmentation_layers(seed)
    data = tf.data.Dataset.from_tensor_slices((x, y))
    data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    data = data.map(lambda xb, yb: (transform(xb, training=True), yb),
                    num_parallel_calls=tf.data.AUTOTUNE)
    return data.prefetch(tf.data.AUTOTUNE)
