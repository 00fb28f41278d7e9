"""Augmentation moves digits a little, keeps shapes, and only runs on training batches."""

import numpy as np

from cnnlab.training import augmentation as augment

from cnnlab.training import mnist
def test_transforms_change_training_images_but_not_inference():
    d = mnist.load_mnist()
    x = np.array(d.x_train[:16])
    layers = augment.augmentation_layers(seed=1)
    moved = np.asarray(layers(x, training=True))
    assert moved.shape == x.shape
    assert not np.allclose(moved, x)
    assert moved.min() >= -1e-6 and moved.max() <= 1 + 1e-6  # black fill, no new brightness
    # most ink stays: a digit is turned/shifted/zoomed a little, not cut away
    assert np.abs(moved.sum() / x.sum() - 1) < 0.3
    np.testing.assert_allclose(np.asarray(layers(x, training=False)), x)


def test_dataset_batches_have_the_right_shapes_and_labels():
    d = mnist.load_mnist()
    x, y = np.array(d.x_train[:70]), np.array(d.y_train[:70]).astype("int32")
    batches = list(augment.augmented_dataset(x, y, batch_size=32, seed=0))
    assert [tuple(b[0].shape) for b in batches] == [(32, 28, 28, 1), (32, 28, 28, 1), (6, 28, 28, 1)]
    labels = np.concatenate([b[1].numpy() for b in batches])
    assert sorted(labels.tolist()) == sorted(y.tolist())  # shuffled, none lost
