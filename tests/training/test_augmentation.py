"""Augmentation turns, shifts, resizes, slants and restrokes digits a little, seeded, training batches only."""

import numpy as np
import tensorflow as tf

from cnnlab.evaluation import transforms
from cnnlab.training import augmentation as augment
from cnnlab.training import mnist


def test_transforms_change_training_images_and_repeat_with_the_seed():
    d = mnist.load_mnist()
    x = np.array(d.x_train[:64])
    seed = tf.constant([1, 0], tf.int64)
    moved = augment.augment_batch(x, seed).numpy()
    assert moved.shape == x.shape
    assert not np.allclose(moved, x)
    assert moved.min() >= 0 and moved.max() <= 1  # black fill, no new brightness
    # most ink stays: a digit is changed a little, not cut away or filled in
    assert 0.5 < moved.sum() / x.sum() < 2.0
    np.testing.assert_array_equal(augment.augment_batch(x, seed).numpy(), moved)
    assert not np.array_equal(augment.augment_batch(x, tf.constant([2, 0], tf.int64)).numpy(), moved)


def test_the_affine_map_matches_the_labs_transforms():
    """Training and the invariance lab share one convention: the same strengths move a digit the same way."""
    x = np.array(mnist.load_mnist().x_test[:4])
    params = tf.constant([[np.radians(12.0), 1.1, 0.2, 2.0, -1.0]] * 4, tf.float32)
    moved = tf.raw_ops.ImageProjectiveTransformV3(
        images=x, transforms=augment._transforms(params), output_shape=[28, 28], fill_value=0.0,
        interpolation="BILINEAR", fill_mode="CONSTANT").numpy()[..., 0]
    # the augmentation's angle turns clockwise as seen (rows grow downwards)
    expected = transforms.affine(x, degrees=-12.0, scale=1.1, shear=0.2, dx=2.0, dy=-1.0)
    np.testing.assert_allclose(moved, expected, atol=1e-4)


def test_dataset_batches_have_the_right_shapes_and_labels():
    d = mnist.load_mnist()
    x, y = np.array(d.x_train[:70]), np.array(d.y_train[:70]).astype("int32")
    batches = list(augment.augmented_dataset(x, y, batch_size=32, seed=0))
    assert [tuple(b[0].shape) for b in batches] == [(32, 28, 28, 1), (32, 28, 28, 1), (6, 28, 28, 1)]
    labels = np.concatenate([b[1].numpy() for b in batches])
    assert sorted(labels.tolist()) == sorted(y.tolist())  # shuffled, none lost
    again = list(augment.augmented_dataset(x, y, batch_size=32, seed=0))
    np.testing.assert_array_equal(again[0][0].numpy(), batches[0][0].numpy())  # seeded
