"""How much does live progress cost? cnnlab.training.loop.train vs a plain model.fit, same model and data.

Both fit the same design on the same images with the same settings; ours also runs the
progress callback, polls for a stop at every batch and pickles each report as a worker would
send it. Prints images/second of each (median of alternating repeats) and the ratio; the
goal is a ratio of at least 0.95.

    .venv/bin/python bench/bench_overhead.py [--preset recommended] [--subset 12000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnnlab.training import loop as training  # noqa: E402
from cnnlab.training.build import build_model  # noqa: E402
from cnnlab.training.config import TrainConfig  # noqa: E402
from cnnlab.training.mnist import load_mnist, subset  # noqa: E402
from cnnlab.design.presets import get_preset  # noqa: E402


def plain_fit(arch, config, x, y) -> float:
    """Seconds of a bare model.fit with the compile settings train() uses."""
    model = build_model(arch, seed=config.seed)
    model.compile(optimizer=training.make_optimizer(config), loss=training.make_loss(arch, config),
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x, y, batch_size=config.batch_size, epochs=config.epochs, shuffle=True, verbose=0)
    return time.perf_counter() - start


def ours(arch, config, data) -> float:
    """Seconds of train()'s model.fit, with progress reports pickled as if sent to the server."""
    sent = []
    result = training.train(arch, config, data, on_progress=lambda p: sent.append(len(pickle.dumps(p.to_dict()))),
                            should_stop=lambda: False)
    return result.train_seconds


def callback_cost_us(calls: int = 200_000) -> float:
    """Microseconds our per-batch hook adds (tracker.batch_end + the stop poll), measured alone."""
    import multiprocessing

    from cnnlab.training.progress import ProgressTracker

    stop = multiprocessing.get_context("spawn").Event()  # what a worker polls
    tracker = ProgressTracker(1, calls, calls * 128, 128, lambda p: None, every_s=0.5)
    logs = {"loss": 0.1, "accuracy": 0.9}
    tracker.train_begin()
    tracker.epoch_begin(0)
    start = time.perf_counter()
    for b in range(calls):
        tracker.batch_end(b, logs)
        stop.is_set()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="recommended")
    parser.add_argument("--subset", type=int, default=12000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    arch = get_preset(args.preset).arch
    config = TrainConfig(epochs=args.epochs, subset=args.subset, batch_size=args.batch_size,
                         validation_split=0.0)
    data = load_mnist()
    x, y = subset(data.x_train, data.y_train, config.subset, seed=config.seed)
    y = training.format_labels(y, config.label_format)
    images = len(x) * config.epochs
    plain_t, ours_t = [], []
    for i in range(args.repeats):  # alternate, so drift in machine load hits both alike
        plain_t.append(plain_fit(arch, config, x, y))
        ours_t.append(ours(arch, config, data))
        print(f"repeat {i + 1}: plain {images / plain_t[-1]:8.0f} img/s   "
              f"ours {images / ours_t[-1]:8.0f} img/s", flush=True)
    plain_rate, ours_rate = images / statistics.median(plain_t), images / statistics.median(ours_t)
    print(f"design {args.preset} ({build_model(arch).count_params():,} params), {len(x)} images x {config.epochs} epoch(s), batch {config.batch_size}, "
          f"{os.cpu_count()} CPU cores")
    print(f"plain model.fit : {plain_rate:8.0f} images/s (median of {args.repeats})")
    print(f"cnnlab train()  : {ours_rate:8.0f} images/s")
    print(f"ratio           : {ours_rate / plain_rate:.3f}  (goal >= 0.95)")
    cost = callback_cost_us()
    batch_us = config.batch_size / plain_rate * 1e6
    print(f"per-batch hook  : {cost:.1f} us = {100 * cost / batch_us:.3f}% of a {batch_us / 1000:.1f} ms batch "
          "(reports every 0.5 s included)")


if __name__ == "__main__":
    main()
