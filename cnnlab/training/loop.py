"""Train the exact model a student designed, streaming progress and stopping cleanly on request.

This runs wherever it is called: in a worker process for the app (cnnlab.training.worker), in the
terminal for `python -m cnnlab train`. Keras is imported inside the functions, so importing
this module stays cheap. A stop request is honoured at the next batch end and keeps the
weights of the last *completed* epoch, so a cancelled run is still a consistent model.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from cnnlab.design import spec
from cnnlab.training.config import NUM_CLASSES, TrainConfig
from cnnlab.training.mnist import Mnist, subset
from cnnlab.training.progress import Progress, ProgressTracker, finite


@dataclass
class TrainResult:
    """What one training produced; `model` is None when it stopped before any epoch completed."""

    model: Any | None
    progress: Progress  # the final snapshot, with the histories and test metrics
    stopped: bool  # stopped on request before all epochs ran
    epochs_completed: int
    test_loss: float | None
    test_accuracy: float | None
    train_seconds: float  # wall time of model.fit, validation included
    eval_seconds: float  # wall time of the test-set evaluation
    samples_per_sec: float  # training images per second, validation excluded
    train_samples: int
    val_samples: int
    params: int

    @property
    def has_model(self) -> bool:
        return self.model is not None

    @property
    def history(self) -> tuple[dict[str, Any], ...]:
        return self.progress.epoch_history


def train(arch: spec.Architecture, config: TrainConfig, data: Mnist, *,
          on_progress: Callable[[Progress], None] = lambda p: None,
          should_stop: Callable[[], bool] = lambda: False, threads: int | None = None,
          callbacks: Sequence[Any] = (), report_every_s: float = 0.5) -> TrainResult:
    """Build, compile and fit `arch` on MNIST as `config` says, then evaluate on the test set.

    `on_progress` gets a Progress at most every `report_every_s` seconds and at each epoch end;
    `should_stop` is polled at each batch end. Extra Keras `callbacks` run after ours.
    """
    configure_threads(threads)
    from cnnlab.training.build import build_model

    x, y = subset(data.x_train, data.y_train, config.subset, seed=config.seed)
    (x_train, y_train), validation = split(x, y, config.validation_split, config.seed)
    model = build_model(arch, seed=config.seed)
    model.compile(optimizer=make_optimizer(config), loss=make_loss(arch, config), metrics=["accuracy"])
    y_train = format_labels(y_train, config.label_format)
    val_data = None
    if validation is not None:
        val_data = (validation[0], format_labels(validation[1], config.label_format))
    batches = math.ceil(len(x_train) / config.batch_size)
    tracker = ProgressTracker(config.epochs, batches, len(x_train), config.batch_size,
                              on_progress, every_s=report_every_s)
    live = _live_callback(tracker, should_stop)
    fit_args = dict(epochs=config.epochs, validation_data=val_data, verbose=0,
                    callbacks=[live, *callbacks])
    start = time.perf_counter()
    if should_stop():
        live.stopped = True
    elif config.augment:
        from cnnlab.training.augmentation import augmented_dataset

        batches_in = augmented_dataset(x_train, y_train, config.batch_size, config.seed)
        model.fit(batches_in, shuffle=False, **fit_args)  # the dataset shuffles itself
    else:
        model.fit(x_train, y_train, batch_size=config.batch_size, shuffle=True, **fit_args)
    train_seconds = time.perf_counter() - start
    samples_per_sec = tracker.last.samples_per_sec
    test_loss = test_acc = None
    eval_seconds = 0.0
    if live.stopped and live.completed == 0:
        model = None  # nothing finished: there is no model worth keeping
    else:
        if live.stopped:
            model.set_weights(live.weights)  # back to the end of the last completed epoch
        tracker.finish("evaluating")
        start = time.perf_counter()
        scores = model.evaluate(data.x_test, format_labels(data.y_test, config.label_format),
                                batch_size=max(config.batch_size, 256), verbose=0, return_dict=True)
        eval_seconds = time.perf_counter() - start
        test_loss, test_acc = finite(scores["loss"]), finite(scores["accuracy"])
    message = None
    if live.stopped:
        message = (f"Stopped after {live.completed} of {config.epochs} epoch(s); kept the model "
                   "of the last completed epoch." if live.completed else
                   "Stopped before the first epoch finished, so there is no model to keep.")
    final = tracker.last.replace(state="cancelled" if live.stopped else "done", eta_s=None,
                                 test_loss=test_loss, test_accuracy=test_acc, message=message)
    return TrainResult(model=model, progress=final, stopped=live.stopped,
                       epochs_completed=live.completed, test_loss=test_loss,
                       test_accuracy=test_acc, train_seconds=train_seconds,
                       eval_seconds=eval_seconds, samples_per_sec=samples_per_sec,
                       train_samples=len(x_train), val_samples=0 if validation is None else
                       len(validation[0]), params=0 if model is None else int(model.count_params()))


def split(x: np.ndarray, y: np.ndarray, fraction: float, seed: int
          ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None]:
    """A seeded random hold-out of `fraction` of the images for validation (None when 0)."""
    n_val = int(round(len(x) * fraction))
    if n_val == 0:
        return (x, y), None
    order = np.random.default_rng(seed + 1).permutation(len(x))
    val, keep = np.sort(order[:n_val]), np.sort(order[n_val:])
    return (x[keep], y[keep]), (x[val], y[val])


def format_labels(y: np.ndarray, label_format: str) -> np.ndarray:
    """Integer labels (N,) as they are, or one-hot (N,) -> (N, 10) for categorical cross-entropy."""
    if label_format == "one_hot":
        import keras

        return keras.utils.to_categorical(y, NUM_CLASSES).astype("float32")
    return np.asarray(y, dtype="int32")


def outputs_probabilities(arch: spec.Architecture) -> bool:
    """True when the design ends in softmax; otherwise its outputs are logits (from_logits=True)."""
    for layer in reversed(arch.layers):
        if layer.keeps_probabilities:
            continue  # e.g. Dropout, Flatten: a probability vector stays one
        return layer.makes_probabilities()
    return False


def make_loss(arch: spec.Architecture, config: TrainConfig) -> Any:
    """Sparse CE for integer labels, CE for one-hot; from logits when the design has no softmax."""
    import keras

    logits = not outputs_probabilities(arch)
    if config.label_format == "one_hot":
        return keras.losses.CategoricalCrossentropy(from_logits=logits)
    return keras.losses.SparseCategoricalCrossentropy(from_logits=logits)


def make_optimizer(config: TrainConfig) -> Any:
    import keras

    if config.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=config.learning_rate, momentum=config.momentum)
    if config.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=config.learning_rate)
    return keras.optimizers.Adam(learning_rate=config.learning_rate)


def configure_threads(threads: int | None) -> None:
    """Cap TensorFlow's thread pools so parallel jobs share the cores instead of fighting."""
    if not threads:
        return
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(min(2, threads))
    except RuntimeError:
        pass  # TensorFlow already started in this process; its pools cannot change any more


def _live_callback(tracker: ProgressTracker, should_stop: Callable[[], bool]) -> Any:
    """The Keras callback that feeds the tracker, polls for a stop and keeps the last good weights."""
    import keras

    class Live(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.stopped = False
            self.completed = 0  # epochs that ran all their batches
            self.weights: list[np.ndarray] | None = None

        def on_train_begin(self, logs=None):
            tracker.train_begin()

        def on_epoch_begin(self, epoch, logs=None):
            tracker.epoch_begin(epoch)

        def on_train_batch_end(self, batch, logs=None):
            tracker.batch_end(batch, logs)  # cheap unless a report is due
            if should_stop():
                self.stopped = True
                self.model.stop_training = True

        def on_test_batch_end(self, batch, logs=None):
            if self.stopped:
                self.model.stop_evaluating = True  # no point validating a cut-short epoch

        def on_epoch_end(self, epoch, logs=None):
            complete = tracker.batch >= tracker.batches_per_epoch
            tracker.epoch_end(epoch, logs, completed=complete)
            if complete:
                self.weights = self.model.get_weights()  # copies: later batches cannot touch them
                self.completed = epoch + 1

    return Live()
