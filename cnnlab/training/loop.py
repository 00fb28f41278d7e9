"""Train the exact model a student designed, streaming progress and stopping cleanly on request.

This runs wherever it is called: in a worker process for the app (cnnlab.training.worker), in the
terminal for `python -m cnnlab train`. Keras is imported inside the functions, so importing
this module stays cheap. A stop request is honoured at the next batch end and keeps the
weights of the last *completed* epoch, so a cancelled run is still a consistent model.

Speed (bench/bench_training_speed.py): Keras runs `steps_per_execution` batches per call into
TensorFlow, so its per-batch Python work is paid once per call; the callbacks (progress and
the stop poll) run between calls, and `choose_steps_per_execution` sizes a call to about a
quarter of a second, so the chart still moves several times a second and Stop lands within
one. Batches are gathered by tf.data straight from the read-only MNIST arrays (one tensor per
process, shared by every job the process runs), so no subset or split is ever copied.
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
from cnnlab.training.precision import (FLOAT32, MIXED_BFLOAT16, effective_precision,
                                       float32_model, layers_computing_in)
from cnnlab.training.progress import Progress, ProgressTracker, finite


@dataclass
class TrainResult:
    """What one training produced; `model` is None when it stopped before any epoch completed."""

    model: Any | None
    progress: Progress  # the final snapshot, with the histories and test metrics
    stopped: bool  # stopped on request before all epochs ran
    epochs_completed: int
    precision: str  # what the training computed in (cnnlab.training.precision)
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
          callbacks: Sequence[Any] = (), report_every_s: float = 0.5,
          steps_per_execution: int | None = None) -> TrainResult:
    """Build, compile and fit `arch` on MNIST as `config` says, then evaluate on the test set.

    `on_progress` gets a Progress at most every `report_every_s` seconds and at each epoch end;
    `should_stop` is polled after every execution of `steps_per_execution` batches (None:
    `choose_steps_per_execution` decides). Extra Keras `callbacks` run after ours.
    """
    configure_threads(threads)
    from cnnlab.training.build import build_model

    train_index, val_index = split_indices(len(data.x_train), config, config.seed)
    batches = math.ceil(len(train_index) / config.batch_size)
    if steps_per_execution is None:
        from cnnlab.design.arithmetic import analyze

        steps_per_execution = choose_steps_per_execution(analyze(arch).total_macs,
                                                         config.batch_size, batches, threads)
    precision = effective_precision(config.precision)
    with layers_computing_in(precision):
        model = build_model(arch, seed=config.seed)
    model.compile(optimizer=make_optimizer(config, batches), loss=make_loss(arch, config),
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)
    labels = format_labels(data.y_train, config.label_format)
    val_data = None
    if val_index is not None:
        val_data = gathered_batches(data.x_train, labels, val_index, max(config.batch_size, 256),
                                    threads=threads)
    tracker = ProgressTracker(config.epochs, batches, len(train_index), config.batch_size,
                              on_progress, every_s=report_every_s)
    live = _live_callback(tracker, should_stop)
    fit_args = dict(epochs=config.epochs, validation_data=val_data, verbose=0,
                    callbacks=[live, *callbacks])
    start = time.perf_counter()
    if should_stop():
        live.stopped = True
    elif config.augment:
        from cnnlab.training.augmentation import augmented_dataset

        batches_in = augmented_dataset(data.x_train[train_index], labels[train_index],
                                       config.batch_size, config.seed)
        model.fit(batches_in, shuffle=False, **fit_args)  # the dataset shuffles itself
    else:
        batches_in = gathered_batches(data.x_train, labels, train_index, config.batch_size,
                                      shuffle_seed=config.seed, threads=threads)
        model.fit(batches_in, shuffle=False, **fit_args)
    train_seconds = time.perf_counter() - start
    samples_per_sec = tracker.last.samples_per_sec
    test_loss = test_acc = None
    eval_seconds = 0.0
    if live.stopped and live.completed == 0:
        model = None  # nothing finished: there is no model worth keeping
    else:
        if live.stopped:
            model.set_weights(live.weights)  # back to the end of the last completed epoch
        model = evaluation_model(model, arch, config)  # what is evaluated, saved and drawn on
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
    # The finished job's "trained for" is the same number the run saves as its training time.
    final = tracker.last.replace(state="cancelled" if live.stopped else "done", eta_s=None,
                                 elapsed_s=train_seconds, test_loss=test_loss,
                                 test_accuracy=test_acc, message=message)
    return TrainResult(model=model, progress=final, stopped=live.stopped,
                       epochs_completed=live.completed, precision=precision, test_loss=test_loss,
                       test_accuracy=test_acc, train_seconds=train_seconds,
                       eval_seconds=eval_seconds, samples_per_sec=samples_per_sec,
                       train_samples=len(train_index), val_samples=0 if val_index is None else
                       len(val_index), params=0 if model is None else int(model.count_params()))


def evaluation_model(model: Any, arch: spec.Architecture, config: TrainConfig) -> Any:
    """The trained model as float32 (cnnlab.training.precision.float32_model), compiled so that
    `evaluate` gives the loss and accuracy of the model the run saves."""
    plain = float32_model(model, arch)
    if plain is not model:
        plain.compile(loss=make_loss(arch, config), metrics=["accuracy"])
    return plain


def warm_up(data: Mnist) -> None:
    """Pay a process's one-time costs before anyone waits: import Keras, make the MNIST tensors
    and run every path of `train` (tf.data, fit, validation, evaluation, mixed precision where
    the processor has it) on a tiny model, so a warm worker's student sees the first chart
    point at once. Forgets the tiny model after."""
    import keras

    tiny = spec.Architecture((spec.Flatten(), spec.Dense(10, "softmax")))
    config = TrainConfig(epochs=1, subset=64, batch_size=32, validation_split=0.25)
    train(tiny, config, data)
    if effective_precision(MIXED_BFLOAT16) != FLOAT32:
        train(tiny, config.replace(precision=MIXED_BFLOAT16), data)  # its copy back too
    keras.backend.clear_session()


def split(x: np.ndarray, y: np.ndarray, fraction: float, seed: int
          ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None]:
    """A seeded random hold-out of `fraction` of the images for validation (None when 0)."""
    keep, val = _holdout(len(x), fraction, seed)
    if val is None:
        return (x, y), None
    return (x[keep], y[keep]), (x[val], y[val])


def _holdout(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Positions kept for training and held out for validation (None when none are), sorted."""
    n_val = int(round(n * fraction))
    if n_val == 0:
        return np.arange(n), None
    order = np.random.default_rng(seed + 1).permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def split_indices(available: int, config: TrainConfig, seed: int
                  ) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows of the full training set for training and for validation: the same images as
    `subset` then `split` would copy out, as indices (so nothing is copied)."""
    rows = np.arange(available)
    if config.subset is not None and config.subset < available:
        rows = subset(rows, rows, config.subset, seed=seed)[0]
    keep, val = _holdout(len(rows), config.validation_split, seed)
    return rows[keep], None if val is None else rows[val]


# A call into TensorFlow should last about this long: long enough that Keras' per-call Python
# work is small beside it, short enough that the chart moves and a Stop lands within a second.
EXECUTION_TARGET_S = 0.25
MACS_PER_S_PER_THREAD = 1e10  # an optimistic CPU core (fewer steps per call if it is slower)
MAX_STEPS_PER_EXECUTION = 32
MIN_EXECUTIONS_PER_EPOCH = 16  # a short epoch still gets a chart and places for a Stop to land


def choose_steps_per_execution(macs_per_image: int, batch_size: int, batches_per_epoch: int,
                               threads: int | None) -> int:
    """Batches per call: about EXECUTION_TARGET_S of estimated work (forward + backward is
    about 3x the forward multiply-adds), at most MAX_STEPS_PER_EXECUTION, and at least
    MIN_EXECUTIONS_PER_EPOCH calls per epoch; 1 when a batch alone is that long."""
    import os

    cores = threads or os.cpu_count() or 1
    step_s = 3 * max(macs_per_image, 1) * batch_size / (MACS_PER_S_PER_THREAD * cores)
    by_time = int(EXECUTION_TARGET_S / step_s)
    by_epoch = batches_per_epoch // MIN_EXECUTIONS_PER_EPOCH
    return max(1, min(by_time, by_epoch, MAX_STEPS_PER_EXECUTION))


_TENSORS: dict[int, tuple[np.ndarray, Any]] = {}  # id(array) -> (array, its tensor), per process


def as_tensor(array: np.ndarray) -> Any:
    """The array as a TensorFlow tensor, made once per process and array (MNIST is read-only)."""
    import tensorflow as tf

    held = _TENSORS.get(id(array))
    if held is None or held[0] is not array:
        if len(_TENSORS) >= 8:
            _TENSORS.clear()
        held = _TENSORS[id(array)] = (array, tf.convert_to_tensor(array))
    return held[1]


def gathered_batches(x: np.ndarray, y: np.ndarray, rows: np.ndarray, batch_size: int, *,
                     shuffle_seed: int | None = None, threads: int | None = None) -> Any:
    """tf.data batches of x[rows], y[rows], gathered batch by batch from the whole arrays (no
    copy of the subset), reshuffled every epoch when `shuffle_seed` is given, prefetched."""
    import tensorflow as tf

    x_all, y_all = as_tensor(x), as_tensor(y)
    batches = tf.data.Dataset.from_tensor_slices(rows.astype(np.int64))
    if shuffle_seed is not None:
        batches = batches.shuffle(len(rows), seed=shuffle_seed, reshuffle_each_iteration=True)
    batches = batches.batch(batch_size).map(lambda i: (tf.gather(x_all, i), tf.gather(y_all, i)),
                                            num_parallel_calls=tf.data.AUTOTUNE)
    options = tf.data.Options()
    if threads:
        options.threading.private_threadpool_size = max(threads, 2)  # a share, as for TensorFlow
    return batches.prefetch(tf.data.AUTOTUNE).with_options(options)


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


def make_optimizer(config: TrainConfig, batches_per_epoch: int = 1) -> Any:
    import keras

    rate = learning_rate(config, batches_per_epoch)
    if config.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=rate, momentum=config.momentum)
    if config.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=rate)
    return keras.optimizers.Adam(learning_rate=rate)


ONE_CYCLE_WARMUP = 0.25  # share of all steps spent climbing to the peak learning rate
ONE_CYCLE_START = 0.1  # the climb starts at this fraction of the peak
ONE_CYCLE_END = 0.01  # and the cosine descent ends at this fraction of it


def learning_rate(config: TrainConfig, batches_per_epoch: int) -> Any:
    """`config.learning_rate` as it is, or for "one_cycle" Keras' own CosineDecay with a linear
    warm-up: from a tenth of the peak up to `learning_rate` over the first quarter of the steps,
    then a cosine down to a hundredth. A built-in schedule, so the saved model loads anywhere."""
    if config.lr_schedule != "one_cycle":
        return config.learning_rate
    import keras

    total = max(config.epochs * batches_per_epoch, 2)
    warmup = max(1, int(total * ONE_CYCLE_WARMUP))
    return keras.optimizers.schedules.CosineDecay(
        config.learning_rate * ONE_CYCLE_START, decay_steps=total - warmup,
        alpha=ONE_CYCLE_END, warmup_target=config.learning_rate, warmup_steps=warmup)


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
