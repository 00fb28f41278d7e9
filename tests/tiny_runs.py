"""Tiny real runs for page tests: one epoch on 500 MNIST images, saved as a student's run folder."""

from __future__ import annotations

from pathlib import Path

from cnnlab.training import mnist

from cnnlab.runs import store as runs

from cnnlab.training import loop as training
from cnnlab.training.config import TrainConfig
from cnnlab.design.spec import Architecture

DENSE = Architecture.from_dict({"layers": [
    {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}]})


def small_mnist(n_train: int = 500, n_test: int = 100) -> mnist.Mnist:
    """The first images of the real data set: enough to train, quick to test on."""
    data = mnist.load_mnist()
    return mnist.Mnist(data.x_train[:n_train], data.y_train[:n_train],
                       data.x_test[:n_test], data.y_test[:n_test])


def train_tiny_run(runs_dir: Path, owner: str, arch: Architecture, name: str,
                   validation_split: float = 0.0) -> Path:
    """Train `arch` for one epoch on 500 images and save it under `owner`'s runs."""
    config = TrainConfig(epochs=1, subset=500, validation_split=validation_split, batch_size=32)
    result = training.train(arch, config, small_mnist())
    return runs.save_run(runs_dir, owner, arch, config, result, name=name)


CONV = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 4, "kernel_size": [3, 3]},
    {"type": "MaxPooling2D", "pool_size": [2, 2]}, {"type": "Flatten"},
    {"type": "Dense", "units": 10, "activation": "softmax"}]})


def copy_run(run_dir: Path, runs_dir: Path, owner: str) -> Path:
    """A copy of a saved run under another student's runs: a real run, without training again."""
    import shutil

    target = Path(runs_dir) / owner / Path(run_dir).name
    shutil.copytree(run_dir, target)
    return target
