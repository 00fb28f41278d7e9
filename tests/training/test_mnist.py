"""The bundled MNIST loads, verifies its checksums and matches the published facts."""

import gzip
import shutil

import numpy as np
import pytest

from cnnlab.training import mnist
from cnnlab.errors import LabError


def test_shapes_dtypes_and_range():
    data = mnist.load_mnist()
    assert data.x_train.shape == (60000, 28, 28, 1) and data.x_test.shape == (10000, 28, 28, 1)
    assert data.x_train.dtype == np.float32 and data.y_train.shape == (60000,)
    assert 0.0 == data.x_train.min() and data.x_train.max() == 1.0
    assert set(np.unique(data.y_test)) == set(range(10))


def test_first_labels_match_the_published_order():
    # The README beside the files states the first ten training labels.
    assert mnist.load_mnist().y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_arrays_are_read_only_and_cached():
    data = mnist.load_mnist()
    assert mnist.load_mnist() is data
    with pytest.raises(ValueError):
        data.x_train[0, 0, 0, 0] = 1.0


def test_damaged_file_fails_the_checksum(tmp_path):
    for path in mnist.MNIST_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    labels = tmp_path / mnist.FILES["y_test"]
    raw = bytearray(gzip.decompress(labels.read_bytes()))
    raw[-1] = (raw[-1] + 1) % 10
    labels.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(LabError, match="checksum"):
        mnist.load_from_dir(tmp_path)


def test_missing_files_are_named_and_never_downloaded(tmp_path):
    shutil.copy(mnist.MNIST_DIR / mnist.FILES["x_train"], tmp_path)
    with pytest.raises(LabError, match=mnist.FILES["y_test"]) as err:
        mnist.load_mnist(str(tmp_path))
    assert "git checkout data/mnist" in str(err.value)
    assert mnist.FILES["x_train"] not in str(err.value)  # present: not named


def test_read_idx_rejects_garbage_and_truncation():
    with pytest.raises(LabError, match="magic"):
        mnist.read_idx(b"not an idx file")
    header = b"\x00\x00\x08\x01" + (5).to_bytes(4, "big")
    assert mnist.read_idx(header + bytes([1, 2, 3, 4, 5])).tolist() == [1, 2, 3, 4, 5]
    with pytest.raises(LabError, match="truncated"):
        mnist.read_idx(header + bytes([1, 2]))


def test_subset_is_reproducible_and_sized():
    data = mnist.load_mnist()
    x1, y1 = mnist.subset(data.x_train, data.y_train, 300, seed=1)
    x2, y2 = mnist.subset(data.x_train, data.y_train, 300, seed=1)
    assert x1.shape == (300, 28, 28, 1) and np.array_equal(y1, y2)
    assert len(set(y1.tolist())) == 10
    assert mnist.subset(data.x_train, data.y_train, None)[0] is data.x_train
    with pytest.raises(ValueError):
        mnist.subset(data.x_train, data.y_train, 0)
