"""Seconds of training until the recommended design reaches 99.0% test accuracy on MNIST.

Trains with cnnlab.training.loop.train on all 60,000 training images (no validation hold-out),
evaluates on the 10,000 test images at each epoch end, and stops at the first epoch that
reaches the target. The clock counts training only: the test evaluations are measurement,
so their time is reported apart. Goal: under 60 s on 2 CPU cores.

    .venv/bin/python bench/bench_time_to_accuracy.py [--target 0.99] [--max-epochs 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402

from cnnlab.training import loop as training  # noqa: E402
from cnnlab.training.config import TrainConfig  # noqa: E402
from cnnlab.training.mnist import load_mnist  # noqa: E402
from cnnlab.design.presets import get_preset  # noqa: E402


class TestEveryEpoch(keras.callbacks.Callback):
    """Evaluate on the test set at each epoch end; stop once the target is reached."""

    def __init__(self, data, target: float) -> None:
        super().__init__()
        self.data, self.target = data, target
        self.start = 0.0
        self.eval_seconds = 0.0
        self.reached: tuple[int, float, float] | None = None

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        begin = time.perf_counter()
        train_s = begin - self.start - self.eval_seconds
        scores = self.model.evaluate(self.data.x_test, self.data.y_test.astype("int32"),
                                     batch_size=1000, verbose=0, return_dict=True)
        self.eval_seconds += time.perf_counter() - begin
        print(f"epoch {epoch + 1}: {train_s:6.1f} s of training, test accuracy "
              f"{scores['accuracy']:.4f}", flush=True)
        if self.reached is None and scores["accuracy"] >= self.target:
            self.reached = (epoch + 1, train_s, scores["accuracy"])
            self.model.stop_training = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="recommended")
    parser.add_argument("--target", type=float, default=0.99)
    parser.add_argument("--max-epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()
    data = load_mnist()
    config = TrainConfig(epochs=args.max_epochs, batch_size=args.batch_size, validation_split=0.0)
    probe = TestEveryEpoch(data, args.target)
    result = training.train(get_preset(args.preset).arch, config, data, callbacks=[probe])
    print(f"design {args.preset} ({result.params:,} params), 60,000 images, batch {config.batch_size}, adam 1e-3, "
          f"{os.cpu_count()} CPU cores, {result.samples_per_sec:.0f} images/s")
    if probe.reached:
        epoch, seconds, acc = probe.reached
        print(f"reached {acc:.4f} >= {args.target} after epoch {epoch}: {seconds:.1f} s of training "
              f"(goal < 60 s; test evaluations took another {probe.eval_seconds:.1f} s)")
    else:
        print(f"did not reach {args.target} in {args.max_epochs} epochs")


if __name__ == "__main__":
    main()
